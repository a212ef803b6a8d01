import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { digestOf, type Release } from "@codewright/shared";
import { addMember, makeUser, type TestUser } from "../helper";
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

// The command line talks HTTP, so one database kind is enough here.
describe("the codewright command line", () => {
  let t: Awaited<ReturnType<typeof startReleaseApp>>;
  let editor: TestUser;
  let server: string;
  let slug: string;
  let dir: string;

  beforeAll(async () => {
    t = await startReleaseApp("pglite");
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

    for (const version of ["1.0", "1.1"]) {
      const got = await codewright(["download", "--server", server, "--standard", slug, "--version", version, "--out", dir]);
      expect(got.code, got.stderr).toBe(0);
      expect(got.stdout).toContain(`verified ${slug} version ${version}`);
    }
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
    const newest = await codewright(["download", "--server", server, "--standard", slug, "--out", join(dir, "newest")]);
    expect(newest.code, newest.stderr).toBe(0);
    expect(newest.stdout).toContain("version 1.1");
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
      codewright(["download", "--server", server, "--standard", slug, "--version", "9.9", "--out", dir]),
      codewright(["download", "--server", "http://127.0.0.1:9", "--standard", slug]),
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
