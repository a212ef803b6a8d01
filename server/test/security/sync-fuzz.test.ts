import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import * as Y from "yjs";
import * as prng from "lib0/prng";
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import { Awareness, applyAwarenessUpdate } from "y-protocols/awareness";
import { BODY_FIELD, docToContent } from "@codewright/shared";
import type { StandardRow } from "../../src/db/tables/standards";
import { createSection } from "../../src/domain/sections";
import { addMember, databaseKinds, makeStandard, makeUser, startTestApp, testConfig, unique, type TestApp, type TestUser } from "../helper";

/*
 * Hostile input on the websocket: thousands of generated messages, each sent on its own connection
 * into a live room that a second client (the observer) watches. After every one: the app is up; the
 * room's encoded state and its log rows are byte-identical to before unless the input was a valid
 * change (then there is exactly one more row, holding exactly that change); the observer received
 * only frames that decode and apply cleanly; and the offending connection was closed with the code
 * its input calls for. Deterministic: a seeded PRNG writes every input and every document.
 *
 * FUZZ_ITERATIONS sets the number of generated inputs per database (default 2000 on PGlite and 500
 * on PostgreSQL, where the protocol is the same and only storing differs; SOAK=1 makes it 20,000
 * each), FUZZ_SEED the seed. Each run adds a few huge documents of about 40 updates each.
 */

const SOAK = process.env.SOAK === "1";
const iterationsFor = (kind: string) => Number(process.env.FUZZ_ITERATIONS || (SOAK ? 20_000 : kind === "pglite" ? 2000 : 500));
const SEED = Number(process.env.FUZZ_SEED || 7);
const MESSAGE_BYTES = 8 * 1024;
const DOCUMENT_BYTES = 24 * 1024;
/** A room is replaced before valid inputs bring it near the document limit. */
const ROOM_ROTATE_BYTES = DOCUMENT_BYTES / 3;
/** Updates arriving before what they build on: the server asks for a resync this many times, then closes. */
const MISSING_BUDGET = 16;

const CATEGORIES = [
  "random-bytes",
  "truncated-varint",
  "unknown-type",
  "flipped-update",
  "missing-history",
  "step2-garbage",
  "oversized-frame",
  "valid-update",
  "content-rule",
  "reader-write",
  "presence",
  "huge-document",
] as const;
type Category = (typeof CATEGORIES)[number];

/** Relative frequency of each generated category (huge documents are built separately). */
const WEIGHTS: [Exclude<Category, "huge-document">, number][] = [
  ["random-bytes", 14],
  ["truncated-varint", 9],
  ["unknown-type", 9],
  ["flipped-update", 24],
  ["missing-history", 8],
  ["step2-garbage", 12],
  ["oversized-frame", 4],
  ["valid-update", 8],
  ["content-rule", 6],
  ["reader-write", 5],
  ["presence", 7],
];

/** What the server must do with an input. */
type Expected =
  /** `reason`: what the close reason must start with. */
  | { kind: "close"; codes: number[]; reason?: RegExp }
  /**
   * Stays open; the document gains exactly this change (one row). `orClose`: a refusal with one of
   * these codes is right too (a change that is valid Yjs and still readable, but writes attributes
   * the schema does not know).
   */
  | { kind: "accepted"; orClose?: number[] }
  /** Stays open; nothing stored changes. `resync`: the server asks the sender for what it lacks. */
  | { kind: "unchanged"; resync?: boolean }
  /** Presence only: stays open, or is refused with one of `codes`; the document never changes. */
  | { kind: "presence"; codes: number[] };

interface Input {
  category: Category;
  as: "editor" | "reader";
  frames: Uint8Array[];
  expected: Expected;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

// ---------------------------------------------------------------------------------------------
// Frames, written and read independently of the server's codec.

function frameOf(write: (e: encoding.Encoder) => void): Uint8Array {
  const e = encoding.createEncoder();
  write(e);
  return encoding.toUint8Array(e);
}
const syncFrame = (sub: number, payload: Uint8Array) =>
  frameOf((e) => {
    encoding.writeVarUint(e, 0);
    encoding.writeVarUint(e, sub);
    encoding.writeVarUint8Array(e, payload);
  });
const updateFrame = (u: Uint8Array) => syncFrame(2, u);
const step2Frame = (u: Uint8Array) => syncFrame(1, u);
const step1Frame = (sv: Uint8Array) => syncFrame(0, sv);
const EMPTY_STATE_VECTOR = Y.encodeStateVector(new Y.Doc());
function awarenessFrame(entries: { clientId: number; clock: number; json: string }[]): Uint8Array {
  const inner = frameOf((e) => {
    encoding.writeVarUint(e, entries.length);
    for (const en of entries) {
      encoding.writeVarUint(e, en.clientId);
      encoding.writeVarUint(e, en.clock);
      encoding.writeVarString(e, en.json);
    }
  });
  return frameOf((e) => {
    encoding.writeVarUint(e, 1);
    encoding.writeVarUint8Array(e, inner);
  });
}

type Decoded =
  | { type: "sync"; sub: number; payload: Uint8Array }
  | { type: "awareness"; payload: Uint8Array }
  | { type: "query" }
  | { type: "invalid" };

/** A strict reading of a y-websocket frame: every length in bounds, nothing trailing. */
function decodeFrame(frame: Uint8Array): Decoded {
  try {
    const d = decoding.createDecoder(frame);
    const readPayload = () => {
      const length = decoding.readVarUint(d);
      if (length > frame.length - d.pos) throw new RangeError("length past the end");
      return decoding.readUint8Array(d, length).slice();
    };
    const type = decoding.readVarUint(d);
    let decoded: Decoded;
    if (type === 0) {
      const sub = decoding.readVarUint(d);
      if (sub > 2) return { type: "invalid" };
      decoded = { type: "sync", sub, payload: readPayload() };
    } else if (type === 1) decoded = { type: "awareness", payload: readPayload() };
    else if (type === 3) decoded = { type: "query" };
    else return { type: "invalid" };
    return d.pos === frame.length ? decoded : { type: "invalid" };
  } catch {
    return { type: "invalid" };
  }
}

/** True when an awareness payload holds well-formed entries (ids in range, JSON object or null states). */
function wellFormedAwareness(payload: Uint8Array): boolean {
  try {
    const d = decoding.createDecoder(payload);
    const count = decoding.readVarUint(d);
    if (count * 3 > payload.length - d.pos) return false;
    for (let i = 0; i < count; i++) {
      const id = decoding.readVarUint(d);
      decoding.readVarUint(d);
      const length = decoding.readVarUint(d);
      if (length > payload.length - d.pos) return false;
      const state: unknown = JSON.parse(utf8.decode(decoding.readUint8Array(d, length)));
      if (id > 0xffffffff || (state !== null && (typeof state !== "object" || Array.isArray(state)))) return false;
    }
    return d.pos === payload.length;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// The model: what a room must do with an update, given its stored state.

/**
 * `unreadable`: valid Yjs, but the body no longer reads as the section schema without repairs,
 * and it did before, and the update deletes nothing: it broke the schema's content rules by what it
 * added, so it must be refused. `repaired`: the body reads only with repairs, but deletions (or an
 * earlier state) may be the cause: the server may keep it (reads repair it) or refuse it.
 */
type Staged = "malformed" | "missing" | "unchanged" | "accepted" | "unreadable" | "repaired" | "too_large";

/** True when the body reads as the section schema without any repair. */
function readsAsIs(doc: Y.Doc): boolean {
  let repaired = false;
  docToContent(doc, () => (repaired = true));
  return !repaired;
}

function docFrom(state: Uint8Array): Y.Doc {
  const doc = new Y.Doc({ gc: false });
  Y.applyUpdate(doc, state);
  return doc;
}

/** What applying `update` to a room holding `state` must give: the documented validation, on a scratch copy. */
function stage(state: Uint8Array, update: Uint8Array): Staged {
  let meta: { from: Map<number, number> };
  try {
    meta = Y.parseUpdateMeta(update);
  } catch {
    return "malformed";
  }
  const doc = docFrom(state);
  try {
    for (const [client, clock] of meta.from) if (clock > Y.getState(doc.store, client)) return "missing";
    const readBefore = readsAsIs(doc);
    let changed = false;
    let deleted = false;
    doc.on("update", () => (changed = true));
    // What the update deletes that the room still had (its delete set also lists what was deleted before).
    doc.on("afterTransaction", (tr: Y.Transaction) => (deleted ||= tr.deleteSet.clients.size > 0));
    try {
      Y.applyUpdate(doc, update);
    } catch {
      return "malformed";
    }
    if (doc.store.pendingStructs || doc.store.pendingDs) return "missing";
    if (!changed) return "unchanged";
    // The state must reload as it is: otherwise clients that got the update live and clients that
    // load the room later disagree for good.
    const reloaded = docFrom(Y.encodeStateAsUpdate(doc));
    const stable = reloaded.getXmlFragment(BODY_FIELD).toString() === doc.getXmlFragment(BODY_FIELD).toString();
    reloaded.destroy();
    if (!stable) return "malformed";
    if (!readsAsIs(doc)) return readBefore && !deleted ? "unreadable" : "repaired";
    return Y.encodeStateAsUpdate(doc).length > DOCUMENT_BYTES ? "too_large" : "accepted";
  } finally {
    doc.destroy();
  }
}

function expectedForUpdate(state: Uint8Array, update: Uint8Array, as: "editor" | "reader"): Expected {
  const staged = stage(state, update);
  if (as === "reader") {
    if (staged === "malformed" || staged === "unreadable" || staged === "repaired") return { kind: "close", codes: [1003, 1008] };
    // A reader's update is harmless only when the room already holds all of it.
    let news: boolean;
    try {
      const doc = docFrom(state);
      news = !Y.snapshotContainsUpdate(Y.snapshot(doc), update);
      doc.destroy();
    } catch {
      return { kind: "close", codes: [1003] };
    }
    return news ? { kind: "close", codes: [1008] } : { kind: "unchanged" };
  }
  switch (staged) {
    case "malformed":
    case "unreadable":
      return { kind: "close", codes: [1003] };
    case "too_large":
      return { kind: "close", codes: [1009] };
    case "missing":
      return { kind: "unchanged", resync: true };
    case "unchanged":
      return { kind: "unchanged" };
    case "accepted":
    case "repaired":
      return { kind: "accepted", orClose: [1003] };
  }
}

/** What the server must do with one frame of unknown shape. */
function expectedForFrame(state: Uint8Array, frame: Uint8Array, as: "editor" | "reader"): Expected {
  if (frame.length > MESSAGE_BYTES) return { kind: "close", codes: [1009] };
  const decoded = decodeFrame(frame);
  switch (decoded.type) {
    case "invalid":
      return { kind: "close", codes: [1003] };
    case "query":
      return { kind: "unchanged" };
    case "awareness":
      return wellFormedAwareness(decoded.payload) ? { kind: "presence", codes: [1008] } : { kind: "close", codes: [1003] };
    case "sync":
      if (decoded.sub === 0) {
        try {
          Y.decodeStateVector(decoded.payload);
          return { kind: "unchanged" };
        } catch {
          return { kind: "close", codes: [1003] };
        }
      }
      return expectedForUpdate(state, decoded.payload, as);
  }
}

// ---------------------------------------------------------------------------------------------
// Generators: documents edited by seeded clients, and the hostile inputs built from them.

class Generator {
  /** How many content-rule inputs of each shape were written. */
  readonly contentRuleShapes: number[] = [];

  constructor(readonly gen: prng.PRNG) {}

  int(min: number, max: number): number {
    return prng.int32(this.gen, min, max);
  }
  bytes(length: number): Uint8Array {
    return prng.uint8Array(this.gen, length);
  }
  /** A document holding `state`, edited as the seeded client `clientID`. */
  author(state: Uint8Array): Y.Doc {
    const doc = new Y.Doc({ gc: false });
    doc.clientID = prng.uint32(this.gen, 1, 0x7fffffff);
    Y.applyUpdate(doc, state);
    return doc;
  }

  /** One editor-like change: a paragraph, typed words, a deletion or bold text. */
  edit(doc: Y.Doc): void {
    const body = doc.getXmlFragment(BODY_FIELD);
    const paragraphs = body.toArray().filter((n): n is Y.XmlElement => n instanceof Y.XmlElement);
    const texts = paragraphs.map((p) => p.get(0)).filter((t): t is Y.XmlText => t instanceof Y.XmlText);
    const op = texts.length === 0 ? 0 : this.int(0, 3);
    const word = () => prng.word(this.gen, 2, 9);
    if (op === 0) {
      const paragraph = new Y.XmlElement("paragraph");
      paragraph.insert(0, [new Y.XmlText(`${word()} ${word()}`)]);
      body.insert(this.int(0, body.length), [paragraph]);
      return;
    }
    const text = texts[this.int(0, texts.length - 1)]!;
    if (op === 1 || text.length < 4) text.insert(this.int(0, text.length), ` ${word()}`);
    else if (op === 2) text.delete(this.int(0, text.length - 3), this.int(1, 3));
    else text.format(this.int(0, text.length - 2), 2, { strong: {} });
  }

  /** A valid update on top of `state` that changes something. */
  validUpdate(state: Uint8Array): Uint8Array {
    const doc = this.author(state);
    const before = Y.encodeStateVector(doc);
    for (let i = this.int(0, 2); i > 0; i--) this.edit(doc);
    this.appendParagraph(doc);
    const update = Y.encodeStateAsUpdate(doc, before);
    doc.destroy();
    return update;
  }

  appendParagraph(doc: Y.Doc): void {
    const paragraph = new Y.XmlElement("paragraph");
    paragraph.insert(0, [new Y.XmlText(prng.word(this.gen, 3, 12))]);
    doc.getXmlFragment(BODY_FIELD).push([paragraph]);
  }

  /** A list item holding one paragraph, as the editor writes it. */
  item(): Y.XmlElement {
    const paragraph = new Y.XmlElement("paragraph");
    paragraph.insert(0, [new Y.XmlText(prng.word(this.gen, 3, 12))]);
    const item = new Y.XmlElement("list_item");
    item.insert(0, [paragraph]);
    return item;
  }

  /** A list of one such item. */
  list(): Y.XmlElement {
    const list = new Y.XmlElement("bullet_list");
    list.insert(0, [this.item()]);
    return list;
  }

  /**
   * A structurally valid update on top of `state` (known node types where their parents may hold
   * them, valid attribute values) that breaks the schema's content rules by what it adds, or adds
   * bidirectional controls: the server must refuse every one.
   */
  contentRuleUpdate(state: Uint8Array): Uint8Array {
    const doc = this.author(state);
    const before = Y.encodeStateVector(doc);
    const body = doc.getXmlFragment(BODY_FIELD);
    const at = this.int(0, body.length);
    const paragraph = (text: string) => {
      const p = new Y.XmlElement("paragraph");
      p.insert(0, [new Y.XmlText(text)]);
      return p;
    };
    const word = () => prng.word(this.gen, 2, 9);
    const shapes: (() => void)[] = [
      () => body.insert(at, [new Y.XmlElement("note")]),
      () => body.insert(at, [new Y.XmlElement(this.int(0, 1) === 0 ? "bullet_list" : "ordered_list")]),
      () => body.insert(at, [new Y.XmlElement("blockquote")]),
      () => {
        // A list item without its paragraph: empty, or a quote first.
        const item = new Y.XmlElement("list_item");
        if (this.int(0, 1) === 0) {
          const quote = new Y.XmlElement("blockquote");
          quote.insert(0, [paragraph(word())]);
          item.insert(0, [quote]);
        }
        const list = new Y.XmlElement("ordered_list");
        list.insert(0, this.int(0, 1) === 0 ? [item] : [this.item(), item]);
        body.insert(at, [list]);
      },
      () => {
        const p = paragraph(`see ${word()} `);
        const xref = new Y.XmlElement("xref");
        if (this.int(0, 1) === 0) xref.setAttribute("label", "BC-1");
        p.insert(1, [xref]);
        body.insert(at, [p]);
      },
      () => {
        // A block before the first paragraph of a list item the room has.
        const list = body.toArray().find((n): n is Y.XmlElement => n instanceof Y.XmlElement && n.nodeName === "bullet_list");
        const item = list?.get(0) as Y.XmlElement | undefined;
        const block = new Y.XmlElement(this.int(0, 1) === 0 ? "blockquote" : "bullet_list");
        block.insert(0, [block.nodeName === "blockquote" ? paragraph(word()) : this.item()]);
        if (item) item.insert(0, [block]);
        else body.insert(at, [new Y.XmlElement("note")]);
      },
      () => body.insert(at, [paragraph(`${word()} ${["\u202e", "\u2066", "\u202a"][this.int(0, 2)]}${word()}`)]),
      () => {
        const p = paragraph(word());
        body.insert(at, [p]);
        (p.get(0) as Y.XmlText).format(0, 1, { link: { href: "https://example.org/", title: `x\u2067y` } });
      },
    ];
    // In turn, so that every shape is tried in short runs too.
    const shape = this.contentRuleShapes.reduce((sum, n) => sum + (n ?? 0), 0) % shapes.length;
    shapes[shape]!();
    this.contentRuleShapes.length = shapes.length;
    this.contentRuleShapes[shape] = (this.contentRuleShapes[shape] ?? 0) + 1;
    const update = Y.encodeStateAsUpdate(doc, before);
    doc.destroy();
    return update;
  }

  /** An update that builds on content the room never received: the second of two, sent alone. */
  missingHistoryUpdate(state: Uint8Array): Uint8Array {
    const doc = this.author(state);
    this.appendParagraph(doc);
    let second: Uint8Array | null = null;
    doc.on("update", (u: Uint8Array) => (second = u));
    const body = doc.getXmlFragment(BODY_FIELD);
    // Only a deletion of the paragraph the room never received, or words typed into it.
    if (this.int(0, 1) === 0) body.delete(body.length - 1, 1);
    else ((body.get(body.length - 1) as Y.XmlElement).get(0) as Y.XmlText).insert(1, ` ${prng.word(this.gen, 2, 9)}`);
    doc.destroy();
    return second!;
  }

  varintCut(): Uint8Array {
    // A varint whose continuation bit is set on the frame's last byte, somewhere in a frame.
    const shapes = [
      () => [0x80],
      () => [0xff, 0xff, 0xff],
      () => [0, 0x80],
      () => [0, 2, 0x80 | this.int(0, 127)],
      () => [0, 1, 0xff, 0xff],
      () => [1, 0x80, 0x80],
      () => [0, 2, 5, 1, 0x80],
      () => [0, 0, 3, 0x81, 0x80],
    ];
    return new Uint8Array(shapes[this.int(0, shapes.length - 1)]!());
  }

  /** A frame whose own length prefix runs past its end, or is a varint cut short mid-payload. */
  truncatedFrame(state: Uint8Array): Uint8Array {
    if (this.int(0, 1) === 0) return this.varintCut();
    const whole = updateFrame(this.validUpdate(state));
    // Cut inside the length varint or the payload: the declared length no longer fits.
    return whole.slice(0, this.int(2, whole.length - 1));
  }

  unknownType(): Uint8Array {
    const choice = this.int(0, 3);
    const tail = this.bytes(this.int(0, 8));
    if (choice === 0) return frameOf((e) => (encoding.writeVarUint(e, this.int(4, 127)), encoding.writeUint8Array(e, tail)));
    if (choice === 1) return frameOf((e) => (encoding.writeVarUint(e, 2), encoding.writeVarUint8Array(e, tail))); // auth
    if (choice === 2) return frameOf((e) => (encoding.writeVarUint(e, this.int(128, 2 ** 30)), encoding.writeUint8Array(e, tail)));
    return frameOf((e) => (encoding.writeVarUint(e, 0), encoding.writeVarUint(e, this.int(3, 200)), encoding.writeVarUint8Array(e, tail)));
  }

  flipped(state: Uint8Array): Uint8Array {
    const update = this.validUpdate(state).slice();
    for (let n = this.int(1, 4); n > 0; n--) {
      const at = this.int(0, update.length - 1);
      update[at] = this.int(0, 1) === 0 ? update[at]! ^ (1 << this.int(0, 7)) : this.int(0, 255);
    }
    return update;
  }

  step2Garbage(state: Uint8Array): Uint8Array {
    const choice = this.int(0, 3);
    if (choice === 0) return step2Frame(this.bytes(this.int(0, 64)));
    const valid = this.validUpdate(state);
    if (choice === 1) return step2Frame(Uint8Array.from([...valid, ...this.bytes(this.int(1, 6))]));
    if (choice === 2) return step2Frame(valid.slice(0, this.int(0, valid.length - 1)));
    // A plausible update header followed by noise.
    return step2Frame(Uint8Array.from([this.int(1, 3), this.int(1, 2), ...this.bytes(this.int(4, 40))]));
  }

  oversized(state: Uint8Array): Uint8Array {
    const size = MESSAGE_BYTES + this.int(1, MESSAGE_BYTES);
    if (this.int(0, 1) === 0) return this.bytes(size);
    const doc = this.author(state);
    const paragraph = new Y.XmlElement("paragraph");
    paragraph.insert(0, [new Y.XmlText(prng.word(this.gen, size, size))]);
    doc.getXmlFragment(BODY_FIELD).push([paragraph]);
    const base = docFrom(state);
    const update = Y.encodeStateAsUpdate(doc, Y.encodeStateVector(base));
    for (const d of [doc, base]) d.destroy();
    return updateFrame(update);
  }
}

// ---------------------------------------------------------------------------------------------
// Sockets.

interface Close {
  code: number;
  reason: string;
}

interface Socket {
  ws: WebSocket;
  frames: Uint8Array[];
  closed: Promise<Close>;
  close: Close | null;
}

function openSocket(base: string, room: string, token: string): Promise<Socket> {
  const ws = new WebSocket(`${base}/${room}?token=${encodeURIComponent(token)}`);
  const socket: Socket = { ws, frames: [], closed: null as unknown as Promise<Close>, close: null };
  ws.on("message", (data: Buffer) => socket.frames.push(new Uint8Array(data)));
  socket.closed = new Promise((resolve) =>
    ws.on("close", (code, reason) => {
      socket.close = { code, reason: reason.toString() };
      resolve(socket.close);
    }),
  );
  return new Promise((resolve, reject) => {
    ws.once("open", () => resolve(socket));
    ws.on("error", (err) => {
      if (ws.readyState === WebSocket.CONNECTING) reject(err);
    });
  });
}

/**
 * Resolves once the server has handled every frame sent before: its pong follows them, since it
 * handles each frame synchronously as it reads it. "closed" when it closed the connection instead.
 */
function barrier(socket: Socket): Promise<"handled" | "closed"> {
  if (socket.ws.readyState !== WebSocket.OPEN) return socket.closed.then(() => "closed");
  return new Promise((resolve) => {
    const onPong = () => resolve("handled");
    socket.ws.once("pong", onPong);
    void socket.closed.then(() => {
      socket.ws.off("pong", onPong);
      resolve("closed");
    });
    try {
      socket.ws.ping();
    } catch {
      /* closed meanwhile */
    }
  });
}

/** Polls a cheap in-process check, yielding to the event loop between tries. */
async function until(check: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let i = 0; !check(); i++) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => (i < 50 ? setImmediate(r) : setTimeout(r, 2)));
  }
}

/**
 * The second client in a room: applies every frame it gets to a document and an awareness, and
 * records any frame that does not decode or apply cleanly. It asks for the room's whole encoded
 * state on demand (a sync step 1 with an empty state vector).
 */
class Observer {
  readonly doc = new Y.Doc({ gc: false });
  readonly awareness = new Awareness(new Y.Doc());
  readonly invalid: string[] = [];
  /** Callers of `state`, answered in order by the server's sync step 2 replies. */
  readonly #waiting: ((state: Uint8Array) => void)[] = [];
  /** Updates broadcast to this client (sync updates, not replies to its own requests). */
  liveUpdates = 0;

  private constructor(readonly socket: Socket) {
    this.awareness.setLocalState(null);
    socket.ws.on("message", (data: Buffer) => this.read(new Uint8Array(data)));
  }

  static async open(base: string, room: string, token: string, presenceId: number): Promise<Observer> {
    const observer = new Observer(await openSocket(base, room, token));
    // Introduces the presence id the spoofing inputs try to speak for.
    observer.socket.ws.send(awarenessFrame([{ clientId: presenceId, clock: 1, json: JSON.stringify({ cursor: null }) }]));
    await observer.state();
    return observer;
  }

  private read(frame: Uint8Array): void {
    const decoded = decodeFrame(frame);
    try {
      if (decoded.type === "sync" && decoded.sub === 0) Y.decodeStateVector(decoded.payload);
      else if (decoded.type === "sync") {
        Y.applyUpdate(this.doc, decoded.payload);
        if (this.doc.store.pendingStructs || this.doc.store.pendingDs) throw new Error("the update builds on content never sent");
        if (decoded.sub === 1) this.#waiting.shift()?.(decoded.payload);
        else this.liveUpdates++;
      } else if (decoded.type === "awareness") applyAwarenessUpdate(this.awareness, decoded.payload, "server");
      else throw new Error("not a y-websocket frame");
    } catch (err) {
      this.invalid.push(`${(err as Error).message}: ${Buffer.from(frame.slice(0, 32)).toString("hex")}`);
    }
  }

  /** The room's whole encoded state, as the server holds it now. */
  async state(): Promise<Uint8Array> {
    if (this.socket.close) throw new Error(`the observer was closed: ${this.socket.close.code} ${this.socket.close.reason}`);
    const answer = new Promise<Uint8Array>((resolve) => this.#waiting.push(resolve));
    this.socket.ws.send(step1Frame(EMPTY_STATE_VECTOR));
    const state = await Promise.race([answer, this.socket.closed.then(() => null)]);
    if (!state) throw new Error(`the observer was closed: ${this.socket.close!.code} ${this.socket.close!.reason}`);
    return state;
  }

  close(): void {
    this.socket.ws.close();
    this.awareness.destroy();
    this.doc.destroy();
  }
}

const sortedVector = (sv: Map<number, number>) => JSON.stringify([...sv].sort((a, b) => a[0] - b[0]));

// ---------------------------------------------------------------------------------------------

describe.each(databaseKinds)("sync fuzzing on %s", (kind) => {
  const ITERATIONS = iterationsFor(kind);
  let t: TestApp;
  let base: string;
  let standard: StandardRow;
  let editor: TestUser;
  let reader: TestUser;

  beforeAll(async () => {
    const defaults = testConfig();
    t = await startTestApp(kind, {
      // The observer asks for the state after every input, as fast as the machine allows: the
      // per-connection budgets (tested in budget.test.ts and sync-flood.test.ts) stay out of the way.
      limits: {
        ...defaults.limits,
        messageBytes: MESSAGE_BYTES,
        documentBytes: DOCUMENT_BYTES,
        updates: { perSecond: 1_000_000, burst: 1_000_000 },
        updateBytes: { perSecond: 1 << 30, burst: 1 << 30 },
      },
      // No compaction: a row that changed would be a row rewritten, not one the input caused.
      sync: { ...defaults.sync, compactAfterRows: 1_000_000 },
    });
    await t.app.listen({ port: 0, host: "127.0.0.1" });
    base = `ws://127.0.0.1:${(t.app.server.address() as { port: number }).port}/sync`;
    standard = await makeStandard(t.db, { isPublic: false });
    editor = await makeUser(t.db, { name: "Fuzz Editor" });
    reader = await makeUser(t.db, { name: "Fuzz Reader" });
    await addMember(t.app, standard, editor, "editor");
    await addMember(t.app, standard, reader, "contributor");
  });

  afterAll(async () => {
    await t?.close();
  });

  const sections: string[] = [];

  /** A new room whose first content comes from the seeded generator, so every byte of the run repeats. */
  async function newRoom(g: Generator): Promise<string> {
    const doc = g.author(new Uint8Array([0, 0]));
    g.edit(doc);
    g.edit(doc);
    // A list, so inputs can break one of its items.
    doc.getXmlFragment(BODY_FIELD).push([g.list()]);
    const initialUpdate = Y.encodeStateAsUpdate(doc);
    doc.destroy();
    const section = await t.db.transaction().execute((trx) => createSection(trx, standard, { label: unique("F"), title: "Fuzzed section", initialUpdate }, null));
    sections.push(section.id);
    return section.room;
  }

  async function rowsOf(room: string) {
    const rows = await t.db.selectFrom("room_updates").select(["seq", "data", "author_id"]).where("room", "=", room).orderBy("seq").execute();
    const hash = createHash("sha256");
    for (const r of rows) hash.update(`${r.seq}|${r.author_id ?? ""}|`).update(r.data).update("\n");
    return { count: rows.length, digest: hash.digest("hex"), last: rows[rows.length - 1] };
  }

  it(
    `sends ${ITERATIONS} generated inputs into live rooms and every one leaves room, log and observers as they must be`,
    async () => {
      const g = new Generator(prng.create(SEED));
      const tried = Object.fromEntries(CATEGORIES.map((c) => [c, 0])) as Record<Category, number>;
      const outcomes: Record<string, number> = {};
      const count = (outcome: string) => (outcomes[outcome] = (outcomes[outcome] ?? 0) + 1);
      const started = Date.now();

      let room = await newRoom(g);
      const presenceId = prng.uint32(g.gen, 1, 0x7fffffff);
      let observer = await Observer.open(base, room, reader.token, presenceId);
      let state = await observer.state();
      let rows = await rowsOf(room);

      let liveBefore = 0;

      /** Checks everything after one input; returns the outcome's name. */
      async function check(input: Input, socket: Socket, handled: "handled" | "closed", initialFrames: number): Promise<string> {
        const outcome = await judge(input, socket, handled, initialFrames);
        state = afterState;
        rows = afterRows;
        return outcome;
      }
      let afterState: Uint8Array;
      let afterRows: Awaited<ReturnType<typeof rowsOf>>;

      async function judge(input: Input, socket: Socket, handled: "handled" | "closed", initialFrames: number): Promise<string> {
        const label = `${input.category} #${tried[input.category]} (${Buffer.from(input.frames[0]!.slice(0, 24)).toString("hex")})`;
        const stats = () => t.app.sync.roomStats(room);
        if (handled === "handled") await until(() => stats()?.pending === 0, `${label}: stored`);
        expect(stats()?.state, label).toBe("ready");
        // The probe's answer follows whatever the room broadcast before it, on the same socket.
        afterState = await observer.state();
        const live = observer.liveUpdates;
        afterRows = await rowsOf(room);
        expect(observer.invalid, label).toEqual([]);
        expect(observer.socket.close, label).toBeNull();
        const e = input.expected;

        if (handled === "closed") {
          const close = socket.close!;
          const codes = e.kind === "close" || e.kind === "presence" ? e.codes : e.kind === "accepted" ? (e.orClose ?? []) : [];
          expect(codes, `${label}: closed with ${close.code} ${close.reason}, expected ${JSON.stringify(e)}`).toContain(close.code);
          if (e.kind === "close" && e.reason) expect(close.reason, label).toMatch(e.reason);
          expect(Buffer.from(afterState).equals(Buffer.from(state)), `${label}: room state changed`).toBe(true);
          expect(afterRows.digest, `${label}: log changed`).toBe(rows.digest);
          expect(live, `${label}: the observer got an update`).toBe(liveBefore);
          // Valid Yjs that would still read, refused for writing what the schema does not know.
          return e.kind === "accepted" ? `closed ${close.code} outside schema` : `closed ${close.code}`;
        }
        // Still open.
        expect(e.kind, `${label}: stayed open, expected ${JSON.stringify(e)}`).not.toBe("close");
        if (e.kind === "accepted") {
          expect(afterRows.count, `${label}: one more row`).toBe(rows.count + 1);
          expect(afterRows.last!.author_id, label).toBe(editor.id);
          // The new row is exactly the change: the old state plus it gives the new state.
          const rebuilt = docFrom(state);
          Y.applyUpdate(rebuilt, afterRows.last!.data);
          const now = docFrom(afterState);
          expect(sortedVector(Y.decodeStateVector(Y.encodeStateVector(rebuilt))), label).toBe(sortedVector(Y.decodeStateVector(Y.encodeStateVector(now))));
          expect(rebuilt.getXmlFragment(BODY_FIELD).toString(), label).toBe(now.getXmlFragment(BODY_FIELD).toString());
          // And it is what the input meant: the sender's own view after its update matches.
          const sent = decodeFrame(input.frames[0]!);
          const intended = docFrom(state);
          if (sent.type === "sync") Y.applyUpdate(intended, sent.payload);
          expect(intended.getXmlFragment(BODY_FIELD).toString(), label).toBe(now.getXmlFragment(BODY_FIELD).toString());
          expect(() => docToContent(now), `${label}: the section still reads`).not.toThrow();
          for (const d of [rebuilt, now, intended]) d.destroy();
          // The observer got it live, as one update, not only in the probe.
          expect(live, `${label}: the observer got the change`).toBe(liveBefore + 1);
          return "accepted";
        }
        expect(Buffer.from(afterState).equals(Buffer.from(state)), `${label}: room state changed`).toBe(true);
        expect(afterRows.digest, `${label}: log changed`).toBe(rows.digest);
        expect(live, `${label}: the observer got an update`).toBe(liveBefore);
        if (e.kind === "unchanged" && e.resync) {
          const asked = socket.frames.slice(initialFrames).some((f) => {
            const d = decodeFrame(f);
            return d.type === "sync" && d.sub === 0;
          });
          expect(asked, `${label}: asked to resync`).toBe(true);
          return "resync asked";
        }
        return e.kind === "presence" ? "presence kept" : "unchanged";
      }

      // Connections: one left open by an input that was accepted or changed nothing is used again,
      // and a spare is opened while an input is checked (opening costs more than most checks).
      const reusable: Partial<Record<Input["as"], Socket>> = {};
      const spares: Partial<Record<Input["as"], Promise<Socket>>> = {};
      const greeted = async (as: Input["as"]) => {
        const socket = await openSocket(base, room, as === "editor" ? editor.token : reader.token);
        // The server greets with its sync step 1; wait for it, so replies are told apart.
        await until(() => socket.frames.length > 0 || socket.close !== null, "greeting");
        return socket;
      };
      async function socketFor(as: Input["as"]): Promise<Socket> {
        const kept = reusable[as];
        delete reusable[as];
        if (kept && kept.ws.readyState === WebSocket.OPEN) return kept;
        const spare = spares[as] ?? greeted(as);
        spares[as] = greeted(as);
        spares[as].catch(() => {});
        return spare;
      }
      function dropSockets(): void {
        for (const as of ["editor", "reader"] as const) {
          reusable[as]?.ws.close();
          delete reusable[as];
          void spares[as]?.then((s) => s.ws.close(), () => {});
          delete spares[as];
        }
      }

      async function run(input: Input): Promise<void> {
        tried[input.category]++;
        const socket = await socketFor(input.as);
        const initialFrames = socket.frames.length;
        liveBefore = observer.liveUpdates;
        for (const frame of input.frames) if (socket.ws.readyState === WebSocket.OPEN) socket.ws.send(frame);
        const handled = await barrier(socket);
        const outcome = await check(input, socket, handled, initialFrames);
        count(outcome);
        if (outcome === "accepted" || outcome === "unchanged") reusable[input.as] = socket;
        else socket.ws.close();
      }

      async function rotate(): Promise<void> {
        dropSockets();
        observer.close();
        room = await newRoom(g);
        observer = await Observer.open(base, room, reader.token, presenceId);
        state = await observer.state();
        rows = await rowsOf(room);
      }

      const totalWeight = WEIGHTS.reduce((s, [, w]) => s + w, 0);
      const pick = (): Exclude<Category, "huge-document"> => {
        let r = g.int(0, totalWeight - 1);
        for (const [c, w] of WEIGHTS) if ((r -= w) < 0) return c;
        return "random-bytes";
      };

      /** A huge document from many small valid updates on one connection: accepted until the limit, then 1009. */
      async function hugeDocument(): Promise<void> {
        await rotate();
        const socket = await openSocket(base, room, editor.token);
        await until(() => socket.frames.length > 0, "greeting");
        for (let i = 0; ; i++) {
          expect(i, "the document limit was reached").toBeLessThan(500);
          tried["huge-document"]++;
          const doc = g.author(state);
          const before = Y.encodeStateVector(doc);
          const paragraph = new Y.XmlElement("paragraph");
          paragraph.insert(0, [new Y.XmlText(prng.word(g.gen, 400, 700))]);
          doc.getXmlFragment(BODY_FIELD).push([paragraph]);
          const update = Y.encodeStateAsUpdate(doc, before);
          doc.destroy();
          const staged = stage(state, update);
          expect(["accepted", "too_large"]).toContain(staged);
          const expected: Expected = staged === "accepted" ? { kind: "accepted" } : { kind: "close", codes: [1009] };
          const input: Input = { category: "huge-document", as: "editor", frames: [updateFrame(update)], expected };
          liveBefore = observer.liveUpdates;
          socket.ws.send(input.frames[0]!);
          const outcome = await check(input, socket, await barrier(socket), 0);
          count(outcome);
          if (outcome !== "accepted") {
            expect(outcome).toBe("closed 1009");
            expect(socket.close!.reason).toMatch(/^document_too_large/);
            break;
          }
        }
        expect(state.length).toBeLessThanOrEqual(DOCUMENT_BYTES);
      }

      const hugeEvery = Math.max(200, Math.floor(ITERATIONS / 3));
      for (let i = 0; i < ITERATIONS; i++) {
        if (i > 0 && i % hugeEvery === 0) {
          await hugeDocument();
          await rotate();
        }
        if (state.length > ROOM_ROTATE_BYTES) await rotate();
        const category = pick();
        let input: Input;
        switch (category) {
          case "random-bytes": {
            const frame = g.bytes(g.int(0, 96));
            input = { category, as: "editor", frames: [frame], expected: expectedForFrame(state, frame, "editor") };
            break;
          }
          case "truncated-varint": {
            const frame = g.truncatedFrame(state);
            input = { category, as: "editor", frames: [frame], expected: expectedForFrame(state, frame, "editor") };
            expect(input.expected, "a truncated frame is malformed").toEqual({ kind: "close", codes: [1003] });
            break;
          }
          case "unknown-type": {
            const frame = g.unknownType();
            input = { category, as: "editor", frames: [frame], expected: { kind: "close", codes: [1003] } };
            break;
          }
          case "flipped-update": {
            const frame = updateFrame(g.flipped(state));
            input = { category, as: "editor", frames: [frame], expected: expectedForFrame(state, frame, "editor") };
            break;
          }
          case "missing-history": {
            // Usually one (the server asks for a resync); sometimes more than its patience allows.
            const flood = g.int(0, 9) === 0;
            const frames = Array.from({ length: flood ? MISSING_BUDGET + 1 : 1 }, () => updateFrame(g.missingHistoryUpdate(state)));
            input = { category, as: "editor", frames, expected: flood ? { kind: "close", codes: [1003] } : { kind: "unchanged", resync: true } };
            const decoded = decodeFrame(frames[0]!);
            if (decoded.type === "sync") expect(stage(state, decoded.payload), "the generator's update misses history").toBe("missing");
            break;
          }
          case "step2-garbage": {
            const frame = g.step2Garbage(state);
            input = { category, as: "editor", frames: [frame], expected: expectedForFrame(state, frame, "editor") };
            break;
          }
          case "oversized-frame": {
            const frame = g.oversized(state);
            input = { category, as: "editor", frames: [frame], expected: { kind: "close", codes: [1009] } };
            break;
          }
          case "valid-update": {
            const frame = (g.int(0, 1) === 0 ? updateFrame : step2Frame)(g.validUpdate(state));
            input = { category, as: "editor", frames: [frame], expected: { kind: "accepted" } };
            expect(expectedForFrame(state, frame, "editor").kind).toBe("accepted");
            break;
          }
          case "content-rule": {
            const frame = (g.int(0, 1) === 0 ? updateFrame : step2Frame)(g.contentRuleUpdate(state));
            input = { category, as: "editor", frames: [frame], expected: { kind: "close", codes: [1003], reason: /^malformed_message/ } };
            expect(expectedForFrame(state, frame, "editor"), "the generator's update breaks the content rules").toEqual({ kind: "close", codes: [1003] });
            break;
          }
          case "reader-write": {
            const frame = (g.int(0, 1) === 0 ? updateFrame : step2Frame)(g.validUpdate(state));
            input = { category, as: "reader", frames: [frame], expected: { kind: "close", codes: [1008] } };
            break;
          }
          case "presence": {
            const shape = g.int(0, 3);
            const own = () => prng.uint32(g.gen, 1, 0x7fffffff);
            const entry = (clientId: number, json = JSON.stringify({ cursor: null, user: { name: "Someone Else" } })) => ({ clientId, clock: g.int(1, 1000), json });
            if (shape === 0) {
              // Speaking for the observer's presence.
              input = { category, as: "editor", frames: [awarenessFrame([{ clientId: presenceId, clock: 1_000_000 + i, json: "{}" }])], expected: { kind: "close", codes: [1008] } };
            } else if (shape === 1) {
              input = { category, as: "editor", frames: [awarenessFrame([1, 2, 3, 4, 5].map(() => entry(own())))], expected: { kind: "close", codes: [1008] } };
            } else if (shape === 2) {
              const json = ["{", "[1]", '"x"', "\u0000", "{\"a\":"][g.int(0, 4)]!;
              input = { category, as: "editor", frames: [awarenessFrame([entry(own(), json)])], expected: { kind: "close", codes: [1003] } };
            } else {
              input = { category, as: "editor", frames: [awarenessFrame([entry(own())])], expected: { kind: "presence", codes: [] } };
            }
            break;
          }
        }
        await run(input);
        if (i % 100 === 99) expect((await t.app.inject({ method: "GET", url: "/api/health" })).statusCode).toBe(200);
      }
      await hugeDocument();
      dropSockets();
      observer.close();

      // The process still serves, over the network.
      const health = await fetch(`${base.replace("ws:", "http:").replace(/\/sync$/, "")}/api/health`);
      expect(health.status).toBe(200);
      // Every fuzzed section still reads as the schema: what was accepted was readable.
      for (const id of sections) {
        const res = await t.app.inject({ url: `/api/standards/${standard.slug}/sections/${id}`, headers: editor.auth });
        expect(res.statusCode, res.body).toBe(200);
      }
      const total = Object.values(tried).reduce((a, b) => a + b, 0);
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      console.log(
        `sync fuzz on ${kind} (seed ${SEED}): ${total} inputs in ${seconds} s — ` +
          CATEGORIES.map((c) => `${c} ${tried[c]}`).join(", ") +
          " — outcomes: " +
          Object.entries(outcomes)
            .sort()
            .map(([o, n]) => `${o} ${n}`)
            .join(", "),
      );
      expect(outcomes["closed 1003"]).toBeGreaterThan(0);
      expect(outcomes["closed 1008"]).toBeGreaterThan(0);
      expect(outcomes["closed 1009"]).toBeGreaterThan(0);
      expect(outcomes["accepted"]).toBeGreaterThan(0);
      // Every way of breaking the content rules was tried.
      expect([...g.contentRuleShapes].every((n) => (n ?? 0) > 0), JSON.stringify(g.contentRuleShapes)).toBe(true);
    },
    SOAK ? 3 * 3600_000 : 15 * 60_000,
  );
});
