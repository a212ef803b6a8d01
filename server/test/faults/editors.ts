import type { Kysely } from "kysely";
import WebSocket from "ws";
import * as Y from "yjs";
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import { uniformFloat64 } from "pure-rand/distribution/uniformFloat64";
import { mersenne } from "pure-rand/generator/mersenne";
import { expect } from "vitest";
import { BODY_FIELD } from "@codewright/shared";
import type { Database } from "../../src/db/database";
import { loadRoomDoc } from "../../src/domain/room-log";

/*
 * Simulated editors for fault tests: lightweight y-websocket clients (sync protocol only, no
 * presence) that type unique words, keep typing while disconnected, reconnect by themselves (to the
 * next server in their list when one stops answering), and can be cut off or stalled on demand.
 * At the end, `expectConverged` compares every editor with a fresh load from the database.
 */

/** Every word an editor types is unique, so the final text shows anything lost or doubled. */
const WORD = /\b[a-z]\d+w\d+\b/g;

export interface Close {
  code: number;
  reason: string;
}

function frame(type: number, sub: number | null, payload: Uint8Array): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, type);
  if (sub !== null) encoding.writeVarUint(e, sub);
  encoding.writeVarUint8Array(e, payload);
  return encoding.toUint8Array(e);
}

/**
 * Numbers in [0, 1) drawn from `seed` alone, so a run's edits repeat. Mersenne Twister, whose
 * seeding spreads the small, adjacent seeds the tests use (xoroshiro's first draws from them are alike).
 */
export function seeded(seed: number): () => number {
  const generator = mersenne(seed);
  return () => uniformFloat64(generator);
}

export interface EditorOptions {
  /** Sync endpoints (`ws://host:port/sync`) to use, in order of preference. */
  servers: string[];
  room: string;
  token: string;
  /** A short name that starts every word typed: a letter and digits (`e7`). */
  name: string;
  random: () => number;
  /** First delay before reconnecting, ms; it doubles while attempts fail, up to 1 s. Default 100. */
  reconnectMs?: number;
}

export class Editor {
  readonly doc = new Y.Doc();
  readonly closes: Close[] = [];
  /** HTTP statuses of refused upgrades (503 while saving is paused, for example). */
  readonly refusals: { status: number; code: string }[] = [];
  /** Every update the server sent: what the server acknowledged as stored. */
  readonly received: Uint8Array[] = [];
  /** Words typed and still meant to be there; words typed and deleted since. */
  readonly present = new Set<string>();
  readonly deleted = new Set<string>();
  connections = 0;
  /** Times a connection of this editor completed its sync with the server. */
  syncs = 0;
  #ws: WebSocket | null = null;
  #server = 0;
  #online = true;
  #stalled = false;
  #synced = false;
  #count = 0;
  #retry: NodeJS.Timeout | null = null;
  #failures = 0;
  #destroyed = false;

  constructor(readonly options: EditorOptions) {
    this.doc.on("update", (update: Uint8Array, origin: unknown) => {
      if (origin !== this) this.send(frame(0, 2, update));
    });
    this.connect();
  }

  get name(): string {
    return this.options.name;
  }

  /** Connected, and has everything the server had when it answered this connection's sync step 1. */
  get synced(): boolean {
    return this.#synced && this.#ws?.readyState === WebSocket.OPEN;
  }

  get server(): string {
    return this.options.servers[this.#server]!;
  }

  /** Types a new word: in a new paragraph, or at the start or end of an existing one. */
  type(): string {
    const word = `${this.name}w${++this.#count}`;
    const body = this.doc.getXmlFragment(BODY_FIELD);
    const texts = body
      .toArray()
      .map((p) => (p instanceof Y.XmlElement ? p.get(0) : null))
      .filter((t): t is Y.XmlText => t instanceof Y.XmlText);
    const r = this.options.random();
    if (texts.length === 0 || r < 0.15) {
      const paragraph = new Y.XmlElement("paragraph");
      paragraph.insert(0, [new Y.XmlText(` ${word} `)]);
      body.insert(Math.floor(this.options.random() * (body.length + 1)), [paragraph]);
    } else {
      const text = texts[Math.floor(this.options.random() * texts.length)]!;
      text.insert(r < 0.55 ? 0 : text.length, ` ${word} `);
    }
    this.present.add(word);
    return word;
  }

  /** Deletes one of this editor's own words; null when it has none left. */
  deleteOwn(): string | null {
    const words = [...this.present];
    if (words.length === 0) return null;
    const word = words[Math.floor(this.options.random() * words.length)]!;
    for (const p of this.doc.getXmlFragment(BODY_FIELD).toArray()) {
      const text = p instanceof Y.XmlElement ? p.get(0) : null;
      if (!(text instanceof Y.XmlText)) continue;
      const at = text.toString().indexOf(` ${word} `);
      if (at >= 0) {
        text.delete(at, word.length + 2);
        this.present.delete(word);
        this.deleted.add(word);
        return word;
      }
    }
    throw new Error(`${word} is not in ${this.name}'s document`);
  }

  /** Cuts the connection at once, as a lost network does, and stays offline until `reconnect`. */
  drop(): void {
    this.#online = false;
    this.#ws?.terminate();
  }

  /**
   * Stalls the connection: the socket stays open but nothing is read or sent, as when a network
   * path goes silent. The server notices only by its keep-alive.
   */
  stall(): void {
    this.#stalled = true;
    (this.#ws as unknown as { _socket?: { pause(): void } } | null)?._socket?.pause();
  }

  /** Ends a stall or an offline period; the editor reconnects if it has to and resyncs. */
  reconnect(): void {
    this.#online = true;
    if (this.#stalled) {
      this.#stalled = false;
      const ws = this.#ws;
      (ws as unknown as { _socket?: { resume(): void } } | null)?._socket?.resume();
      // If the connection survived, whatever was typed during the stall goes now (the server keeps
      // only what it lacks); if it did not, the close arrives now and the editor reconnects.
      if (ws?.readyState === WebSocket.OPEN) ws.send(frame(0, 2, Y.encodeStateAsUpdate(this.doc)));
      return;
    }
    if (!this.#ws) this.connect();
  }

  destroy(): void {
    this.#destroyed = true;
    this.#online = false;
    if (this.#retry) clearTimeout(this.#retry);
    this.#ws?.terminate();
    this.doc.destroy();
  }

  private send(data: Uint8Array): void {
    if (this.#stalled) return;
    if (this.#ws?.readyState === WebSocket.OPEN) this.#ws.send(data);
  }

  private connect(): void {
    if (this.#destroyed || !this.#online || this.#ws) return;
    const url = `${this.server}/${this.options.room}?token=${encodeURIComponent(this.options.token)}`;
    const ws = new WebSocket(url);
    this.#ws = ws;
    let opened = false;
    ws.on("open", () => {
      opened = true;
      this.#failures = 0;
      this.connections++;
      // The server asks first; this asks for what the server has that the editor lacks.
      ws.send(frame(0, 0, Y.encodeStateVector(this.doc)));
    });
    ws.on("message", (data: Buffer) => {
      if (ws === this.#ws) this.read(new Uint8Array(data), ws);
    });
    ws.on("unexpected-response", (_request, response) => {
      let body = "";
      response.on("data", (chunk: Buffer) => (body += chunk.toString()));
      response.on("end", () => {
        let code = "";
        try {
          code = (JSON.parse(body) as { error?: { code?: string } }).error?.code ?? "";
        } catch {
          /* not JSON */
        }
        this.refusals.push({ status: response.statusCode ?? 0, code });
        ws.terminate();
      });
      response.on("error", () => ws.terminate());
    });
    ws.on("error", () => {});
    ws.on("close", (code: number, reason: Buffer) => {
      if (ws !== this.#ws) return;
      this.#ws = null;
      this.#synced = false;
      if (opened) this.closes.push({ code, reason: reason.toString() });
      // A server that does not answer at all is passed over for the next one.
      else this.#server = (this.#server + 1) % this.options.servers.length;
      if (this.#online && !this.#destroyed) {
        const delay = Math.min((this.options.reconnectMs ?? 100) * 2 ** this.#failures++, 1000);
        this.#retry = setTimeout(() => {
          this.#retry = null;
          this.connect();
        }, delay * (0.75 + Math.random() / 2));
      }
    });
  }

  private read(data: Uint8Array, ws: WebSocket): void {
    const d = decoding.createDecoder(data);
    if (decoding.readVarUint(d) !== 0) return; // presence
    const sub = decoding.readVarUint(d);
    const payload = decoding.readVarUint8Array(d);
    if (sub === 0) {
      ws.send(frame(0, 1, Y.encodeStateAsUpdate(this.doc, payload)));
      return;
    }
    Y.applyUpdate(this.doc, payload, this);
    this.received.push(payload);
    if (sub === 1) {
      this.#synced = true;
      this.syncs++;
    }
  }
}

/** The plain text of a body: the words typed, in document order. */
export function bodyText(doc: Y.Doc): string {
  return doc
    .getXmlFragment(BODY_FIELD)
    .toArray()
    .map((p) => (p instanceof Y.XmlElement ? p.toArray().map((t) => (t instanceof Y.XmlText ? t.toString() : "")).join("") : ""))
    .join("\n");
}

const vectorOf = (doc: Y.Doc) => JSON.stringify([...Y.decodeStateVector(Y.encodeStateVector(doc))].sort((a, b) => a[0] - b[0]));

/** Resolves once every editor is synced and all hold the same state. Polls; throws after `timeoutMs`. */
export async function converged(editors: Editor[], timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const vectors = new Set(editors.map((e) => vectorOf(e.doc)));
    if (editors.every((e) => e.synced) && vectors.size === 1 && new Set(editors.map((e) => bodyText(e.doc))).size === 1) return;
    if (Date.now() > deadline) {
      const lagging = editors.filter((e) => !e.synced).map((e) => e.name);
      throw new Error(`editors did not converge in ${timeoutMs} ms: ${vectors.size} distinct states; not synced: ${lagging.join(", ") || "none"}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Polls until `check` holds; throws with `what` after `timeoutMs`. */
export async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export interface Verdict {
  words: number;
  deleted: number;
  rows: number;
  acknowledged: number;
}

/**
 * The end of every fault test: the room as loaded afresh from the database equals every editor's
 * document (state vector and text); every word typed and not deleted is there exactly once and
 * every deleted one is gone; every update the server sent to anyone is in the store; and no
 * content is stored twice (no two log rows hold the same Yjs item).
 */
export async function expectStoredAsEveryoneSees(db: Kysely<Database>, room: string, editors: Editor[]): Promise<Verdict> {
  const stored = await loadRoomDoc(db, room);
  try {
    const text = bodyText(stored);
    for (const e of editors) {
      expect(vectorOf(e.doc), `${e.name}'s state vector`).toBe(vectorOf(stored));
      expect(bodyText(e.doc), `${e.name}'s text`).toBe(text);
    }
    const counts = new Map<string, number>();
    for (const w of text.match(WORD) ?? []) counts.set(w, (counts.get(w) ?? 0) + 1);
    const present = editors.flatMap((e) => [...e.present]);
    const deleted = editors.flatMap((e) => [...e.deleted]);
    const lost = present.filter((w) => !counts.has(w));
    const doubled = [...counts].filter(([, n]) => n > 1).map(([w]) => w);
    const revived = deleted.filter((w) => counts.has(w));
    expect(lost, "words lost").toEqual([]);
    expect(doubled, "words doubled").toEqual([]);
    expect(revived, "deleted words back").toEqual([]);
    expect(counts.size, "words nobody typed").toBe(present.length);

    const snapshot = Y.snapshot(stored);
    const acknowledged = editors.flatMap((e) => e.received);
    const missing = acknowledged.filter((u) => !Y.snapshotContainsUpdate(snapshot, u));
    expect(missing.length, "acknowledged updates missing from the store").toBe(0);

    const rows = await db.selectFrom("room_updates").select("data").where("room", "=", room).orderBy("seq").execute();
    expect(storedTwice(rows.map((r) => r.data)), "items stored in more than one row").toEqual([]);
    return { words: present.length, deleted: deleted.length, rows: rows.length, acknowledged: acknowledged.length };
  } finally {
    stored.destroy();
  }
}

/** Yjs items (client, clock) that more than one log row holds. */
export function storedTwice(rows: Uint8Array[]): string[] {
  const ranges = new Map<number, [number, number][]>();
  for (const row of rows) {
    for (const struct of Y.decodeUpdate(row).structs) {
      if (struct instanceof Y.Skip) continue;
      const list = ranges.get(struct.id.client) ?? [];
      list.push([struct.id.clock, struct.id.clock + struct.length]);
      ranges.set(struct.id.client, list);
    }
  }
  const twice: string[] = [];
  for (const [client, list] of ranges) {
    list.sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < list.length; i++) if (list[i]![0] < list[i - 1]![1]) twice.push(`${client}:${list[i]![0]}`);
  }
  return twice;
}

/**
 * Editors typing at about human speed: every `tickMs`, `perTick` of them (picked at random) type a
 * word, and now and then one deletes a word of its own. Runs until `stop`.
 */
export class Typing {
  #running = true;
  readonly #done: Promise<void>;
  ticks = 0;

  constructor(editors: Editor[], random: () => number, options: { tickMs?: number; perTick?: number } = {}) {
    const tickMs = options.tickMs ?? 40;
    const perTick = options.perTick ?? 5;
    this.#done = (async () => {
      while (this.#running) {
        for (let i = 0; i < perTick; i++) {
          const editor = editors[Math.floor(random() * editors.length)]!;
          if (random() < 0.08) editor.deleteOwn();
          else editor.type();
        }
        this.ticks++;
        await new Promise((r) => setTimeout(r, tickMs));
      }
    })();
  }

  stop(): Promise<void> {
    this.#running = false;
    return this.#done;
  }
}
