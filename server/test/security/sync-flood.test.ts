import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import * as decoding from "lib0/decoding";
import type { Kysely } from "kysely";
import type { Database } from "../../src/db/database";
import type { StandardRow } from "../../src/db/tables/standards";
import { loadRoomDoc } from "../../src/domain/room-log";
import { decodeAwarenessUpdate } from "../../src/sync/protocol";
import { addMember, databaseKinds, makeStandard, makeUser, startTestApp, testConfig, type TestApp, type TestUser } from "../helper";
import {
  appendParagraph,
  bodyXml,
  connectClient,
  eventually,
  frameKind,
  frames,
  listenSync,
  makeSection,
  rawSocket,
  sleep,
  waitFor,
  type Client,
  type RawSocket,
} from "../sync/helpers";

const ALPHABET = "abcdefghijklmnopqrstuvwxyz";

/**
 * `count` updates from one client typing into a paragraph of its own: the first adds the paragraph
 * and its first character, each later one a character. Each builds on the one before.
 */
function typingChain(clientId: number, count: number): { updates: Uint8Array[]; text: string } {
  const doc = new Y.Doc();
  doc.clientID = clientId;
  const updates: Uint8Array[] = [];
  doc.on("update", (u: Uint8Array) => updates.push(u));
  const text = new Y.XmlText();
  doc.transact(() => {
    const paragraph = new Y.XmlElement("paragraph");
    paragraph.insert(0, [text]);
    doc.getXmlFragment("body").push([paragraph]);
    text.insert(0, ALPHABET[0]!);
  });
  let typed = ALPHABET[0]!;
  for (let i = 1; i < count; i++) {
    const ch = ALPHABET[i % ALPHABET.length]!;
    text.insert(text.length, ch);
    typed += ch;
  }
  doc.destroy();
  return { updates, text: typed };
}

/** Sends every frame as fast as the socket takes them; stops when the socket is no longer open. Returns how many went out. */
async function sendAsFastAsPossible(socket: RawSocket, all: Uint8Array[]): Promise<number> {
  let sent = 0;
  while (sent < all.length && socket.ws.readyState === socket.ws.OPEN) {
    while (sent < all.length && socket.ws.readyState === socket.ws.OPEN && socket.ws.bufferedAmount < 256 * 1024) socket.send(all[sent++]!);
    await new Promise((r) => setImmediate(r));
  }
  return sent;
}

/**
 * The clock ranges a client's items take in the room's log rows. A change stored twice shows as
 * two overlapping ranges.
 */
async function loggedRanges(db: Kysely<Database>, room: string, clientId: number): Promise<Array<[number, number]>> {
  const rows = await db.selectFrom("room_updates").select("data").where("room", "=", room).orderBy("seq").execute();
  const ranges: Array<[number, number]> = [];
  for (const row of rows) {
    for (const struct of Y.decodeUpdate(row.data).structs) {
      if (struct.id.client === clientId && !(struct instanceof Y.Skip)) ranges.push([struct.id.clock, struct.id.clock + struct.length]);
    }
  }
  return ranges.sort((a, b) => a[0] - b[0]);
}

/** The awareness entries in the frames a socket received about `clientId`, frame by frame. */
function presenceFramesAbout(socket: RawSocket, clientId: number) {
  const seen: Array<{ clock: number; state: Record<string, unknown> | null }> = [];
  for (const frame of socket.frames) {
    if (frameKind(frame) !== "awareness") continue;
    const d = decoding.createDecoder(frame);
    decoding.readVarUint(d);
    const entry = decodeAwarenessUpdate(decoding.readVarUint8Array(d)).find((e) => e.clientId === clientId);
    if (entry) seen.push({ clock: entry.clock, state: entry.state });
  }
  return seen;
}

describe.each(databaseKinds)("sync floods from one connection (%s)", (kind) => {
  let t: TestApp;
  let base: string;
  let health: string;
  let members: StandardRow;
  let publicStandard: StandardRow;
  let editor: TestUser;
  let outsider: TestUser;
  const clients: Client[] = [];
  const track = (c: Client) => (clients.push(c), c);

  beforeAll(async () => {
    t = await startTestApp(kind);
    base = await listenSync(t.app);
    health = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}/api/health`;
    members = await makeStandard(t.db, { isPublic: false });
    publicStandard = await makeStandard(t.db, { isPublic: true });
    editor = await makeUser(t.db, { name: "Honest Editor" });
    outsider = await makeUser(t.db, { name: "Not A Member" });
    await addMember(t.app, members, editor, "editor");
  });

  afterAll(async () => {
    for (const c of clients) c.destroy();
    await t?.close();
  });

  it("closes a flooding connection with 4429, keeps what it accepted exactly once, while another room and /api/health go on", async () => {
    const floodRoom = await makeSection(t.db, members);
    const honestRoom = await makeSection(t.db, members);
    const honest = track(connectClient(base, honestRoom, { token: editor.token }));
    const watcher = track(connectClient(base, honestRoom, { token: editor.token }));
    await Promise.all([honest.synced(), watcher.synced()]);

    const FLOODER = 909_090;
    const COUNT = 10_000;
    const chain = typingChain(FLOODER, COUNT);
    const flooder = await rawSocket(base, floodRoom, { token: editor.token });

    let flooding = true;
    const healthStatuses: number[] = [];
    const polling = (async () => {
      while (flooding) healthStatuses.push((await fetch(health)).status);
    })();
    const HONEST_EDITS = 20;
    const typing = (async () => {
      for (let i = 0; i < HONEST_EDITS; i++) {
        appendParagraph(honest.doc, `honest ${i}`);
        await sleep(10);
      }
    })();

    await sendAsFastAsPossible(flooder, chain.updates.map((u) => frames.update(u)));
    const closed = await flooder.closed;
    await typing;
    await waitFor(() => bodyXml(watcher.doc).includes(`honest ${HONEST_EDITS - 1}`), "the honest editor's edits reach the other client");
    flooding = false;
    await polling;

    expect(closed.code).toBe(4429);
    expect(closed.reason).toMatch(/^too_many_updates: /);
    expect(healthStatuses.length).toBeGreaterThan(0);
    expect(healthStatuses.every((s) => s === 200), `health answered ${healthStatuses.join(",")}`).toBe(true);
    expect(honest.closes).toEqual([]);
    expect(watcher.closes).toEqual([]);

    // The honest room: every edit stored, and the stored room is what its clients hold.
    await waitFor(() => t.app.sync.roomStats(honestRoom)?.pending === 0, "honest room stored");
    await eventually(async () => {
      const stored = await loadRoomDoc(t.db, honestRoom);
      const same = bodyXml(stored) === bodyXml(honest.doc);
      stored.destroy();
      return same;
    }, "the honest room's edits stored");

    // The flood room: a prefix of the flood, each accepted change in the log exactly once.
    await waitFor(() => t.app.sync.roomStats(floodRoom)?.pending === 0, "flood room stored");
    const ranges = await loggedRanges(t.db, floodRoom, FLOODER);
    let next = 0;
    for (const [from, to] of ranges) {
      expect(from, "no change stored twice, none missing").toBe(next);
      next = to;
    }
    // The first update takes three clocks (paragraph, text, character), each later one one.
    const accepted = next - 2;
    expect(accepted).toBeGreaterThanOrEqual(t.config.limits.updates.burst);
    expect(accepted).toBeLessThan(COUNT);
    const stored = await loadRoomDoc(t.db, floodRoom);
    expect(bodyXml(stored)).toContain(`<paragraph>${chain.text.slice(0, accepted)}</paragraph>`);
    expect(bodyXml(stored)).not.toContain(chain.text.slice(0, accepted + 1));

    // The room serves exactly what the log holds.
    const reader = track(connectClient(base, floodRoom, { token: editor.token }));
    await reader.synced();
    expect(bodyXml(reader.doc)).toBe(bodyXml(stored));
    expect(Y.encodeStateVector(reader.doc)).toEqual(Y.encodeStateVector(stored));
    stored.destroy();
    expect(t.app.sync.stats().queued).toEqual({ updates: 0, bytes: 0 });
  });

  it("accepts a reconnecting client's offline work in one large sync step 2", async () => {
    const room = await makeSection(t.db, members);
    const client = track(connectClient(base, room, { token: editor.token }));
    await client.synced();
    client.provider.disconnect();
    // Far more edits than the update budget's burst, and more bytes than a second's worth.
    const PARAGRAPHS = 2_000;
    for (let i = 0; i < PARAGRAPHS; i++) appendParagraph(client.doc, `offline ${i} ${"x".repeat(300)}`);
    const offline = Y.encodeStateAsUpdate(client.doc).length;
    expect(offline).toBeGreaterThan(t.config.limits.updateBytes.perSecond);
    expect(offline).toBeLessThan(t.config.limits.messageBytes);
    client.provider.connect();
    await client.synced();
    await eventually(async () => {
      const stored = await loadRoomDoc(t.db, room);
      const same = bodyXml(stored) === bodyXml(client.doc);
      stored.destroy();
      return same;
    }, "the offline work stored");
    expect(client.closes).toEqual([]);
  });

  it("refuses a 900 KiB presence state (1009) before anyone sees it", async () => {
    const room = await makeSection(t.db, publicStandard);
    const watcher = await rawSocket(base, room, { token: outsider.token });
    const sender = await rawSocket(base, room, { token: outsider.token });
    const SENDER = 4_242_001;
    sender.send(frames.awareness([{ clientId: SENDER, clock: 1, state: { cursor: 1, padding: "x".repeat(900 * 1024) } }]));
    const closed = await sender.closed;
    expect(closed.code).toBe(1009);
    expect(closed.reason).toMatch(/^presence_too_large: /);
    await sleep(100);
    expect(presenceFramesAbout(watcher, SENDER)).toEqual([]);
    watcher.ws.close();
  });

  it("takes a presence state at the limit, whose echo from others carries the identity on top", async () => {
    const room = await makeSection(t.db, publicStandard);
    const sender = track(connectClient(base, room, { token: outsider.token }, { reconnect: false }));
    const echoer = track(connectClient(base, room, { token: outsider.token }));
    await Promise.all([sender.synced(), echoer.synced()]);
    const cap = t.config.limits.presenceStateBytes;
    const padding = "x".repeat(cap - JSON.stringify({ padding: "" }).length);
    sender.provider.awareness.setLocalState({ padding });
    await waitFor(() => (echoer.provider.awareness.getStates().get(sender.doc.clientID) as { padding?: string } | undefined)?.padding === padding, "the state arrives");
    // The echoer's stock client has passed the stamped state back to the server.
    await sleep(300);
    expect(sender.closes).toEqual([]);
    expect(echoer.closes).toEqual([]);
    sender.provider.awareness.setLocalState({ padding: `${padding}x` });
    await waitFor(() => sender.closes.length > 0, "the state over the limit is refused");
    expect(sender.closes[0]).toMatchObject({ code: 1009, reason: expect.stringMatching(/^presence_too_large: /) });
    expect(echoer.closes).toEqual([]);
  });

  it("relays a burst of presence as a few merged frames holding the latest state", async () => {
    const room = await makeSection(t.db, publicStandard);
    const watcher = await rawSocket(base, room, { token: outsider.token });
    const sender = await rawSocket(base, room, { token: outsider.token });
    const SENDER = 4_242_002;
    const BURST = 100;
    for (let clock = 1; clock <= BURST; clock++) sender.send(frames.awareness([{ clientId: SENDER, clock, state: { cursor: clock } }]));
    await waitFor(() => presenceFramesAbout(watcher, SENDER).some((e) => e.clock === BURST), "the last state arrives");
    await sleep(200);
    const seen = presenceFramesAbout(watcher, SENDER);
    expect(seen.length, `frames about the sender: ${seen.length}`).toBeLessThanOrEqual(5);
    expect(seen[seen.length - 1]!.state).toMatchObject({ cursor: BURST, user: { id: outsider.id } });
    expect(seen.map((e) => e.clock)).toEqual([...seen.map((e) => e.clock)].sort((a, b) => a - b));
    sender.ws.close();
    watcher.ws.close();
  });

  it("closes a connection whose presence goes beyond its budget with 4429", async () => {
    const room = await makeSection(t.db, publicStandard);
    const sender = await rawSocket(base, room, { token: outsider.token });
    const SENDER = 4_242_003;
    const all = Array.from({ length: t.config.limits.presence.burst * 4 }, (_, i) => frames.awareness([{ clientId: SENDER, clock: i + 1, state: { cursor: i } }]));
    await sendAsFastAsPossible(sender, all);
    const closed = await sender.closed;
    expect(closed.code).toBe(4429);
    expect(closed.reason).toMatch(/^too_many_presence_updates: /);
  });
});

describe.each(databaseKinds)("sync queue bounds (%s)", (kind) => {
  const ROOM_BOUND = 30;
  const PROCESS_BOUND = 50;
  let t: TestApp;
  let base: string;
  let standard: StandardRow;
  let editor: TestUser;

  beforeAll(async () => {
    const defaults = testConfig();
    t = await startTestApp(kind, {
      limits: { ...defaults.limits, queuedUpdatesPerRoom: ROOM_BOUND, queuedUpdatesPerProcess: PROCESS_BOUND },
      // Accepted updates wait this long to be stored, so the queue fills before anything leaves it.
      sync: { ...defaults.sync, flushDelayMs: 3000 },
    });
    base = await listenSync(t.app);
    standard = await makeStandard(t.db, { isPublic: false });
    editor = await makeUser(t.db);
    await addMember(t.app, standard, editor, "editor");
  });

  afterAll(async () => {
    await t?.close();
  });

  it("closes with 1013 server_busy a connection that would overfill its room or the process; what was accepted is stored once", async () => {
    const [roomA, roomB] = [await makeSection(t.db, standard), await makeSection(t.db, standard)];
    const [A, B] = [707_001, 707_002];
    const chainA = typingChain(A, ROOM_BOUND + 10);
    const chainB = typingChain(B, ROOM_BOUND);

    const first = await rawSocket(base, roomA, { token: editor.token });
    for (const u of chainA.updates) first.send(frames.update(u));
    const closedA = await first.closed;
    expect(closedA.code).toBe(1013);
    expect(closedA.reason).toMatch(/^server_busy: /);
    expect(t.app.sync.roomStats(roomA)?.pending).toBe(ROOM_BOUND);

    // Room B has room for all of its updates, the process for only what is left of its bound.
    const second = await rawSocket(base, roomB, { token: editor.token });
    for (const u of chainB.updates) second.send(frames.update(u));
    const closedB = await second.closed;
    expect(closedB.code).toBe(1013);
    expect(t.app.sync.roomStats(roomB)?.pending).toBe(PROCESS_BOUND - ROOM_BOUND);
    expect(t.app.sync.stats().queued.updates).toBe(PROCESS_BOUND);

    for (const [room, client, accepted] of [
      [roomA, A, ROOM_BOUND],
      [roomB, B, PROCESS_BOUND - ROOM_BOUND],
    ] as const) {
      await waitFor(() => t.app.sync.roomStats(room)?.pending === 0, `${room} stored`);
      const ranges = await loggedRanges(t.db, room, client);
      let next = 0;
      for (const [from, to] of ranges) {
        expect(from).toBe(next);
        next = to;
      }
      expect(next - 2).toBe(accepted);
    }
    expect(t.app.sync.stats().queued).toEqual({ updates: 0, bytes: 0 });
  });
});
