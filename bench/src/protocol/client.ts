import WebSocket from "ws";
import * as Y from "yjs";
import * as decoding from "lib0/decoding";
import {
  AUTH,
  MESSAGE_AUTH,
  MESSAGE_AWARENESS,
  MESSAGE_SYNC,
  MESSAGE_SYNC_REPLY,
  SYNC_STEP1,
  SYNC_STEP2,
  SYNC_UPDATE,
  encodeAuth,
  encodeAwareness,
  encodeSyncStep1,
  encodeSyncStep2,
  encodeUpdate,
  readFrameHead,
  type Framing,
} from "./framing";
import { LedgerCursor, type Ledger } from "./ledger";
import type { Typist } from "./typist";

const EMPTY_UPDATE = Y.encodeStateAsUpdate(new Y.Doc());
const EMPTY_STATE_VECTOR = Y.encodeStateVector(new Y.Doc());

export interface ClientOptions {
  url: string;
  framing: Framing;
  /** Apply every update to a full document, and report latencies to this ledger. */
  probe?: Ledger;
  /** Apply the first sync's state to a full document but nothing after (a verifier). */
  applyState?: boolean;
  /** The typist whose content this connection carries. */
  typist?: Typist;
  /** How long `connect` waits for the first sync; default 30 s. */
  timeoutMs?: number;
}

/**
 * One websocket connection speaking the sync protocol directly. A plain client only reads
 * frames (counting them, replying to the server's sync step 1); a probe also applies them
 * to a full document. `connect` resolves once the server's sync step 2 has arrived.
 */
export class SyncClient {
  readonly doc: Y.Doc | null;
  private readonly cursor: LedgerCursor | null;
  private ws: WebSocket | null = null;
  framesIn = 0;
  bytesIn = 0;
  updatesIn = 0;
  awarenessIn = 0;
  connectedAt: number | null = null;
  syncedAt: number | null = null;
  /** Set when the connection failed or was closed by the server. */
  failure: string | null = null;
  private applied = false;

  constructor(readonly options: ClientOptions) {
    this.doc = options.probe || options.applyState ? new Y.Doc() : null;
    this.cursor = options.probe ? new LedgerCursor(options.probe) : null;
    if (this.doc && this.cursor) {
      const cursor = this.cursor;
      this.doc.on("afterTransaction", (tr: Y.Transaction) => {
        const now = performance.now();
        for (const [client, clock] of tr.afterState) {
          if (tr.beforeState.get(client) !== clock) cursor.observe(client, clock, now);
        }
      });
    }
  }

  get open(): boolean {
    return this.ws !== null && this.ws.readyState === WebSocket.OPEN;
  }

  get synced(): boolean {
    return this.syncedAt !== null;
  }

  /** Opens (or reopens) the connection; resolves on the first sync step 2, rejects on failure or timeout. */
  connect(): Promise<void> {
    this.syncedAt = null;
    this.failure = null;
    const { url, framing, timeoutMs = 30_000 } = this.options;
    return new Promise<void>((resolve, reject) => {
      const ws = new WebSocket(url, { perMessageDeflate: false, handshakeTimeout: timeoutMs });
      this.ws = ws;
      let settled = false;
      const settle = (err?: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (err) reject(err);
        else resolve();
      };
      const timer = setTimeout(() => {
        this.failure = `no sync within ${timeoutMs} ms`;
        settle(new Error(this.failure));
        ws.terminate();
      }, timeoutMs);
      ws.on("unexpected-response", (_req, res) => {
        this.failure = `HTTP ${res.statusCode} on upgrade`;
        settle(new Error(`${this.failure} (${url.replace(/token=[^&]+/, "token=…")})`));
        ws.terminate();
      });
      ws.on("error", (err) => {
        this.failure ??= err.message;
        settle(err);
      });
      ws.on("close", (code, reason) => {
        if (this.ws === ws && !this.failure && code !== 1000 && code !== 1005) this.failure = `closed ${code} ${reason.toString()}`;
        settle(new Error(this.failure ?? `closed ${code} before sync`));
      });
      ws.on("open", () => {
        this.connectedAt = performance.now();
        if (framing.kind === "hocuspocus") ws.send(encodeAuth(framing));
        const doc = this.doc ?? this.options.typist?.doc;
        ws.send(encodeSyncStep1(framing, doc ? Y.encodeStateVector(doc) : EMPTY_STATE_VECTOR));
      });
      ws.on("message", (data: Buffer) => {
        try {
          this.receive(data);
        } catch (err) {
          this.failure = `bad frame: ${(err as Error).message}`;
          settle(new Error(this.failure));
          ws.terminate();
          return;
        }
        if (this.syncedAt !== null) settle();
      });
    });
  }

  private receive(data: Buffer): void {
    this.framesIn++;
    this.bytesIn += data.length;
    const { framing } = this.options;
    const head = readFrameHead(data, framing);
    switch (head.type) {
      case MESSAGE_SYNC:
      case MESSAGE_SYNC_REPLY: {
        if (head.subtype === SYNC_STEP1) {
          const stateVector = decoding.readVarUint8Array(head.decoder);
          const doc = this.doc ?? this.options.typist?.doc;
          this.send(encodeSyncStep2(framing, doc ? Y.encodeStateAsUpdate(doc, stateVector) : EMPTY_UPDATE));
        } else if (head.subtype === SYNC_STEP2 || head.subtype === SYNC_UPDATE) {
          // The sync time is the arrival of the state; applying it is the client's own cost.
          if (head.subtype === SYNC_STEP2) this.syncedAt ??= performance.now();
          else this.updatesIn++;
          if (this.doc && (this.cursor || !this.applied)) {
            Y.applyUpdate(this.doc, decoding.readVarUint8Array(head.decoder), "server");
            this.applied = head.subtype === SYNC_STEP2 || this.applied;
          }
        }
        break;
      }
      case MESSAGE_AWARENESS:
        this.awarenessIn++;
        break;
      case MESSAGE_AUTH:
        if (head.subtype === AUTH.permissionDenied) throw new Error("permission denied");
        break;
      default:
        break;
    }
  }

  send(message: Uint8Array): boolean {
    const ws = this.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) return false;
    ws.send(message);
    return true;
  }

  /** Sends the typist's next character; false when the socket is not open (the server gets it on resync). */
  typeOne(now: number): boolean {
    const typist = this.options.typist!;
    const update = typist.type(now);
    return this.send(encodeUpdate(this.options.framing, update));
  }

  sendAwareness(): boolean {
    const typist = this.options.typist!;
    return this.send(encodeAwareness(this.options.framing, typist.clientId, ++typist.awarenessClock, typist.awarenessState()));
  }

  /** Sends bytes that are already a Yjs update (used to upload a trace). */
  sendUpdate(update: Uint8Array): boolean {
    return this.send(encodeUpdate(this.options.framing, update));
  }

  /** Drops the socket without a closing handshake, as a network failure would. */
  terminate(): void {
    this.ws?.terminate();
  }

  close(): Promise<void> {
    const ws = this.ws;
    if (!ws || ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        ws.terminate();
        resolve();
      }, 2000);
      ws.once("close", () => {
        clearTimeout(timer);
        resolve();
      });
      ws.close(1000);
    });
  }

  /** The number of a typist's sends this probe has not seen. */
  missing(clientId: number): number {
    return this.cursor ? this.cursor.missing(clientId) : 0;
  }
}
