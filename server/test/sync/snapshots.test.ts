import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Kysely } from "kysely";
import * as Y from "yjs";
import type { Database } from "../../src/db/database";
import { appendUpdates, compactRoom, loadRoomDoc, saveRoomSnapshot } from "../../src/domain/room-log";
import { addMember, databaseKinds, makeStandard, makeUser, startTestApp, testConfig, type TestApp, type TestUser } from "../helper";
import { appendParagraph, bodyXml, connectClient, eventually, listenSync, makeSection, paragraphUpdate, waitFor, type Client } from "./helpers";
import type { StandardRow } from "../../src/db/tables/standards";

/** The room's state rebuilt from every row of its log, ignoring any snapshot. */
async function replayLog(db: Kysely<Database>, room: string): Promise<Y.Doc> {
  const doc = new Y.Doc({ gc: false });
  const rows = await db.selectFrom("room_updates").select("data").where("room", "=", room).orderBy("seq").execute();
  for (const row of rows) Y.applyUpdate(doc, row.data);
  return doc;
}

async function lastLogSeq(db: Kysely<Database>, room: string): Promise<string> {
  const row = await db.selectFrom("room_updates").select((eb) => eb.fn.max("seq").as("seq")).where("room", "=", room).executeTakeFirstOrThrow();
  return String(row.seq);
}

async function snapshotRow(db: Kysely<Database>, room: string) {
  return db.selectFrom("room_snapshots").selectAll().where("room", "=", room).executeTakeFirst();
}

const stateVectorOf = (doc: Y.Doc) => Buffer.from(Y.encodeStateVector(doc)).toString("hex");

describe.each(databaseKinds)("room snapshots (%s)", (kind) => {
  let t: TestApp;
  let base: string;
  let standard: StandardRow;
  let editor: TestUser;
  const clients: Client[] = [];
  const track = (c: Client) => (clients.push(c), c);

  beforeAll(async () => {
    const defaults = testConfig();
    t = await startTestApp(kind, { sync: { ...defaults.sync, unloadGraceMs: 100 } });
    base = await listenSync(t.app);
    standard = await makeStandard(t.db, { isPublic: true });
    editor = await makeUser(t.db);
    await addMember(t.app, standard, editor, "editor");
  });

  afterAll(async () => {
    for (const c of clients) c.destroy();
    await t?.close();
  });

  /** Edits a section, leaves it, and waits until the room has unloaded and left its snapshot. */
  async function editAndLeave(room: string, words: string[]): Promise<void> {
    const writer = track(connectClient(base, room, { token: editor.token }, { reconnect: false }));
    await writer.synced();
    for (const word of words) appendParagraph(writer.doc, word);
    const last = words.at(-1);
    if (last) await eventually(async () => bodyXml(await replayLog(t.db, room)).includes(last), "stored");
    writer.destroy();
    await waitFor(() => t.app.sync.roomStats(room) === null, "the room unloaded");
    // The room stores its snapshot as it closes, just after it leaves the registry.
    await eventually(async () => String((await snapshotRow(t.db, room))?.seq) === (await lastLogSeq(t.db, room)), "the snapshot at the last row");
  }

  it("a room that unloads leaves a snapshot holding exactly its log", async () => {
    const room = await makeSection(t.db, standard);
    await editAndLeave(room, ["alpha", "beta", "gamma"]);

    const row = await snapshotRow(t.db, room);
    expect(row, "a snapshot was taken").toBeDefined();
    expect(String(row!.seq)).toBe(await lastLogSeq(t.db, room));
    const fromSnapshot = new Y.Doc({ gc: false });
    Y.applyUpdate(fromSnapshot, row!.state);
    const fromLog = await replayLog(t.db, room);
    expect(bodyXml(fromSnapshot)).toBe(bodyXml(fromLog));
    expect(bodyXml(fromSnapshot)).toContain("gamma");
    expect(stateVectorOf(fromSnapshot)).toBe(stateVectorOf(fromLog));
    expect(Buffer.from(row!.state_vector).toString("hex")).toBe(stateVectorOf(fromLog));
  });

  it("serves rows written after the snapshot, and folds them into a new one", async () => {
    const room = await makeSection(t.db, standard);
    await editAndLeave(room, ["before"]);
    const first = await snapshotRow(t.db, room);
    expect(first).toBeDefined();

    // Written while nobody is connected, as an import or a merge does.
    await appendUpdates(t.db, room, [{ data: paragraphUpdate("written while unloaded"), authorId: editor.id }]);
    expect(bodyXml(await loadRoomDoc(t.db, room))).toContain("written while unloaded");

    const reader = track(connectClient(base, room));
    await reader.synced();
    expect(bodyXml(reader.doc)).toContain("before");
    expect(bodyXml(reader.doc)).toContain("written while unloaded");
    await eventually(async () => String((await snapshotRow(t.db, room))?.seq) === (await lastLogSeq(t.db, room)), "a new snapshot at the last row");
    const second = await snapshotRow(t.db, room);
    const fromSnapshot = new Y.Doc({ gc: false });
    Y.applyUpdate(fromSnapshot, second!.state);
    expect(bodyXml(fromSnapshot)).toBe(bodyXml(await replayLog(t.db, room)));
  });

  it("a room loaded from its snapshot alone answers readers and stores a writer's next edit once", async () => {
    const room = await makeSection(t.db, standard);
    await editAndLeave(room, ["one", "two"]);
    const rowsBefore = (await t.db.selectFrom("room_updates").select("seq").where("room", "=", room).execute()).length;

    const reader = track(connectClient(base, room));
    const writer = track(connectClient(base, room, { token: editor.token }));
    await Promise.all([reader.synced(), writer.synced()]);
    expect(bodyXml(reader.doc)).toBe(bodyXml(await replayLog(t.db, room)));
    expect(bodyXml(writer.doc)).toBe(bodyXml(reader.doc));

    appendParagraph(writer.doc, "three");
    await waitFor(() => bodyXml(reader.doc).includes("three"), "the reader sees the edit");
    const rowsAfter = (await t.db.selectFrom("room_updates").select("seq").where("room", "=", room).execute()).length;
    expect(rowsAfter).toBe(rowsBefore + 1);
    expect(bodyXml(await replayLog(t.db, room))).toBe(bodyXml(writer.doc));
  });

  it("a client that already holds part of a snapshot-loaded room receives the rest", async () => {
    const room = await makeSection(t.db, standard);
    await editAndLeave(room, ["kept"]);
    const early = Y.encodeStateAsUpdate(await replayLog(t.db, room));
    await editAndLeave(room, ["later"]);
    expect(String((await snapshotRow(t.db, room))?.seq)).toBe(await lastLogSeq(t.db, room));

    const returning = track(connectClient(base, room, { token: editor.token }));
    Y.applyUpdate(returning.doc, early);
    await returning.synced();
    await waitFor(() => bodyXml(returning.doc).includes("later"), "the rest arrived");
    const replayed = await replayLog(t.db, room);
    expect(bodyXml(returning.doc)).toBe(bodyXml(replayed));
    expect(stateVectorOf(returning.doc)).toBe(stateVectorOf(replayed));
  });

  it("loading after a compaction still gives exactly the log", async () => {
    const room = await makeSection(t.db, standard);
    await editAndLeave(room, ["a1", "a2", "a3", "a4"]);
    await appendUpdates(t.db, room, [{ data: paragraphUpdate("after the snapshot"), authorId: editor.id }]);
    await compactRoom(t.db, room, { settleMs: 0 });
    await appendUpdates(t.db, room, [{ data: paragraphUpdate("after the compaction"), authorId: null }]);
    const loaded = await loadRoomDoc(t.db, room);
    const replayed = await replayLog(t.db, room);
    expect(bodyXml(loaded)).toBe(bodyXml(replayed));
    expect(stateVectorOf(loaded)).toBe(stateVectorOf(replayed));
    expect(bodyXml(loaded)).toContain("after the compaction");
  });

  it("an older snapshot never replaces a newer one", async () => {
    const room = await makeSection(t.db, standard);
    await editAndLeave(room, ["x"]);
    const current = await snapshotRow(t.db, room);
    const stale = new Y.Doc({ gc: false });
    await saveRoomSnapshot(t.db, room, { seq: BigInt(current!.seq) - 1n, state: Y.encodeStateAsUpdate(stale), stateVector: Y.encodeStateVector(stale) });
    const after = await snapshotRow(t.db, room);
    expect(String(after!.seq)).toBe(String(current!.seq));
    expect(Buffer.from(after!.state).equals(Buffer.from(current!.state))).toBe(true);
  });
});
