import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "kysely";
import * as Y from "yjs";
import { buildApp } from "../../src/app";
import { appendUpdates, compactRoom, loadRoomDoc } from "../../src/domain/room-log";
import { addMember, databaseKinds, makeStandard, makeUser, startTestApp, testConfig, type TestApp, type TestUser } from "../helper";
import { appendParagraph, bodyXml, connectClient, listenSync, logRowCount, makeSection, paragraphUpdate, storedBodyXml, waitFor, type Client } from "./helpers";
import type { StandardRow } from "../../src/db/tables/standards";

describe.each(databaseKinds)("sync persistence (%s)", (kind) => {
  let t: TestApp;
  let base: string;
  let standard: StandardRow;
  let editor: TestUser;
  let other: TestUser;
  const clients: Client[] = [];
  const track = (c: Client) => (clients.push(c), c);

  beforeAll(async () => {
    const defaults = testConfig();
    t = await startTestApp(kind, { sync: { ...defaults.sync, compactAfterRows: 12, compactSettleMs: 0 } });
    base = await listenSync(t.app);
    standard = await makeStandard(t.db, { isPublic: false });
    editor = await makeUser(t.db);
    other = await makeUser(t.db);
    await addMember(t.app, standard, editor, "editor");
    await addMember(t.app, standard, other, "editor");
  });

  afterAll(async () => {
    for (const c of clients) c.destroy();
    await t?.close();
  });

  it("keeps the content when a server closes and another starts on the same database", async () => {
    const room = await makeSection(t.db, standard);
    const first = await buildApp({ config: t.config, database: t.database, logger: false });
    const writer = track(connectClient(await listenSync(first), room, { token: editor.token }, { reconnect: false }));
    await writer.synced();
    appendParagraph(writer.doc, "survives a restart");
    await waitFor(() => first.sync.roomStats(room)?.lastSeq === "2", "stored");
    await first.close();
    await waitFor(() => writer.closes.length === 1, "the writer was disconnected");

    const second = await buildApp({ config: t.config, database: t.database, logger: false });
    try {
      const reader = track(connectClient(await listenSync(second), room, { token: other.token }));
      await reader.synced();
      expect(bodyXml(reader.doc)).toContain("survives a restart");
    } finally {
      await second.close();
    }
  });

  it("pauses saving when the log cannot be written, then stores the resent change exactly once", async () => {
    const room = await makeSection(t.db, standard);
    const writer = track(connectClient(base, room, { token: editor.token }));
    const watcher = track(connectClient(base, room, { token: other.token }));
    await Promise.all([writer.synced(), watcher.synced()]);
    const rows = await logRowCount(t.db, room);

    await sql`alter table room_updates rename to room_updates_away`.execute(t.db);
    try {
      appendParagraph(writer.doc, "written while the database is away");
      await waitFor(() => writer.closes.some((c) => c.code === 1013), "writer told saving is paused");
      expect(writer.closes.find((c) => c.code === 1013)!.reason).toMatch(/^saving_paused/);
      expect(bodyXml(watcher.doc)).not.toContain("while the database is away");
      expect(t.app.sync.roomStats(room)?.state).toBe("paused");
    } finally {
      await sql`alter table room_updates_away rename to room_updates`.execute(t.db);
    }
    await waitFor(() => bodyXml(watcher.doc).includes("while the database is away"), "resent after recovery", 15_000);
    await waitFor(() => t.app.sync.roomStats(room)?.pending === 0, "stored");
    expect(await logRowCount(t.db, room)).toBe(rows + 1);
    expect(await storedBodyXml(t.db, room)).toBe(bodyXml(writer.doc));
    expect(t.app.sync.roomStats(room)?.state).toBe("ready");
  });

  it("compaction merges the log per author and day, keeps content and attribution, and is safe twice at once", async () => {
    const room = await makeSection(t.db, standard);
    for (let i = 0; i < 10; i++) {
      await appendUpdates(t.db, room, [{ data: paragraphUpdate(`edit ${i}`), authorId: i % 2 === 0 ? editor.id : other.id }]);
    }
    const before = await storedBodyXml(t.db, room);
    const results = await Promise.all([compactRoom(t.db, room, { settleMs: 0 }), compactRoom(t.db, room, { settleMs: 0 })]);
    expect(results.map((r) => r.rowsAfter)).toEqual([3, 3]);
    expect(await storedBodyXml(t.db, room)).toBe(before);
    const authors = (await t.db.selectFrom("room_updates").select("author_id").where("room", "=", room).execute()).map((r) => r.author_id);
    expect(authors.sort()).toEqual([null, editor.id, other.id].sort());
    // Every editor's updates are still theirs: each merged row holds exactly their clients' content.
    const rows = await t.db.selectFrom("room_updates").select(["author_id", "data"]).where("room", "=", room).execute();
    const editorRow = rows.find((r) => r.author_id === editor.id)!;
    const editorDoc = new Y.Doc();
    Y.applyUpdate(editorDoc, editorRow.data);
    expect(Y.decodeUpdate(editorRow.data).structs.length).toBeGreaterThan(0);
    editorDoc.destroy();
  });

  it("compaction never merges across a state point, so the state up to it stays exact", async () => {
    const room = await makeSection(t.db, standard);
    for (let i = 0; i < 6; i++) await appendUpdates(t.db, room, [{ data: paragraphUpdate(`step ${i}`), authorId: editor.id }]);
    const stateUpTo = async (seq: bigint) => {
      const rows = await t.db.selectFrom("room_updates").select("data").where("room", "=", room).where("seq", "<=", seq.toString()).orderBy("seq").execute();
      const doc = new Y.Doc({ gc: false });
      Y.applyUpdate(doc, Y.mergeUpdates(rows.map((r) => r.data)));
      const xml = bodyXml(doc);
      doc.destroy();
      return xml;
    };
    const pinned = await stateUpTo(4n);
    expect(pinned).toContain("step 2");
    expect(pinned).not.toContain("step 3");
    const result = await compactRoom(t.db, room, { settleMs: 0, statePoints: async () => [4n] });
    expect(result).toEqual({ rowsBefore: 7, rowsAfter: 3 });
    expect(await stateUpTo(4n)).toBe(pinned);
    // Without the point the same log collapses further; young rows are left alone.
    expect(await compactRoom(t.db, room, { settleMs: 60_000 })).toEqual({ rowsBefore: 3, rowsAfter: 3 });
    expect((await compactRoom(t.db, room, { settleMs: 0 })).rowsAfter).toBe(2);
  });

  it("compacts a live room's log by itself, and its clients keep converging", async () => {
    const room = await makeSection(t.db, standard);
    const a = track(connectClient(base, room, { token: editor.token }));
    const b = track(connectClient(base, room, { token: other.token }));
    await Promise.all([a.synced(), b.synced()]);
    for (let i = 0; i < 20; i++) {
      appendParagraph(i % 2 ? a.doc : b.doc, `typed ${i}`);
      await waitFor(() => t.app.sync.roomStats(room)?.pending === 0, "stored");
    }
    await waitFor(() => (t.app.sync.roomStats(room)?.logRows ?? 99) <= 12, "compacted");
    expect(await logRowCount(t.db, room)).toBeLessThanOrEqual(12);
    appendParagraph(a.doc, "after compaction");
    await waitFor(() => bodyXml(b.doc).includes("after compaction") && bodyXml(a.doc) === bodyXml(b.doc), "converged");
    await waitFor(() => t.app.sync.roomStats(room)?.pending === 0, "stored");
    const stored = await loadRoomDoc(t.db, room);
    expect(bodyXml(stored)).toBe(bodyXml(a.doc));
    stored.destroy();
  });

  // Only PostgreSQL has a listening connection to lose; the test is not registered on PGlite.
  if (kind === "postgres") {
    it("reconnects a lost listening connection and reads what it missed", async () => {
      const room = await makeSection(t.db, standard);
      const a = track(connectClient(base, room, { token: editor.token }));
      await a.synced();
      const listener = sql<{ n: number }>`
        select count(*)::int as n from pg_stat_activity where query = 'listen "codewright_access.' || current_schema() || '"'`;
      expect((await listener.execute(t.db)).rows[0]!.n).toBe(1);
      await sql`select pg_terminate_backend(pid) from pg_stat_activity where query = 'listen "codewright_access.' || current_schema() || '"'`.execute(t.db);
      // Announced while nobody listens: only the resync after reconnecting can bring it.
      await appendUpdates(t.db, room, [{ data: paragraphUpdate("while deaf"), authorId: null }]);
      await waitFor(() => bodyXml(a.doc).includes("while deaf"), "read after reconnecting", 15_000);
      expect((await listener.execute(t.db)).rows[0]!.n).toBe(1);
    });
  }

  it("hears rows appended outside the room and passes them to its clients", async () => {
    const room = await makeSection(t.db, standard);
    const a = track(connectClient(base, room, { token: editor.token }));
    await a.synced();
    await appendUpdates(t.db, room, [{ data: paragraphUpdate("appended directly"), authorId: null }]);
    await waitFor(() => bodyXml(a.doc).includes("appended directly"), "client sees a direct append");
  });
});
