import type { RawData, WebSocket } from "ws";
import type { Limits } from "../config";
import type { RoomRights } from "../domain/room-grants";
import { IDENTITY_BYTES, type PresenceIdentity, type PresenceMember } from "./awareness";
import type { Budgets, ConnectionBudget } from "./budget";
import type { SyncLogger } from "./log";
import { awarenessFrame, decodeMessage, encodeAwarenessUpdate, syncStep1Frame, type IncomingMessage } from "./protocol";
import { CloseCode, emailUnverified, fallingBehind, internalError, malformed, readOnly, SyncRefusal } from "./refusals";
import type { Room } from "./room";

/** What the checks before the upgrade established about a connection. */
export interface Ticket {
  /** Null for an anonymous reader. */
  userId: string | null;
  /** The hash of the session or token used; a session's connections close when it ends. */
  credentialHash: string | null;
  via: "session" | "token" | "anonymous";
  standardId: string;
  rights: RoomRights;
  /** Null for an anonymous reader, who sees presence but is not shown. */
  identity: PresenceIdentity | null;
}

/** Updates that arrive before what they build on are answered with a resync this many times. */
const MISSING_BUDGET = 16;
/** A closed connection whose peer does not finish the closing handshake is cut after this long, ms. */
const CLOSE_GRACE_MS = 2000;

let nextId = 1;

function toBytes(data: RawData): Uint8Array {
  // Copies: a frame may be a view into a pooled buffer, and decoders must not see past it.
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data));
  return new Uint8Array(data);
}

/**
 * One websocket in one room. Decodes each frame, charges it to the connection's budget, enforces
 * the connection's rights, and hands updates and presence to the room. Any refusal closes the
 * connection with its code and reason; nothing it sends after that is read.
 */
export class Connection implements PresenceMember {
  readonly id = nextId++;
  readonly presenceIds = new Set<number>();
  #closed = false;
  #answeredPing = true;
  #missingBudget = MISSING_BUDGET;
  readonly #budget: ConnectionBudget;

  constructor(
    readonly ws: WebSocket,
    readonly room: Room,
    readonly ticket: Ticket,
    private readonly limits: Limits,
    private readonly budgets: Budgets,
    private readonly log: SyncLogger,
  ) {
    this.#budget = budgets.open(ticket.userId);
    ws.on("message", (data, isBinary) => this.onMessage(data, isBinary));
    ws.on("close", () => this.onClosed());
    ws.on("pong", () => {
      this.#answeredPing = true;
    });
  }

  get identity(): PresenceIdentity | null {
    return this.ticket.identity;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Sends a frame unless closed. A client that lets too much pile up is closed (1013). */
  send(frame: Uint8Array): void {
    if (this.#closed || this.ws.readyState !== this.ws.OPEN) return;
    if (this.ws.bufferedAmount > this.limits.messageBytes * 8 + frame.length) {
      this.close(fallingBehind());
      return;
    }
    this.ws.send(frame);
  }

  /** Sends a frame of the room's presence broadcast: the client's echo of it is not charged to it. */
  sendPresence(frame: Uint8Array): void {
    if (this.#closed) return;
    this.#budget.heardPresence();
    this.send(frame);
  }

  chargePresenceBytes(bytes: number): void {
    this.#budget.chargePresenceBytes(bytes);
  }

  sendSyncStep1(stateVector: Uint8Array): void {
    this.send(syncStep1Frame(stateVector));
  }

  /** Closes with the refusal's code and reason and leaves the room at once. Idempotent. */
  close(refusal: SyncRefusal): void {
    if (this.#closed) return;
    this.#closed = true;
    if (refusal.closeCode === CloseCode.tooManyRequests) this.budgets.exceeded(this.ticket.userId, this.#budget);
    this.ws.close(refusal.closeCode, refusal.reason);
    // A flooding peer may never answer the close; its frames are not read, but still arrive.
    setTimeout(() => {
      if (this.ws.readyState !== this.ws.CLOSED) this.ws.terminate();
    }, CLOSE_GRACE_MS).unref();
    this.room.leave(this);
  }

  /** Keep-alive: pings, or drops a connection that did not answer the previous ping. */
  ping(): void {
    if (this.#closed) return;
    if (!this.#answeredPing) {
      this.ws.terminate();
      this.onClosed();
      return;
    }
    this.#answeredPing = false;
    this.ws.ping();
  }

  private onClosed(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.room.leave(this);
  }

  private onMessage(data: RawData, isBinary: boolean): void {
    if (this.#closed) return;
    try {
      if (!isBinary) throw malformed("Text frames are not part of the protocol.");
      const frame = toBytes(data);
      // Others' states come back from stock clients with the identity the server wrote into them.
      this.dispatch(decodeMessage(frame, this.limits.messageBytes, this.limits.presenceStateBytes + IDENTITY_BYTES), frame.length);
    } catch (err) {
      if (err instanceof SyncRefusal) {
        this.log.info({ room: this.room.name, user: this.ticket.userId, refusal: err.id }, "sync connection refused a message");
        this.close(err);
      } else {
        this.log.error({ err, room: this.room.name }, "sync message failed");
        this.close(internalError());
      }
    }
  }

  /** Charges the message to the budget first: a refused one costs no staging, validation or answer. */
  private dispatch(message: IncomingMessage, bytes: number): void {
    switch (message.type) {
      case "syncStep1":
        this.#budget.chargeSync(bytes);
        this.send(this.room.syncStep2For(message.stateVector));
        return;
      case "syncStep2":
      case "update":
        this.#budget.chargeSync(bytes);
        if (!this.ticket.rights.write) {
          // A reader's sync step 2 normally brings nothing new; anything else is a write attempt.
          if (this.room.carriesNews(message.update)) throw this.ticket.rights.unverified ? emailUnverified() : readOnly();
          return;
        }
        if (this.room.receive(this, message.update) === "missing") {
          if (--this.#missingBudget < 0) throw malformed("Too many updates arrived before what they build on.");
          this.sendSyncStep1(this.room.acceptedStateVector());
        }
        return;
      case "awareness":
        this.#budget.chargePresence();
        if (this.identity) this.room.presence.receive(this, message.entries);
        // An anonymous reader is not shown; its own state comes back to it only, as a sign of life.
        else this.send(awarenessFrame(encodeAwarenessUpdate(message.entries)));
        return;
      case "queryAwareness": {
        this.#budget.chargePresence();
        const frame = this.room.presence.currentFrame();
        if (frame) this.send(frame);
        return;
      }
    }
  }
}
