import type { AddressInfo } from "node:net";
import type { FastifyInstance } from "fastify";
import type { Kysely } from "kysely";
import WebSocket from "ws";
import * as Y from "yjs";
import { WebsocketProvider } from "y-websocket";
import * as encoding from "lib0/encoding";
import * as decoding from "lib0/decoding";
import type { Database } from "../../src/db/database";
import type { StandardRow } from "../../src/db/tables/standards";
import { createSection } from "../../src/domain/sections";
import { loadRoomDoc } from "../../src/domain/room-log";

// Each y-websocket provider listens for the process's exit; tests keep many open at once.
process.setMaxListeners(100);

/** Listens on a free port; returns the base URL of the sync endpoint. */
export async function listenSync(app: FastifyInstance): Promise<string> {
  await app.listen({ port: 0, host: "127.0.0.1" });
  return `ws://127.0.0.1:${(app.server.address() as AddressInfo).port}/sync`;
}

/** How a client authenticates: an API token, or a session cookie with an Origin header. */
export interface ClientAuth {
  token?: string;
  cookie?: string;
  origin?: string;
}

export interface Client {
  doc: Y.Doc;
  provider: WebsocketProvider;
  /** Every update the server sent this client, as the client applied it. */
  received: Uint8Array[];
  /** Close events of every connection, in order. */
  closes: { code: number; reason: string }[];
  synced(): Promise<void>;
  destroy(): void;
}

function headersFor(auth: ClientAuth): Record<string, string> {
  const headers: Record<string, string> = {};
  if (auth.cookie) headers.cookie = auth.cookie;
  if (auth.origin) headers.origin = auth.origin;
  return headers;
}

/** A stock y-websocket client. `reconnect: false` stops after the first close. */
export function connectClient(base: string, room: string, auth: ClientAuth = {}, options: { reconnect?: boolean } = {}): Client {
  const doc = new Y.Doc();
  const headers = headersFor(auth);
  class HeaderSocket extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols, { headers });
    }
  }
  const provider = new WebsocketProvider(base, room, doc, {
    WebSocketPolyfill: HeaderSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
    params: auth.token ? { token: auth.token } : {},
    maxBackoffTime: 300,
    shouldReconnect: () => options.reconnect ?? true,
  });
  const client: Client = {
    doc,
    provider,
    received: [],
    closes: [],
    synced: () => waitFor(() => provider.synced, "client synced"),
    destroy: () => {
      provider.destroy();
      provider.awareness.destroy();
      doc.destroy();
    },
  };
  provider.on("connection-close", (event) => {
    if (event) client.closes.push({ code: event.code, reason: event.reason });
  });
  doc.on("update", (update: Uint8Array, origin: unknown) => {
    if (origin === provider) client.received.push(update);
  });
  return client;
}

/** Polls `check` until it holds; throws with `what` after `timeoutMs`. */
export async function waitFor(check: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Like waitFor, for a check that has to ask the database. */
export async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Appends a paragraph holding `text` to the section body. */
export function appendParagraph(doc: Y.Doc, text: string): void {
  doc.transact(() => {
    const paragraph = new Y.XmlElement("paragraph");
    paragraph.insert(0, [new Y.XmlText(text)]);
    doc.getXmlFragment("body").push([paragraph]);
  });
}

/** The body as XML text, to compare documents and find typed text. */
export const bodyXml = (doc: Y.Doc) => doc.getXmlFragment("body").toString();

/** A section of `standard` with a one-paragraph body; returns its room. */
export async function makeSection(db: Kysely<Database>, standard: StandardRow, text = "Initial text."): Promise<string> {
  const label = `S-${Math.random().toString(36).slice(2, 8)}`;
  const section = await db.transaction().execute((trx) =>
    createSection(trx, standard, { label, title: "A section", content: { type: "doc", content: [{ type: "paragraph", content: [{ type: "text", text }] }] } }, null),
  );
  return section.room;
}

/** The room's document as stored in the database. */
export async function storedBodyXml(db: Kysely<Database>, room: string): Promise<string> {
  const doc = await loadRoomDoc(db, room);
  const xml = bodyXml(doc);
  doc.destroy();
  return xml;
}

export async function logRowCount(db: Kysely<Database>, room: string): Promise<number> {
  const row = await db.selectFrom("room_updates").select((eb) => eb.fn.countAll<string>().as("n")).where("room", "=", room).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** A raw websocket to a room, for speaking the protocol by hand. */
export interface RawSocket {
  ws: WebSocket;
  /** Every frame the server sent. */
  frames: Uint8Array[];
  closed: Promise<{ code: number; reason: string }>;
  send(frame: Uint8Array): void;
}

export function rawSocket(base: string, room: string, auth: ClientAuth = {}): Promise<RawSocket> {
  const url = `${base}/${room}${auth.token ? `?token=${encodeURIComponent(auth.token)}` : ""}`;
  const ws = new WebSocket(url, { headers: headersFor(auth) });
  const frames: Uint8Array[] = [];
  ws.on("message", (data: Buffer) => frames.push(new Uint8Array(data)));
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on("close", (code, reason) => resolve({ code, reason: reason.toString() })));
  return new Promise((resolve, reject) => {
    ws.on("open", () => resolve({ ws, frames, closed, send: (f) => ws.send(f) }));
    ws.on("error", reject);
  });
}

/** The HTTP status with which the server refuses an upgrade; throws if it upgrades. */
export function refusedStatus(base: string, room: string, auth: ClientAuth = {}): Promise<number> {
  const url = `${base}/${room}${auth.token ? `?token=${encodeURIComponent(auth.token)}` : ""}`;
  const ws = new WebSocket(url, { headers: headersFor(auth) });
  return new Promise((resolve, reject) => {
    ws.on("unexpected-response", (_req, res) => {
      resolve(res.statusCode ?? 0);
      res.resume();
      ws.terminate();
    });
    ws.on("open", () => {
      ws.terminate();
      reject(new Error("the upgrade was accepted"));
    });
    ws.on("error", () => {});
  });
}

/** Frames of the y-websocket protocol, written by hand. */
export const frames = {
  update(update: Uint8Array): Uint8Array {
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, 0);
    encoding.writeVarUint(e, 2);
    encoding.writeVarUint8Array(e, update);
    return encoding.toUint8Array(e);
  },
  syncStep2(update: Uint8Array): Uint8Array {
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, 0);
    encoding.writeVarUint(e, 1);
    encoding.writeVarUint8Array(e, update);
    return encoding.toUint8Array(e);
  },
  syncStep1(doc: Y.Doc): Uint8Array {
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, 0);
    encoding.writeVarUint(e, 0);
    encoding.writeVarUint8Array(e, Y.encodeStateVector(doc));
    return encoding.toUint8Array(e);
  },
  awareness(entries: { clientId: number; clock: number; state: unknown }[]): Uint8Array {
    const inner = encoding.createEncoder();
    encoding.writeVarUint(inner, entries.length);
    for (const en of entries) {
      encoding.writeVarUint(inner, en.clientId);
      encoding.writeVarUint(inner, en.clock);
      encoding.writeVarString(inner, JSON.stringify(en.state));
    }
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, 1);
    encoding.writeVarUint8Array(e, encoding.toUint8Array(inner));
    return encoding.toUint8Array(e);
  },
};

/** The kind of a frame the server sent: "sync:2" for an update, "awareness", … */
export function frameKind(frame: Uint8Array): string {
  const d = decoding.createDecoder(frame);
  const type = decoding.readVarUint(d);
  return type === 0 ? `sync:${decoding.readVarUint(d)}` : type === 1 ? "awareness" : String(type);
}

/** An update from a fresh document that appends `text` as a paragraph. */
export function paragraphUpdate(text: string): Uint8Array {
  const doc = new Y.Doc();
  appendParagraph(doc, text);
  const update = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return update;
}
