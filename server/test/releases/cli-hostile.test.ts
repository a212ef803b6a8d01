import { execFile } from "node:child_process";
import { generateKeyPairSync, sign, type KeyObject } from "node:crypto";
import { createServer, type Server } from "node:http";
import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { buildRelease, canonicalJson, digestOf, keyIdOf, signedBytes, type PublicJwk, type Release } from "@codewright/shared";

const BIN = resolve(import.meta.dirname, "../../bin/codewright.js");

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the command line as a user would, in its own process. */
function codewright(args: string[]): Promise<Run> {
  return new Promise((done) => {
    const clean = { ...process.env, NO_COLOR: "", FORCE_COLOR: "", CODEWRIGHT_TOKEN: "" };
    execFile(process.execPath, [BIN, ...args], { env: clean, timeout: 60_000 }, (error, stdout, stderr) => {
      done({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** An Ed25519 key pair as a signer of releases: the standard body's, or an attacker's. */
async function signer() {
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  const raw = publicKey.export({ format: "jwk" }) as { kty: "OKP"; crv: "Ed25519"; x: string };
  const jwk: PublicJwk = { ...raw, kid: await keyIdOf(raw), alg: "EdDSA", use: "sig" };
  return { jwk, privateKey, sign: (release: Release, kid = jwk.kid) => signatureOf(release, privateKey, kid) };
}

const signatureOf = (release: Release, key: KeyObject, kid: string) => ({ algorithm: "Ed25519", kid, signature: sign(null, signedBytes(release), key).toString("base64") });

const SLUG = "building-code";

const releaseOf = (version: string, text = "Every input is checked.") =>
  buildRelease({
    standard: { slug: SLUG, title: "Building Code" },
    version,
    publishedAt: "2026-03-01T12:00:00.000Z",
    previousVersion: null,
    notes: "",
    sections: [
      {
        id: "s1",
        label: "BC-1",
        number: "1",
        title: "Validate inputs",
        content: { type: "doc", content: [{ type: "paragraph", content: [{ type: "text", text }] }] },
        text,
        children: [],
      },
    ],
  });

/** What the hostile server answers: a list of versions, and for any version asked, one release with its signature. */
interface Script {
  versions: string[];
  release: string;
  signature: unknown;
  keys: { keys: unknown[] };
}

// A server that answers whatever it was told to, for any standard and version, and remembers what it was asked.
describe("codewright download from a hostile server", { timeout: 120_000 }, () => {
  let server: Server;
  let url: string;
  let script: Script;
  const asked: string[] = [];
  let root: string;
  let trusted: Awaited<ReturnType<typeof signer>>;
  let attacker: Awaited<ReturnType<typeof signer>>;
  let trustedKeys: string;

  beforeAll(async () => {
    trusted = await signer();
    attacker = await signer();
    server = createServer((request, response) => {
      const path = new URL(request.url ?? "/", "http://x").pathname;
      asked.push(path);
      const send = (body: unknown) => {
        response.writeHead(200, { "content-type": "application/json" });
        response.end(typeof body === "string" ? body : JSON.stringify(body));
      };
      if (path === "/api/keys") return send(script.keys);
      if (/^\/api\/standards\/[^/]+\/releases$/.test(path)) return send({ releases: script.versions.map((version) => ({ version, publishedAt: "2026-03-01T12:00:00.000Z", previousVersion: null, notes: "", digest: "" })) });
      if (/^\/api\/standards\/[^/]+\/releases\/[^/]+\/signature$/.test(path)) return send(script.signature);
      if (/^\/api\/standards\/[^/]+\/releases\/[^/]+$/.test(path)) return send(script.release);
      response.writeHead(404).end();
    });
    await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
    const address = server.address() as { port: number };
    url = `http://127.0.0.1:${address.port}`;
    root = await mkdtemp(join(tmpdir(), "codewright-hostile-"));
    trustedKeys = join(root, "trusted-keys.json");
    await writeFile(trustedKeys, JSON.stringify({ keys: [trusted.jwk] }));
  });
  afterAll(async () => {
    await new Promise((done) => server?.close(done));
    if (root) await rm(root, { recursive: true, force: true });
  });
  afterEach(() => {
    asked.length = 0;
  });

  /** A fresh folder to download into, two levels down in a folder of its own, so a write that escapes it shows. */
  async function outDir(name: string) {
    const top = join(root, name);
    await mkdir(join(top, "a", "b"), { recursive: true });
    return { top, out: join(top, "a", "b", "out") };
  }

  /** Every file under `dir`, as paths relative to it. */
  async function filesUnder(dir: string): Promise<string[]> {
    const entries = await readdir(dir, { recursive: true, withFileTypes: true });
    return entries.filter((entry) => !entry.isDirectory()).map((entry) => join(entry.parentPath, entry.name).slice(dir.length + 1));
  }

  const download = (out: string, ...extra: string[]) => codewright(["download", "--server", url, "--standard", SLUG, "--out", out, ...extra]);

  it("refuses to call a release verified with only the keys of the server that sent it", async () => {
    // The attacker's own text, signed with its own key, which it serves as the server's key.
    const forged = await releaseOf("1.0.0", "Inputs need not be checked.");
    script = { versions: ["1.0.0"], release: JSON.stringify(forged), signature: attacker.sign(forged), keys: { keys: [attacker.jwk] } };
    const { top, out } = await outDir("own-key");

    const unpinned = await download(out, "--version", "1.0.0");
    expect(unpinned.code).toBe(1);
    expect(unpinned.stdout).not.toMatch(/verified/i);
    expect(unpinned.stderr).toContain("download needs a key you trust");
    for (const option of ["--key <fingerprint>", "--keys <keys.json>", "--trust-on-first-use"]) expect(unpinned.stderr).toContain(option);
    expect(unpinned.stderr).toContain("published");
    expect(asked).toEqual([]);

    const [withKeys, withFingerprint] = await Promise.all([download(out, "--version", "1.0.0", "--keys", trustedKeys), download(out, "--version", "1.0.0", `--key=${trusted.jwk.kid}`)]);
    expect(withKeys.code).toBe(1);
    expect(withKeys.stderr).toMatch(/NOT AUTHENTIC \(unknown_key\).*Nothing was saved/);
    expect(withFingerprint.code).toBe(1);
    expect(withFingerprint.stderr).toMatch(/NOT AUTHENTIC \(unknown_key\).*fingerprints you pinned/);
    expect(await filesUnder(top)).toEqual([]);

    // Trusting on first use takes the server's key, but says so, with the fingerprint a reader can see is not the published one.
    const firstUse = await download(out, "--version", "1.0.0", "--trust-on-first-use");
    expect(firstUse.code, firstUse.stderr).toBe(0);
    expect(firstUse.stderr).toContain("NOT VERIFIED AGAINST A KEY YOU TRUST");
    expect(firstUse.stderr).toContain(`Compare the fingerprint ${attacker.jwk.kid} with one published elsewhere`);
    expect(firstUse.stdout).not.toMatch(/verified/i);
  });

  it("refuses a key set that gives the pinned fingerprint to another key", async () => {
    const forged = await releaseOf("1.0.0", "Inputs need not be checked.");
    script = {
      versions: ["1.0.0"],
      release: JSON.stringify(forged),
      signature: attacker.sign(forged, trusted.jwk.kid),
      keys: { keys: [{ ...attacker.jwk, kid: trusted.jwk.kid }] },
    };
    const { top, out } = await outDir("renamed-key");
    const run = await download(out, "--version", "1.0.0", `--key=${trusted.jwk.kid}`);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/NOT AUTHENTIC \(key_id_mismatch\)/);
    expect(await filesUnder(top)).toEqual([]);
  });

  it("builds file names only from what was asked, never from the server's version names", async () => {
    const escaping = "../../../x";
    const release = await releaseOf("1.0.0");
    const named = { ...release, version: escaping };
    named.digest = await digestOf(named);
    script = { versions: [escaping], release: JSON.stringify(named), signature: attacker.sign(named), keys: { keys: [attacker.jwk] } };
    const { top, out } = await outDir("traversal");

    const newest = await download(out, "--trust-on-first-use");
    expect(newest.code).toBe(1);
    expect(newest.stderr).toContain(`names its newest release ${JSON.stringify(escaping)}, which is not a release version`);
    expect(asked).toEqual([`/api/standards/${SLUG}/releases`]);
    expect(await filesUnder(top)).toEqual([]);

    asked.length = 0;
    const [given, slug] = await Promise.all([
      download(out, "--trust-on-first-use", "--version", "../../x"),
      codewright(["download", "--server", url, "--standard", "../up", "--out", out, "--trust-on-first-use", "--version", "1.0.0"]),
    ]);
    expect(given.code).toBe(1);
    expect(given.stderr).toContain('--version "../../x" is not a release version');
    expect(slug.code).toBe(1);
    expect(slug.stderr).toContain('--standard "../up" is not a standard\'s slug');
    expect(asked).toEqual([]);
    expect(await filesUnder(top)).toEqual([]);
  });

  it("refuses a genuine release of another version or standard than the one asked for", async () => {
    const genuine = await releaseOf("1.0.0");
    script = { versions: ["2.0.0"], release: JSON.stringify(genuine), signature: trusted.sign(genuine), keys: { keys: [trusted.jwk] } };
    const { top, out } = await outDir("substitute");

    const [asked2, newest, otherStandard] = await Promise.all([
      download(out, "--version", "2.0.0", "--keys", trustedKeys),
      download(out, "--keys", trustedKeys),
      codewright(["download", "--server", url, "--standard", "other-code", "--version", "1.0.0", "--out", out, "--keys", trustedKeys]),
    ]);
    for (const run of [asked2, newest]) {
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`the server sent "${SLUG}" version "1.0.0" when ${SLUG} version 2.0.0 was asked for`);
    }
    expect(otherStandard.code).toBe(1);
    expect(otherStandard.stderr).toContain(`the server sent "${SLUG}" version "1.0.0" when other-code version 1.0.0 was asked for`);
    expect(await filesUnder(top)).toEqual([]);

    // The same answer to the right question is verified and saved.
    const right = await download(out, "--version", "1.0.0", "--keys", trustedKeys);
    expect(right.code, right.stderr).toBe(0);
    expect(right.stdout).toContain(`verified ${SLUG} version 1.0.0`);
    expect((await filesUnder(top)).sort()).toEqual(["a/b/out/building-code-1.0.0.json", "a/b/out/building-code-1.0.0.signature.json", "a/b/out/keys.json"]);
  });

  it("refuses a genuinely signed release with a second, unsigned copy of a key", async () => {
    const genuine = await releaseOf("1.0.0");
    const canonical = canonicalJson(genuine);
    // A reader that keeps the first copy sees the forged text; JSON.parse keeps the last, the signed one.
    const ambiguous = canonical.replace('"text":"Every input is checked."', '"text":"Inputs need not be checked.","text":"Every input is checked."');
    expect(ambiguous).not.toBe(canonical);
    script = { versions: ["1.0.0"], release: ambiguous, signature: trusted.sign(genuine), keys: { keys: [trusted.jwk] } };
    const { top, out } = await outDir("duplicate");

    const run = await download(out, "--version", "1.0.0", "--keys", trustedKeys);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/NOT AUTHENTIC \(duplicate_key\): The key "text" appears twice in the object at \/sections\/0/);
    expect(await filesUnder(top)).toEqual([]);
  });
});
