import * as Y from "yjs";
import { documentTooLarge, malformed } from "./refusals";

/** What staging an update found. */
export type StageResult =
  /** New content: `update` holds only what is new, re-encoded by Yjs from what it integrated. */
  | { kind: "accepted"; update: Uint8Array }
  /** Nothing the room does not already have. */
  | { kind: "unchanged" }
  /** It builds on content the room lacks (an update overtook its predecessor); ask the client to resync. */
  | { kind: "missing" };

/** The origin of Yjs transactions on the staging replica; never seen outside this module. */
const STAGING = Symbol("staging");

/**
 * The scratch replica every incoming update is tried on before it reaches a room: the room's stored
 * state plus the updates accepted but not yet stored. `Y.applyUpdate` can throw half-way through
 * with the document already changed, so whenever an update fails here the replica is thrown away
 * and rebuilt from the stored document; the room itself is never touched.
 */
export class Staging {
  #doc: Y.Doc;
  /** Upper bound of the encoded size; recomputed exactly when it crosses the limit. */
  #bytes = 0;

  /**
   * @param committed the room's document, holding exactly what is stored
   * @param pending the updates accepted but not yet stored, in order
   * @param maxBytes the largest encoded document allowed
   */
  constructor(
    private readonly committed: Y.Doc,
    private readonly pending: () => readonly Uint8Array[],
    private readonly maxBytes: number,
  ) {
    this.#doc = this.rebuild();
  }

  /** The state vector of stored plus accepted content. */
  stateVector(): Uint8Array {
    return Y.encodeStateVector(this.#doc);
  }

  /**
   * Tries an update. Throws SyncRefusal `malformed_message` when it is not a valid Yjs update,
   * `document_too_large` when the result would exceed the limit; in both cases the replica is
   * rebuilt as it was.
   */
  stage(update: Uint8Array): StageResult {
    let meta: { from: Map<number, number> };
    try {
      meta = Y.parseUpdateMeta(update);
    } catch {
      throw malformed("The update is not a valid Yjs update.");
    }
    // The usual gap (a client's update overtaking its own earlier one) is seen without applying anything.
    for (const [client, clock] of meta.from) {
      if (clock > Y.getState(this.#doc.store, client)) return { kind: "missing" };
    }
    let effective: Uint8Array | null = null;
    const capture = (u: Uint8Array) => {
      effective = effective ? Y.mergeUpdates([effective, u]) : u;
    };
    this.#doc.on("update", capture);
    let failed = false;
    try {
      Y.applyUpdate(this.#doc, update, STAGING);
    } catch {
      failed = true;
    } finally {
      this.#doc.off("update", capture);
    }
    if (failed) {
      this.reset();
      throw malformed("The update is not a valid Yjs update.");
    }
    if (this.#doc.store.pendingStructs || this.#doc.store.pendingDs) {
      this.reset();
      return { kind: "missing" };
    }
    if (effective === null) return { kind: "unchanged" };
    const accepted: Uint8Array = effective;
    this.#bytes += accepted.length;
    if (this.#bytes > this.maxBytes) {
      this.#bytes = Y.encodeStateAsUpdate(this.#doc).length;
      if (this.#bytes > this.maxBytes) {
        this.reset();
        throw documentTooLarge();
      }
    }
    return { kind: "accepted", update: accepted };
  }

  /** Adds stored content the room learnt from the log (other processes, server writes). */
  absorb(update: Uint8Array): void {
    Y.applyUpdate(this.#doc, update, STAGING);
    this.#bytes += update.length;
  }

  /** Rebuilds the replica from the stored document and the pending updates. */
  reset(): void {
    this.#doc.destroy();
    this.#doc = this.rebuild();
  }

  destroy(): void {
    this.#doc.destroy();
  }

  private rebuild(): Y.Doc {
    const doc = new Y.Doc({ gc: false });
    const base = Y.encodeStateAsUpdate(this.committed);
    Y.applyUpdate(doc, base, STAGING);
    this.#bytes = base.length;
    for (const u of this.pending()) {
      Y.applyUpdate(doc, u, STAGING);
      this.#bytes += u.length;
    }
    return doc;
  }
}

/**
 * True when `update` holds content or deletions that `snapshot` lacks. Used for connections that
 * may not write: a sync step 2 that brings nothing new is harmless, anything else is refused.
 * Throws SyncRefusal `malformed_message` when it is not a Yjs update.
 */
export function carriesNews(snapshot: Y.Snapshot, update: Uint8Array): boolean {
  try {
    Y.parseUpdateMeta(update);
    return !Y.snapshotContainsUpdate(snapshot, update);
  } catch {
    throw malformed("The update is not a valid Yjs update.");
  }
}
