import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { addMember, databaseKinds, makeStandard, makeUser, startTestApp, testConfig, type TestApp, type TestUser } from "../helper";
import {
  appendParagraph,
  bodyXml,
  connectClient,
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
import { loadRoomDoc } from "../../src/domain/room-log";

const MESSAGE_BYTES = 64 * 1024;
const DOCUMENT_BYTES = 48 * 1024;

/** A valid update whose string content makes it `bytes` long, roughly. */
function bigUpdate(bytes: number): Uint8Array {
  return paragraphUpdate("x".repeat(bytes));
}

describe.each(databaseKinds)("sync message validation (%s)", (kind) => {
  let t: TestApp;
  let base: string;
  let standard: StandardRow;
  let editor: TestUser;
  const clients: Client[] = [];

  beforeAll(async () => {
    const defaults = testConfig();
    t = await startTestApp(kind, { limits: { ...defaults.limits, messageBytes: MESSAGE_BYTES, documentBytes: DOCUMENT_BYTES } });
    base = await listenSync(t.app);
    standard = await makeStandard(t.db, { isPublic: false });
    editor = await makeUser(t.db);
    await addMember(t.app, standard, editor, "editor");
  });

  afterAll(async () => {
    for (const c of clients) c.destroy();
    await t?.close();
  });

  /**
   * Sends `frame` from an editor's raw socket next to a connected stock client; checks the close
   * code and that the room, the log and the other client are exactly as before, and that the
   * room still works afterwards.
   */
  async function refused(frame: Uint8Array | string, code: number) {
    const room = await makeSection(t.db, standard);
    const watcher = connectClient(base, room, { token: editor.token });
    clients.push(watcher);
    await watcher.synced();
    await waitFor(() => t.app.sync.roomStats(room)?.pending === 0, "settled");
    const rows = await logRowCount(t.db, room);
    const stored = await storedBodyXml(t.db, room);
    const seen = watcher.received.length;
    const xml = bodyXml(watcher.doc);

    const raw = await rawSocket(base, room, { token: editor.token });
    raw.send(frame as Uint8Array);
    const closed = await raw.closed;
    expect(closed.code).toBe(code);
    await sleep(50);
    expect(await logRowCount(t.db, room)).toBe(rows);
    expect(await storedBodyXml(t.db, room)).toBe(stored);
    expect(watcher.received.length).toBe(seen);
    expect(bodyXml(watcher.doc)).toBe(xml);
    expect(t.app.sync.roomStats(room)?.pending).toBe(0);

    // The process and the room carry on.
    const writer = connectClient(base, room, { token: editor.token });
    clients.push(writer);
    await writer.synced();
    appendParagraph(writer.doc, "after the refusal");
    await waitFor(() => bodyXml(watcher.doc).includes("after the refusal"), "room still works");
    expect(watcher.closes).toEqual([]);
    return closed;
  }

  it("refuses an unknown message type with 1003", async () => {
    expect((await refused(new Uint8Array([7, 1, 2]), 1003)).reason).toMatch(/^malformed_message/);
  });

  it("refuses a text frame with 1003", async () => {
    await refused("hello", 1003);
  });

  it("refuses an update that is not a Yjs update with 1003", async () => {
    await refused(frames.update(new Uint8Array([5, 200, 1, 2, 3, 4, 5, 6, 7, 8])), 1003);
  });

  it("refuses a truncated frame with 1003", async () => {
    const whole = frames.update(paragraphUpdate("cut short"));
    await refused(whole.slice(0, whole.length - 6), 1003);
  });

  it("refuses a truncated update inside a well-framed message with 1003", async () => {
    const update = paragraphUpdate("cut inside");
    await refused(frames.update(update.slice(0, update.length - 4)), 1003);
  });

  it("refuses bytes trailing a message with 1003", async () => {
    const frame = frames.update(paragraphUpdate("with a tail"));
    const withTail = new Uint8Array(frame.length + 2);
    withTail.set(frame);
    await refused(withTail, 1003);
  });

  it("refuses presence that is not JSON with 1003", async () => {
    const frame = frames.awareness([{ clientId: 1, clock: 1, state: {} }]);
    frame[frame.length - 1] = "{".charCodeAt(0);
    await refused(frame, 1003);
  });

  it("refuses corrupted updates with 1003 and never half-applies one", async () => {
    const update = paragraphUpdate("a paragraph long enough to corrupt in many places");
    // Flip every byte of the struct header region in turn: each corruption is either refused or,
    // when it still decodes, accepted whole; the room must never end up holding part of one.
    const room = await makeSection(t.db, standard);
    const watcher = connectClient(base, room, { token: editor.token });
    clients.push(watcher);
    await watcher.synced();
    for (let i = 1; i < Math.min(update.length, 24); i++) {
      const corrupt = update.slice();
      corrupt[i] = corrupt[i]! ^ 0xff;
      const raw = await rawSocket(base, room, { token: editor.token });
      raw.send(frames.update(corrupt));
      raw.send(frames.syncStep1(new Y.Doc()));
      const outcome = await Promise.race([raw.closed, sleep(150).then(() => null)]);
      if (outcome) expect([1003, 1009]).toContain(outcome.code);
      else raw.ws.close();
    }
    await waitFor(() => t.app.sync.roomStats(room)?.pending === 0, "settled");
    const reloaded = await storedBodyXml(t.db, room);
    const fresh = connectClient(base, room, { token: editor.token });
    clients.push(fresh);
    await fresh.synced();
    expect(bodyXml(fresh.doc)).toBe(reloaded);
  });

  it("refuses a message larger than the limit with 1009", async () => {
    await refused(frames.update(bigUpdate(MESSAGE_BYTES + 1024)), 1009);
  });

  it("refuses an update that would grow the document past its limit with 1009", async () => {
    const closed = await refused(frames.update(bigUpdate(DOCUMENT_BYTES + 1024)), 1009);
    expect(closed.reason).toMatch(/^document_too_large/);
  });

  it("refuses growth past the limit across many small updates", async () => {
    const room = await makeSection(t.db, standard);
    const raw = await rawSocket(base, room, { token: editor.token });
    const chunk = 8 * 1024;
    let closed: { code: number } | null = null;
    for (let i = 0; i < 12 && !closed; i++) {
      raw.send(frames.update(bigUpdate(chunk)));
      closed = await Promise.race([raw.closed, sleep(100).then(() => null)]);
    }
    expect(closed?.code).toBe(1009);
    const stored = Y.encodeStateAsUpdate(await loadRoomDoc(t.db, room));
    expect(stored.length).toBeLessThanOrEqual(DOCUMENT_BYTES);
  });
});
