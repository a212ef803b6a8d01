import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../src/app";
import { createSection } from "../../src/domain/sections";
import type { StandardRow } from "../../src/db/tables/standards";
import { addMember, databaseKinds, makeStandard, makeUser, startTestApp, type TestApp } from "../helper";

interface Summary {
  id: string;
  parentId: string | null;
  label: string;
  number: string;
  title: string;
}

/**
 * Outline reads are answered from a per-process cache checked against the rows on every read: a
 * change made through another process, or straight in the database, must show on the next read.
 */
describe.each(databaseKinds)("outline reads (%s)", (kind) => {
  let t: TestApp;
  let other: Awaited<ReturnType<typeof buildApp>>;
  let standard: StandardRow;
  const ids: Record<string, string> = {};

  const read = async (app = t.app): Promise<Summary[]> => {
    const res = await app.inject({ method: "GET", url: `/api/standards/${standard.slug}/sections` });
    expect(res.statusCode).toBe(200);
    return res.json().sections;
  };
  const titles = async (app = t.app) => (await read(app)).map((s) => `${s.number} ${s.title}`);

  beforeAll(async () => {
    t = await startTestApp(kind);
    other = await buildApp({ config: t.config, database: t.database, logger: false });
    standard = await makeStandard(t.db, { isPublic: true });
    for (const [label, title] of [
      ["A", "Alpha"],
      ["B", "Beta"],
      ["C", "Gamma"],
    ]) {
      const row = await t.db.transaction().execute((trx) => createSection(trx, standard, { label: label!, title: title! }, null));
      ids[label!] = row.id;
    }
  });

  afterAll(async () => {
    await other?.close();
    await t?.close();
  });

  it("sees renames, moves, additions and deletions made elsewhere on the next read", async () => {
    expect(await titles()).toEqual(["1 Alpha", "2 Beta", "3 Gamma"]);

    // Straight in the database, as another process or a migration would.
    await t.db.updateTable("sections").set({ title: "Beta, revised" }).where("id", "=", ids.B!).execute();
    expect(await titles()).toEqual(["1 Alpha", "2 Beta, revised", "3 Gamma"]);

    // And back again: the same rows as an earlier read give that read's outline, not a stale one.
    await t.db.updateTable("sections").set({ title: "Beta" }).where("id", "=", ids.B!).execute();
    expect(await titles()).toEqual(["1 Alpha", "2 Beta", "3 Gamma"]);

    // Through the other process's API.
    const move = await other.inject({
      method: "PATCH",
      url: `/api/standards/${standard.slug}/sections/${ids.C}`,
      headers: { authorization: `Bearer ${await adminToken()}` },
      payload: { position: 0 },
    });
    expect(move.statusCode, move.body).toBe(200);
    expect(await titles()).toEqual(["1 Gamma", "2 Alpha", "3 Beta"]);

    await t.db.transaction().execute((trx) => createSection(trx, standard, { label: "D", title: "Delta", parentId: ids.A }, null));
    expect(await titles()).toEqual(["1 Gamma", "2 Alpha", "2.1 Delta", "3 Beta"]);

    await t.db.updateTable("sections").set({ deleted_at: new Date() }).where("id", "=", ids.C!).execute();
    expect(await titles()).toEqual(["1 Alpha", "1.1 Delta", "2 Beta"]);
  });

  it("a section's detail carries the number its place has now", async () => {
    const before = (await read()).find((s) => s.label === "B")!;
    const detail = async () => (await t.app.inject({ method: "GET", url: `/api/standards/${standard.slug}/sections/${ids.B}` })).json();
    expect((await detail()).number).toBe(before.number);
    await t.db.updateTable("sections").set({ position: -1 }).where("id", "=", ids.B!).execute();
    expect((await detail()).number).toBe("1");
  });

  async function adminToken(): Promise<string> {
    const editor = await makeUser(t.db);
    await addMember(t.app, standard, editor, "editor");
    return editor.token;
  }
});
