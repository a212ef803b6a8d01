import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { addMember, databaseKinds, makeStandard, makeUser, startTestApp, testConfig, type TestApp, type TestUser } from "../helper";
import {
  appendParagraph,
  bodyXml,
  connectClient,
  frameKind,
  frames,
  listenSync,
  logRowCount,
  makeSection,
  paragraphUpdate,
  rawSocket,
  sleep,
  storedBodyXml,
  waitFor,
  type Client,
} from "./helpers";
import type { StandardRow } from "../../src/db/tables/standards";
import { appendUpdates, loadRoomDoc } from "../../src/domain/room-log";
import { buildApp } from "../../src/app";

describe.each(databaseKinds)("sync rooms (%s)", (kind) => {
  let t: TestApp;
  let base: string;
  let standard: StandardRow;
  let editor: TestUser;
  let reader: TestUser;
  const clients: Client[] = [];
  const client = (room: string, token: string) => {
    const c = connectClient(base, room, { token });
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    const defaults = testConfig();
    t = await startTestApp(kind, { sync: { ...defaults.sync, unloadGraceMs: 100 } });
    base = await listenSync(t.app);
    standard = await makeStandard(t.db, { isPublic: false });
    editor = await makeUser(t.db, { name: "Edith Editor" });
    reader = await makeUser(t.db, { name: "Rita Reader" });
    await addMember(t.app, standard, editor, "editor");
    await addMember(t.app, standard, reader, "contributor");
  });

  afterAll(async () => {
    for (const c of clients) c.destroy();
    await t?.close();
  });

  it("two stock clients converge, and every change is stored", async () => {
    const room = await makeSection(t.db, standard);
    const a = client(room, editor.token);
    const b = client(room, editor.token);
    await Promise.all([a.synced(), b.synced()]);
    expect(bodyXml(a.doc)).toContain("Initial text.");
    appendParagraph(a.doc, "from A");
    appendParagraph(b.doc, "from B");
    await waitFor(() => bodyXml(a.doc) === bodyXml(b.doc) && bodyXml(a.doc).includes("from A") && bodyXml(a.doc).includes("from B"), "convergence");
    await waitFor(() => t.app.sync.roomStats(room)?.pending === 0, "stored");
    expect(await storedBodyXml(t.db, room)).toBe(bodyXml(a.doc));
    const authors = await t.db.selectFrom("room_updates").select("author_id").where("room", "=", room).where("seq", ">", "1").execute();
    expect(authors.length).toBeGreaterThan(0);
    expect(authors.every((r) => r.author_id === editor.id)).toBe(true);
  });

  it("a late joiner gets the full state", async () => {
    const room = await makeSection(t.db, standard);
    const a = client(room, editor.token);
    await a.synced();
    for (let i = 0; i < 20; i++) appendParagraph(a.doc, `line ${i}`);
    await waitFor(() => t.app.sync.roomStats(room)?.pending === 0 && Number(t.app.sync.roomStats(room)?.lastSeq) > 1, "stored");
    const late = client(room, reader.token);
    await late.synced();
    await waitFor(() => bodyXml(late.doc) === bodyXml(a.doc), "late joiner has everything");
    expect(bodyXml(late.doc)).toContain("line 19");
  });

  it("a reader receives updates, and its own update is refused: nothing stored, nobody else sees it, closed 1008", async () => {
    const room = await makeSection(t.db, standard);
    const writer = client(room, editor.token);
    const watcher = client(room, editor.token);
    await Promise.all([writer.synced(), watcher.synced()]);
    const readerSocket = await rawSocket(base, room, { token: reader.token });
    await waitFor(() => readerSocket.frames.some((f) => frameKind(f) === "sync:0"), "server step 1");
    appendParagraph(writer.doc, "for everyone");
    await waitFor(() => readerSocket.frames.some((f) => frameKind(f) === "sync:2"), "the reader received the update");

    const rows = await logRowCount(t.db, room);
    const watcherBefore = watcher.received.length;
    const watcherXml = bodyXml(watcher.doc);
    readerSocket.send(frames.update(paragraphUpdate("sneaky")));
    const closed = await readerSocket.closed;
    expect(closed.code).toBe(1008);
    expect(closed.reason).toMatch(/^read_only/);
    await sleep(100);
    expect(await logRowCount(t.db, room)).toBe(rows);
    expect(watcher.received.length).toBe(watcherBefore);
    expect(bodyXml(watcher.doc)).toBe(watcherXml);
    expect(await storedBodyXml(t.db, room)).not.toContain("sneaky");
  });

  it("a reader's sync step 2 with nothing new is accepted", async () => {
    const room = await makeSection(t.db, standard);
    const stock = client(room, reader.token);
    await stock.synced();
    // A stock client answers the server's step 1 with a step 2; the connection must stay up.
    const raw = await rawSocket(base, room, { token: reader.token });
    const copy = new Y.Doc();
    Y.applyUpdate(copy, Y.encodeStateAsUpdate(stock.doc));
    raw.send(frames.syncStep2(Y.encodeStateAsUpdate(copy)));
    const writer = client(room, editor.token);
    await writer.synced();
    appendParagraph(writer.doc, "still connected?");
    await waitFor(() => bodyXml(stock.doc).includes("still connected?"), "reader gets updates");
    await sleep(50);
    expect(stock.closes).toEqual([]);
    expect(raw.ws.readyState).toBe(raw.ws.OPEN);
    raw.ws.close();
    copy.destroy();
  });

  it("updates of one tick are stored in one row per author and sent as one frame", async () => {
    const room = await makeSection(t.db, standard);
    const watcher = await rawSocket(base, room, { token: reader.token });
    const writer = await rawSocket(base, room, { token: editor.token });
    await waitFor(() => writer.frames.length > 0 && watcher.frames.length > 0, "both connected");
    const doc = new Y.Doc();
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(await loadRoomDoc(t.db, room)));
    const updates: Uint8Array[] = [];
    doc.on("update", (u: Uint8Array) => updates.push(u));
    for (let i = 0; i < 10; i++) appendParagraph(doc, `burst ${i}`);
    const rowsBefore = await logRowCount(t.db, room);
    const before = watcher.frames.filter((f) => frameKind(f) === "sync:2").length;
    // One TCP write: the server reads all ten frames in the same tick.
    const socket = (writer.ws as unknown as { _socket: import("node:net").Socket })._socket;
    socket.cork();
    for (const u of updates) writer.send(frames.update(u));
    socket.uncork();
    await waitFor(() => watcher.frames.filter((f) => frameKind(f) === "sync:2").length > before, "the watcher got the burst");
    await sleep(100);
    expect(watcher.frames.filter((f) => frameKind(f) === "sync:2").length - before).toBe(1);
    expect((await logRowCount(t.db, room)) - rowsBefore).toBe(1);
    expect(await storedBodyXml(t.db, room)).toContain("burst 9");
    writer.ws.close();
    watcher.ws.close();
    doc.destroy();
  });

  it("with a flush delay, updates of a few milliseconds share one row and one frame", async () => {
    const app = await buildApp({ config: { ...t.config, sync: { ...t.config.sync, flushDelayMs: 60 } }, database: t.database, logger: false });
    try {
      const delayed = await listenSync(app);
      const room = await makeSection(t.db, standard);
      const watcher = await rawSocket(delayed, room, { token: reader.token });
      const writer = await rawSocket(delayed, room, { token: editor.token });
      await waitFor(() => writer.frames.length > 0 && watcher.frames.length > 0, "both connected");
      const rowsBefore = await logRowCount(t.db, room);
      for (let i = 0; i < 4; i++) {
        writer.send(frames.update(paragraphUpdate(`spread ${i}`)));
        await sleep(5);
      }
      await waitFor(() => watcher.frames.some((f) => frameKind(f) === "sync:2"), "the watcher got them");
      await sleep(150);
      expect(watcher.frames.filter((f) => frameKind(f) === "sync:2").length).toBe(1);
      expect((await logRowCount(t.db, room)) - rowsBefore).toBe(1);
      writer.ws.close();
      watcher.ws.close();
    } finally {
      await app.close();
    }
  });

  it("server writes go to the log: clients see them live, the log records the author", async () => {
    const room = await makeSection(t.db, standard);
    const a = client(room, reader.token);
    await a.synced();
    // As a merged proposal is written: appended in a transaction, heard by the live room.
    await t.db.transaction().execute((trx) => appendUpdates(trx, room, [{ data: paragraphUpdate("merged by the server"), authorId: editor.id }]));
    await waitFor(() => bodyXml(a.doc).includes("merged by the server"), "client sees the server write");
    const last = await t.db.selectFrom("room_updates").select(["author_id", "seq"]).where("room", "=", room).orderBy("seq", "desc").executeTakeFirstOrThrow();
    expect(last.author_id).toBe(editor.id);
    expect(await logRowCount(t.db, room)).toBe(2);
    expect(t.app.sync.roomStats(room)?.lastSeq).toBe(String(last.seq));
  });

  it("rooms load lazily and unload after the grace period", async () => {
    const room = await makeSection(t.db, standard);
    expect(t.app.sync.roomStats(room)).toBeNull();
    const a = client(room, editor.token);
    await a.synced();
    expect(t.app.sync.roomStats(room)).toMatchObject({ room, state: "ready", connections: 1 });
    a.destroy();
    await waitFor(() => t.app.sync.roomStats(room)?.connections === 0, "left");
    await waitFor(() => t.app.sync.roomStats(room) === null, "unloaded");
  });
});
