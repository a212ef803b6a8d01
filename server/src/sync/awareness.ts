import { createHash } from "node:crypto";
import * as Y from "yjs";
import { Awareness, applyAwarenessUpdate, encodeAwarenessUpdate as encodeStates, removeAwarenessStates } from "y-protocols/awareness";
import type { PresenceRole } from "../domain/access";
import { awarenessFrame, encodeAwarenessUpdate, type AwarenessEntry } from "./protocol";
import { presenceSpoofed, presenceTooLarge, tooManyPresences } from "./refusals";

/** Who a presence belongs to, as the server knows it. Written over whatever `user` the client claims. */
export interface PresenceIdentity {
  id: string;
  name: string;
  color: string;
  role: PresenceRole;
}

/** A connection as presence sees it. */
export interface PresenceMember {
  /** Null for anonymous readers: they see others but are not shown. */
  readonly identity: PresenceIdentity | null;
  /** The awareness client ids this member introduced; filled in by Presence. */
  readonly presenceIds: Set<number>;
  /** Pays for states of `bytes` the room is about to relay for it; throws SyncRefusal when it cannot. */
  chargePresenceBytes(bytes: number): void;
}

/** A y-websocket client uses one id (its document's clientID); a little slack for odd clients. */
const MAX_PRESENCE_IDS = 4;

/**
 * Room for the identity the server writes into a state (a display name of 300 characters and
 * more): a client passes others' stamped states back to the server, and those must still decode.
 */
export const IDENTITY_BYTES = 2048;

const PALETTE = ["#d1495b", "#00798c", "#edae49", "#66a182", "#2e4057", "#8d6a9f", "#c8553d", "#3d5a80", "#588b8b", "#b5838d", "#6d597a", "#e07a5f"];

/** A stable colour per user, so a person looks the same in every room. */
export function colorFor(userId: string): string {
  return PALETTE[createHash("sha256").update(userId).digest()[0]! % PALETTE.length]!;
}

/**
 * A room's presence: y-protocols awareness with two rules added. The server stamps each state with
 * the member's authenticated identity, and a member may only speak for client ids it introduced.
 * Changes are sent to everyone (the sender too: y-websocket counts its own echo as a sign of life)
 * as one frame holding the latest state of each client that changed: at the end of the tick of
 * the first change, then at most once per `intervalMs`, however often clients send.
 */
export class Presence {
  readonly awareness: Awareness;
  readonly #owners = new Map<number, PresenceMember>();
  readonly #dirty = new Set<number>();
  #cancel: (() => void) | null = null;
  #lastFlush = Number.NEGATIVE_INFINITY;
  readonly #onUpdate = ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }) => {
    for (const id of [...added, ...updated, ...removed]) this.#dirty.add(id);
    this.schedule();
  };

  /**
   * @param broadcast sends a frame to every member of the room
   * @param intervalMs the least time between two frames; 0: one frame per tick
   * @param maxStateBytes the largest state a member may set (its JSON, before the identity is written in)
   */
  constructor(
    private readonly broadcast: (frame: Uint8Array) => void,
    private readonly intervalMs = 0,
    private readonly maxStateBytes = Number.POSITIVE_INFINITY,
  ) {
    // Awareness only needs a document for the server's own client id; the room's own document may not be built.
    this.awareness = new Awareness(new Y.Doc());
    // The server itself is not present.
    this.awareness.setLocalState(null);
    this.awareness.on("update", this.#onUpdate);
  }

  /**
   * Applies what a member says about presence. Entries for its own ids are stamped, paid for by the
   * member and applied; stale echoes of others' states (stock clients send them) are dropped; a
   * newer state for an id another member owns throws SyncRefusal `presence_spoofed`, and a state
   * of its own larger than the limit `presence_too_large`.
   */
  receive(member: PresenceMember, entries: AwarenessEntry[]): void {
    if (!member.identity) return;
    const accepted: AwarenessEntry[] = [];
    for (const entry of entries) {
      const owner = this.#owners.get(entry.clientId);
      const known = this.awareness.meta.get(entry.clientId)?.clock;
      if (owner === member) {
        accepted.push(this.stamp(member.identity, entry));
      } else if (owner) {
        if (entry.clock > (known ?? 0)) throw presenceSpoofed();
      } else if (entry.state !== null && (known === undefined || entry.clock > known)) {
        if (member.presenceIds.size >= MAX_PRESENCE_IDS) throw tooManyPresences();
        this.#owners.set(entry.clientId, member);
        member.presenceIds.add(entry.clientId);
        accepted.push(this.stamp(member.identity, entry));
      }
    }
    if (accepted.length === 0) return;
    const update = encodeAwarenessUpdate(accepted);
    member.chargePresenceBytes(update.length);
    applyAwarenessUpdate(this.awareness, update, member);
  }

  /** Every present client's state as one frame, for a newcomer; null when nobody is present. */
  currentFrame(): Uint8Array | null {
    const ids = [...this.awareness.getStates().keys()];
    return ids.length === 0 ? null : awarenessFrame(encodeStates(this.awareness, ids));
  }

  /** Removes the member's presences (it left) and tells the others. */
  leave(member: PresenceMember): void {
    const ids = [...member.presenceIds];
    for (const id of ids) this.#owners.delete(id);
    member.presenceIds.clear();
    if (ids.length > 0) removeAwarenessStates(this.awareness, ids, "left");
  }

  /** Stops the awareness timer and any pending frame. */
  destroy(): void {
    this.awareness.off("update", this.#onUpdate);
    this.#cancel?.();
    this.#cancel = null;
    this.awareness.destroy();
  }

  private schedule(): void {
    if (this.#cancel) return;
    const wait = this.#lastFlush + this.intervalMs - performance.now();
    if (wait <= 0) {
      const immediate = setImmediate(() => this.flush());
      this.#cancel = () => clearImmediate(immediate);
    } else {
      const timer = setTimeout(() => this.flush(), wait);
      this.#cancel = () => clearTimeout(timer);
    }
  }

  private stamp(identity: PresenceIdentity, entry: AwarenessEntry): AwarenessEntry {
    if (entry.state === null) return entry;
    if (Buffer.byteLength(JSON.stringify(entry.state)) > this.maxStateBytes) throw presenceTooLarge();
    return { ...entry, state: { ...entry.state, user: identity } };
  }

  private flush(): void {
    this.#cancel = null;
    this.#lastFlush = performance.now();
    const ids = [...this.#dirty];
    this.#dirty.clear();
    if (ids.length > 0) this.broadcast(awarenessFrame(encodeStates(this.awareness, ids)));
  }
}
