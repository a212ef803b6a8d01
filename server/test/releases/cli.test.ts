import { execFile } from "node:child_process";
import { generateKeyPairSync, sign } from "node:crypto";
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { canonicalJson, digestOf, keyIdOf, signedBytes, type PublicJwk, type Release } from "@codewright/shared";
import { addMember, databaseKinds, makeUser, type TestUser } from "../helper";
import { importSample, startReleaseApp, typeInto } from "./support";

const BIN = resolve(import.meta.dirname, "../../bin/codewright.js");

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the command line as a user would, in its own process. */
function codewright(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((done) => {
    const clean = { ...process.env, NO_COLOR: "", FORCE_COLOR: "", CODEWRIGHT_TOKEN: "", ...env };
    execFile(process.execPath, [BIN, ...args], { env: clean, timeout: 60_000 }, (error, stdout, stderr) => {
      done({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** A fresh Ed25519 key of someone other than the server: its JWK, named by its thumbprint, and its private half. */
async function otherKey() {
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  const raw = publicKey.export({ format: "jwk" }) as { kty: "OKP"; crv: "Ed25519"; x: string };
  const jwk: PublicJwk = { kty: raw.kty, crv: raw.crv, x: raw.x, kid: await keyIdOf(raw) };
  return { jwk, sign: (release: Release) => sign(null, signedBytes(release), privateKey).toString("base64") };
}

// The command line talks HTTP, so one database kind is enough here.
describe.each(databaseKinds)("the codewright command line (%s)", { timeout: 120_000 }, (kind) => {
  let t: Awaited<ReturnType<typeof startReleaseApp>>;
  let editor: TestUser;
  let server: string;
  let slug: string;
  let dir: string;
  let kid: string;

  beforeAll(async () => {
    t = await startReleaseApp(kind);
    editor = await makeUser(t.db);
    const sample = await importSample(t.db);
    slug = sample.standard.slug;
    await addMember(t.app, sample.standard, editor, "editor");
    server = await t.app.listen({ port: 0, host: "127.0.0.1" });
    dir = await mkdtemp(join(tmpdir(), "codewright-cli-"));

    const first = await codewright(["publish", "--server", server, "--standard", slug, "--version", "1.0", "--notes", "First."], { CODEWRIGHT_TOKEN: editor.token });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toContain(`publishing ${slug} version 1.0`);
    expect(first.stdout).toMatch(/digest\s+sha256:[0-9a-f]{64}/);
    await typeInto(t.db, sample.rooms.get("BC-1.2")!, "Every input", " and every output");
    await writeFile(join(dir, "notes.md"), "Outputs are checked too.\n");
    const second = await codewright(["publish", "--server", server, "--token", editor.token, "--standard", slug, "--version", "1.1", "--notes-file", join(dir, "notes.md")]);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toContain("previous version  1.0");

    kid = (await t.app.inject({ url: `/api/standards/${slug}/releases/1.0/signature` })).json().kid;
    // A first download trusts the server's keys, loudly, and saves them; the next checks against those.
    const firstUse = await codewright(["download", "--server", server, "--standard", slug, "--version", "1.0", "--out", dir, "--trust-on-first-use"]);
    expect(firstUse.code, firstUse.stderr).toBe(0);
    expect(firstUse.stderr).toContain("NOT VERIFIED AGAINST A KEY YOU TRUST: trusting the server's keys on first use");
    expect(firstUse.stderr).toContain(`Compare the fingerprint ${kid} with one published elsewhere`);
    expect(firstUse.stderr).toContain(`--keys ${join(dir, "keys.json")}`);
    expect(firstUse.stdout).toContain(`downloaded ${slug} version 1.0`);
    expect(firstUse.stdout).not.toMatch(/verified/i);
    const next = await codewright(["download", "--server", server, "--standard", slug, "--version", "1.1", "--out", dir, "--keys", join(dir, "keys.json")]);
    expect(next.code, next.stderr).toBe(0);
    expect(next.stdout).toContain(`verified ${slug} version 1.1`);
    expect(next.stderr).not.toContain("NOT VERIFIED");
  }, 180_000);
  afterAll(async () => {
    await t?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const file = (name: string) => join(dir, name);

  it("downloads exactly what the server serves, with its signature and keys", async () => {
    const saved = await readFile(file(`${slug}-1.1.json`), "utf8");
    expect(saved).toBe((await t.app.inject({ url: `/api/standards/${slug}/releases/1.1` })).body);
    expect(JSON.parse(await readFile(file(`${slug}-1.1.signature.json`), "utf8"))).toMatchObject({ algorithm: "Ed25519" });
    expect(JSON.parse(await readFile(file("keys.json"), "utf8")).keys.length).toBeGreaterThan(0);
    // Pinned by the fingerprint a reader got elsewhere; the keys saved are the pinned ones.
    const newest = await codewright(["download", "--server", server, "--standard", slug, "--out", join(dir, "newest"), `--key=${kid}`]);
    expect(newest.code, newest.stderr).toBe(0);
    expect(newest.stdout).toContain(`verified ${slug} version 1.1`);
    expect(JSON.parse(await readFile(join(dir, "newest", "keys.json"), "utf8")).keys.map((k: { kid: string }) => k.kid)).toEqual([kid]);
    expect(await readFile(join(dir, "newest", `${slug}-1.1.json`), "utf8")).toBe(saved);
  });

  it("verifies a download against a key set file the reader holds", async () => {
    const trusted = join(dir, "trusted-keys.json");
    await writeFile(trusted, (await t.app.inject({ url: "/api/keys" })).body);
    const out = join(dir, "from-file");
    const run = await codewright(["download", "--server", server, "--standard", slug, "--version", "1.0", "--out", out, "--keys", trusted]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`verified ${slug} version 1.0: digest sha256:`);
    expect(run.stdout).toContain(`signed by key ${kid} from ${trusted}`);
    expect(JSON.parse(await readFile(join(out, "keys.json"), "utf8"))).toEqual(JSON.parse(await readFile(trusted, "utf8")));
    const again = await codewright(["verify", join(out, `${slug}-1.0.json`)]);
    expect(again.code, again.stderr).toBe(0);
  });

  it("downloads nothing without a key to trust, and pins only what it is told", async () => {
    const out = join(dir, "untrusted");
    const other = (await otherKey()).jwk;
    await mkdir(join(dir, "pinned-elsewhere"), { recursive: true });
    await writeFile(join(dir, "pinned-elsewhere", "keys.json"), JSON.stringify({ keys: [other] }));
    const download = (...extra: string[]) => codewright(["download", "--server", server, "--standard", slug, "--version", "1.1", ...extra]);
    const [untrusted, wrongKey, notAKey, twoKinds, replacing] = await Promise.all([
      download("--out", out),
      // `--key=`: a fingerprint may begin with "-", which would read as an option.
      download("--out", out, `--key=${other.kid}`),
      download("--out", out, "--key", "not-a-fingerprint"),
      download("--out", out, `--key=${kid}`, "--trust-on-first-use"),
      // Trusting on first use does not replace keys trusted earlier.
      download("--out", join(dir, "pinned-elsewhere"), "--trust-on-first-use"),
    ]);
    for (const run of [untrusted, wrongKey, notAKey, twoKinds, replacing]) {
      expect(run.code).toBe(1);
      expect(run.stdout).not.toMatch(/verified/i);
    }
    expect(untrusted.stderr).toContain("download needs a key you trust");
    expect(untrusted.stderr).toContain("--key <fingerprint>");
    expect(untrusted.stderr).toContain("--trust-on-first-use");
    expect(wrongKey.stderr).toMatch(/NOT AUTHENTIC \(unknown_key\)/);
    expect(notAKey.stderr).toContain("is not a key fingerprint");
    expect(twoKinds.stderr).toContain("give one of --key, --keys and --trust-on-first-use");
    expect(replacing.stderr).toContain("already holds other keys");
    await expect(readdir(out)).rejects.toThrow();
    expect(await readdir(join(dir, "pinned-elsewhere"))).toEqual(["keys.json"]);
  });

  it("verifies a downloaded release and refuses a tampered one", async () => {
    const release = file(`${slug}-1.0.json`);
    const signature = file(`${slug}-1.0.signature.json`);
    const keys = file("keys.json");
    // One byte changed.
    const text = await readFile(release, "utf8");
    const at = text.indexOf("memory-safe language");
    await writeFile(file("tampered.json"), `${text.slice(0, at)}M${text.slice(at + 1)}`);
    // Changed, with a digest recomputed to match: the signature gives it away.
    const forged = JSON.parse(text) as Release;
    forged.notes = "Nothing to see.";
    forged.digest = await digestOf(forged);
    await writeFile(file("forged.json"), JSON.stringify(forged));

    const [ok, defaults, remoteKeys, tampered, caught, swapped, missing] = await Promise.all([
      codewright(["verify", release, "--signature", signature, "--keys", keys]),
      // Defaults find the files `download` saved.
      codewright(["verify", release]),
      // Keys straight from the server.
      codewright(["verify", release, "--keys", `${server}/api/keys`]),
      codewright(["verify", file("tampered.json"), "--signature", signature, "--keys", keys]),
      codewright(["verify", file("forged.json"), "--signature", signature, "--keys", keys]),
      // The signature of another release does not fit.
      codewright(["verify", release, "--signature", file(`${slug}-1.1.signature.json`), "--keys", keys]),
      codewright(["verify", file("nope.json"), "--signature", file("nope.sig"), "--keys", keys]),
    ]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain("authentic");
    expect(defaults.code, defaults.stderr).toBe(0);
    expect(remoteKeys.code, remoteKeys.stderr).toBe(0);
    expect(tampered.code).toBe(1);
    expect(tampered.stderr).toMatch(/NOT AUTHENTIC \(digest_mismatch\)/);
    expect(caught.code).toBe(1);
    expect(caught.stderr).toMatch(/NOT AUTHENTIC \(bad_signature\)/);
    expect(swapped.code).toBe(1);
    expect(swapped.stderr).toMatch(/NOT AUTHENTIC \(bad_signature\)/);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("no such file");
  });

  it("refuses a key set that names another key with a genuine kid", async () => {
    const text = await readFile(file(`${slug}-1.0.json`), "utf8");
    const attacker = await otherKey();
    // Forged text, signed with the attacker's key under the genuine key's name, beside a key set saying so.
    const forged = JSON.parse(text) as Release;
    forged.notes = "Nothing to see.";
    forged.digest = await digestOf(forged);
    await writeFile(file("forged-kid.json"), JSON.stringify(forged));
    await writeFile(file("forged-kid.signature.json"), JSON.stringify({ algorithm: "Ed25519", kid, signature: attacker.sign(forged) }));
    await writeFile(file("forged-keys.json"), JSON.stringify({ keys: [{ ...attacker.jwk, kid }] }));
    const run = await codewright(["verify", file("forged-kid.json"), "--signature", file("forged-kid.signature.json"), "--keys", file("forged-keys.json")]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/NOT AUTHENTIC \(key_id_mismatch\)/);
    expect(run.stdout).not.toContain("authentic");
  });

  it("refuses a release, signature or key set with a key given twice", async () => {
    const release = file(`${slug}-1.0.json`);
    const signature = file(`${slug}-1.0.signature.json`);
    const keys = file("keys.json");
    const text = await readFile(release, "utf8");
    expect(text).toBe(canonicalJson(JSON.parse(text)));
    // The signed text last, where JSON.parse looks; a forged copy first, where other readers look.
    const genuine = (JSON.parse(text) as Release).sections[0]!.children[0]!.text;
    const at = text.indexOf(`"text":${JSON.stringify(genuine)}`);
    expect(at).toBeGreaterThan(0);
    await writeFile(file("twice.json"), `${text.slice(0, at)}"text":"Use any language.",${text.slice(at)}`);
    const signatureText = await readFile(signature, "utf8");
    await writeFile(file("twice.signature.json"), signatureText.replace('"algorithm"', '"algorithm": "none", "algorithm"'));
    const keysText = await readFile(keys, "utf8");
    await writeFile(file("twice-keys.json"), keysText.replace('"keys"', '"keys": [], "keys"'));

    const [twice, twiceSignature, twiceKeys, stillGenuine] = await Promise.all([
      codewright(["verify", file("twice.json"), "--signature", signature, "--keys", keys]),
      codewright(["verify", release, "--signature", file("twice.signature.json"), "--keys", keys]),
      codewright(["verify", release, "--signature", signature, "--keys", file("twice-keys.json")]),
      codewright(["verify", release, "--signature", signature, "--keys", keys]),
    ]);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toContain(`${file("twice.json")}: NOT AUTHENTIC (duplicate_key): The key "text" appears twice in the object at /sections/0/children/0`);
    expect(twiceSignature.code).toBe(1);
    expect(twiceSignature.stderr).toMatch(/NOT AUTHENTIC \(duplicate_key\): The key "algorithm" appears twice/);
    expect(twiceKeys.code).toBe(1);
    expect(twiceKeys.stderr).toMatch(/NOT AUTHENTIC \(duplicate_key\): The key "keys" appears twice/);
    expect(stillGenuine.code, stillGenuine.stderr).toBe(0);
  });

  it("prints the engine's diff as JSON, the same the server computes", async () => {
    const run = await codewright(["diff", file(`${slug}-1.0.json`), file(`${slug}-1.1.json`), "--json"]);
    expect(run.code, run.stderr).toBe(0);
    const fromServer = (await t.app.inject({ url: `/api/standards/${slug}/diff?from=1.0&to=1.1` })).json();
    expect(JSON.parse(run.stdout)).toEqual(fromServer);
    expect(fromServer.summary.modified).toBe(1);
  });

  it("prints a readable terminal diff: colour only when wanted", async () => {
    const args = ["diff", file(`${slug}-1.0.json`), file(`${slug}-1.1.json`)];
    const [plain, noColor, coloured, all] = await Promise.all([
      codewright(args),
      codewright(args, { FORCE_COLOR: "1", NO_COLOR: "1" }),
      codewright(args, { FORCE_COLOR: "1" }),
      codewright([...args, "--all"]),
    ]);
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stdout).not.toContain("\u001b[");
    expect(plain.stdout).toContain("diff 1.0 → 1.1");
    expect(plain.stdout).toContain("1 modified");
    expect(plain.stdout).toMatch(/~ 1\.2 Validate inputs \[BC-1\.2\]\s+modified/);
    expect(plain.stdout).toContain("Every input {+and every output +}from outside the component is checked:");
    expect(plain.stdout).not.toContain("Use memory-safe languages");
    expect(noColor.stdout).not.toContain("\u001b[");
    expect(coloured.stdout).toContain("\u001b[32mand every output \u001b[39m");
    expect(coloured.stdout).not.toContain("{+");
    expect(all.stdout).toContain("Use memory-safe languages");
  });

  it("explains what went wrong", async () => {
    const publish = (...extra: string[]) => ["publish", "--server", server, "--standard", slug, ...extra];
    const [again, anonymous, badToken, unknown, unreachable, notJson] = await Promise.all([
      codewright(publish("--token", editor.token, "--version", "1.1")),
      codewright(publish("--version", "2.0")),
      codewright(publish("--token", "cw_nonsense", "--version", "2.0")),
      codewright(["download", "--server", server, "--standard", slug, "--version", "9.9", "--out", dir, "--keys", file("keys.json")]),
      codewright(["download", "--server", "http://127.0.0.1:9", "--standard", slug, `--key=${kid}`]),
      codewright(["diff", file("notes.md"), file(`${slug}-1.1.json`)]),
    ]);
    for (const run of [again, anonymous, badToken, unknown, unreachable, notJson]) expect(run.code).toBe(1);
    expect(again.stderr).toMatch(/already published.*\(version_taken, HTTP 409\)/);
    expect(anonymous.stderr).toContain("CODEWRIGHT_TOKEN");
    expect(badToken.stderr).toContain("HTTP 401");
    expect(unknown.stderr).toContain("No such release");
    expect(unreachable.stderr).toContain("could not reach http://127.0.0.1:9");
    expect(notJson.stderr).toContain("not valid JSON");
  });
});
