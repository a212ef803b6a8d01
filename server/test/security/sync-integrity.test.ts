import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { BODY_FIELD } from "@codewright/shared";
import { loadRoomDoc } from "../../src/domain/room-log";
import { databaseKinds } from "../helper";
import { bodyXml, connectClient, frameKind, frames, logRowCount, makeSection, rawSocket, waitFor } from "../sync/helpers";
import { syncSuite } from "./sync-suite";

/**
 * An update can be valid Yjs and still not survive being stored: an item whose origins are swapped
 * (its left origin to the right of its right origin) applies, but lands somewhere else when the
 * document is encoded and loaded again. Accepted, it would leave the clients that got it live and
 * everyone who loads the room later disagreeing for good, with equal state vectors. Found by the
 * websocket fuzz test (a flipped byte in an origin).
 */
describe.each(databaseKinds)("sync updates that would not reload as applied (%s)", (kind) => {
  const suite = syncSuite(kind);

  /** Types "X" after "abc" on a copy of the stored room; with `swapOrigins`, the item's origins are swapped before encoding. */
  async function insertX(room: string, swapOrigins: boolean): Promise<Uint8Array> {
    const doc = await loadRoomDoc(suite.t.db, room);
    doc.clientID = 424242;
    const before = Y.encodeStateVector(doc);
    const text = (doc.getXmlFragment(BODY_FIELD).get(0) as Y.XmlElement).get(0) as Y.XmlText;
    text.insert(3, "X");
    if (swapOrigins) {
      const item = doc.store.clients.get(doc.clientID)![0] as Y.Item;
      [item.origin, item.rightOrigin] = [item.rightOrigin, item.origin];
    }
    const update = Y.encodeStateAsUpdate(doc, before);
    doc.destroy();
    return update;
  }

  it("refuses an item whose origins are swapped with 1003, and keeps room, log and clients as they were", async () => {
    const room = await makeSection(suite.t.db, suite.standard, "abcdef");
    const bad = await insertX(room, true);

    // Why: applied live it reads one way, loaded again another.
    const live = await loadRoomDoc(suite.t.db, room);
    Y.applyUpdate(live, bad);
    const reloaded = new Y.Doc({ gc: false });
    Y.applyUpdate(reloaded, Y.encodeStateAsUpdate(live));
    expect(bodyXml(reloaded)).not.toBe(bodyXml(live));
    for (const d of [live, reloaded]) d.destroy();

    const watcher = connectClient(suite.base, room, { token: suite.editor.token });
    suite.clients.push(watcher);
    await watcher.synced();
    const rows = await logRowCount(suite.t.db, room);
    const seen = bodyXml(watcher.doc);

    const raw = await rawSocket(suite.base, room, { token: suite.editor.token });
    raw.send(frames.update(bad));
    // A sync step 1 after it: an answer before any close means the update was taken.
    raw.send(frames.syncStep1(new Y.Doc()));
    let answered = false;
    const closed = await Promise.race([raw.closed, waitFor(() => (answered = raw.frames.some((f) => frameKind(f) === "sync:1")), "an answer", 30_000).then(() => null)]);
    expect(answered, "the update was accepted").toBe(false);
    expect(closed!.code).toBe(1003);
    expect(closed!.reason).toMatch(/^malformed_message/);
    await waitFor(() => suite.t.app.sync.roomStats(room)?.pending === 0, "settled");
    expect(await logRowCount(suite.t.db, room)).toBe(rows);
    expect(bodyXml(watcher.doc)).toBe(seen);

    // The same edit made properly goes through, and reads the same live and reloaded.
    const good = await insertX(room, false);
    const writer = await rawSocket(suite.base, room, { token: suite.editor.token });
    writer.send(frames.update(good));
    await waitFor(() => bodyXml(watcher.doc).includes("abcXdef"), "the proper edit reaches the watcher");
    await waitFor(() => suite.t.app.sync.roomStats(room)?.pending === 0, "stored");
    const stored = await loadRoomDoc(suite.t.db, room);
    expect(bodyXml(stored)).toBe(bodyXml(watcher.doc));
    stored.destroy();
    writer.ws.close();
  });
});
