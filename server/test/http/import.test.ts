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
    const before = await snapshotTables(t.db);
    const res = await t.app.inject({
      method: "POST",
      url: "/api/standards/import",
      headers: admin.auth,
      payload: { slug: "broken", markdown: "# Broken\n\n## Group {#G-1}\n\nSee [[NOPE]].\n" },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe("unknown_reference");
    expect(res.json().error.message).toMatch(/NOPE/);
    expect(await snapshotTables(t.db)).toBe(before);
  });
});

describe("codewright import", () => {
  it("imports a file with progress, and names the line of a malformed one", async () => {
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
  });
});
