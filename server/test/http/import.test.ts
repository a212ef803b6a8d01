import { readFile, writeFile, mkdtemp } from "node:fs/promises";
import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseKinds, makeUser, snapshotTables, startTestApp, type TestApp } from "../helper";
import { SAMPLE_PATH } from "../../src/platform";

const CLI = resolve(import.meta.dirname, "../../bin/codewright.js");

describe.each(databaseKinds)("importing a standard on %s", (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(kind);
  });
  afterAll(async () => t?.close());

  it("imports the sample building code with numbered groups, elements and working cross-references", async () => {
    const admin = await makeUser(t.db, { admin: true });
    const markdown = await readFile(SAMPLE_PATH, "utf8");
    const res = await t.app.inject({ method: "POST", url: "/api/standards/import", headers: admin.auth, payload: { slug: "sample", markdown } });
    expect(res.statusCode).toBe(201);
    const sections = (await t.app.inject({ method: "GET", url: "/api/standards/sample/sections" })).json().sections as Array<{ id: string; parentId: string | null; number: string; label: string }>;
    const groups = sections.filter((s) => s.parentId === null);
    expect(groups.length).toBeGreaterThanOrEqual(6);
    expect(sections.length - groups.length).toBeGreaterThanOrEqual(20);
    expect(sections[0]!.number).toBe("1");
    // Find an element with a cross-reference: its text shows the referenced section's current number.
    const ids = new Set(sections.map((s) => s.id));
    let found = false;
    for (const s of sections) {
      const detail = (await t.app.inject({ method: "GET", url: `/api/standards/sample/sections/${s.id}` })).json();
      const xref = JSON.stringify(detail.content).match(/"type":"xref","attrs":\{"section":"([0-9a-f-]+)"/);
      if (xref) {
        expect(ids.has(xref[1]!)).toBe(true);
        const target = sections.find((x) => x.id === xref[1])!;
        expect(detail.text).toContain(target.number);
        found = true;
        break;
      }
    }
    expect(found).toBe(true);
  });

  it("refuses malformed Markdown with the line, and stores nothing", async () => {
    const admin = await makeUser(t.db, { admin: true });
    const before = await snapshotTables(t);
    const res = await t.app.inject({
      method: "POST",
      url: "/api/standards/import",
      headers: admin.auth,
      payload: { slug: "broken", markdown: "# Broken\n\n## Group {#G-1}\n\nSee [[NOPE]].\n" },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe("unknown_reference");
    expect(res.json().error.message).toMatch(/NOPE/);
    expect(await snapshotTables(t)).toBe(before);
  });

  it("refuses titles and descriptions the API would refuse, naming the line, and stores nothing", async () => {
    const admin = await makeUser(t.db, { admin: true });
    const before = await snapshotTables(t);
    const cases: Array<[string, number, RegExp]> = [
      [`# ${"T".repeat(100_000)}\n\n## G {#G-1}\n`, 1, /title at line 1 is longer than 300 characters/],
      ["# Invoice \u202egnp.exe\n\n## G {#G-1}\n", 1, /not allowed \(U\+202E\)/],
      ["# T\n\nAbout.\n\n## Ring \u0007 {#G-1}\n", 5, /heading at line 5 .* not allowed \(U\+0007\)/],
      ["# T\n\nAbout \u2067this.\n\n## G {#G-1}\n", 3, /description at line 3 .* not allowed/],
    ];
    for (const [markdown, line, message] of cases) {
      const res = await t.app.inject({ method: "POST", url: "/api/standards/import", headers: admin.auth, payload: { slug: "hostile", markdown } });
      expect([res.statusCode, res.json().error.code], markdown.slice(0, 40)).toEqual([400, "invalid_markdown"]);
      expect(res.json().error.message).toMatch(message);
      expect(res.json().error.message).toContain(`line ${line}`);
    }
    expect(await snapshotTables(t)).toBe(before);
  });
});

describe("codewright import", () => {
  // Five runs of the command line, each a process of its own (the first makes and migrates a database).
  it("imports a file with progress, and names the line of a malformed one", { timeout: 240_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), "codewright-import-"));
    const env = { ...process.env, DATA_DIR: join(dir, "data"), DATABASE_URL: "" };
    const ok = spawnSync(process.execPath, [CLI, "import", SAMPLE_PATH, "--standard", "sample"], { env, encoding: "utf8" });
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/importing \d+\/\d+/);
    expect(ok.stdout).toMatch(/imported \d+ sections into "sample"/);
    const bad = join(dir, "bad.md");
    await writeFile(bad, "# T\n\n## A {#A}\n\n#### Too deep {#B}\n");
    const fail = spawnSync(process.execPath, [CLI, "import", bad, "--standard", "other"], { env, encoding: "utf8" });
    expect(fail.status).toBe(1);
    expect(fail.stderr).toContain(`${bad}:5:`);

    // The API's rules for titles hold for the command line too, and so does its rule for slugs.
    const hostile = join(dir, "hostile.md");
    await writeFile(hostile, `# T\n\n## ${"x".repeat(100_000)} {#A}\n\n## Safe \u202etxt.exe {#B}\n`);
    const long = spawnSync(process.execPath, [CLI, "import", hostile, "--standard", "hostile"], { env, encoding: "utf8" });
    expect(long.status).toBe(1);
    expect(long.stderr).toContain(`${hostile}:3: The title of the heading at line 3 is longer than 300 characters.`);
    await writeFile(hostile, "# T\n\n## A {#A}\n\n## Safe \u202etxt.exe {#B}\n");
    const bidi = spawnSync(process.execPath, [CLI, "import", hostile, "--standard", "hostile"], { env, encoding: "utf8" });
    expect(bidi.status).toBe(1);
    expect(bidi.stderr).toMatch(new RegExp(`${hostile.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:5: .*U\\+202E`));
    const slug = spawnSync(process.execPath, [CLI, "import", SAMPLE_PATH, "--standard", "Not A Slug"], { env, encoding: "utf8" });
    expect(slug.status).toBe(1);
    expect(slug.stderr).toMatch(/"Not A Slug" is not a slug/);
  });
});
