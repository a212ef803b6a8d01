import * as Y from "yjs";
import { applyStoredState, type RoomSnapshot, type StoredRoomState } from "../domain/room-log";

/**
 * A room's stored state in memory. Loaded from a snapshot alone, it stays encoded until something
 * needs the document (a change, a client that already holds part of it): a section opened only to
 * be read is answered from the snapshot's bytes without integrating its history. The full state is
 * encoded at most once per change, however many clients join.
 */
export class RoomDocument {
  #doc: Y.Doc | null = null;
  /** The stored state to build the document from, until it is built. */
  #unbuilt: StoredRoomState | null;
  /** The whole state encoded as one update; null once a change made it stale. */
  #encoded: Uint8Array | null = null;
  /** The state vector while the document is not built. */
  #stateVector: Uint8Array | null = null;
  #snapshot: Y.Snapshot | null = null;

  /**
   * @param stored what the log holds; with a snapshot and no rows after it, the document is built
   *   only when first needed
   * @param origin the transaction origin of applying the stored state
   */
  constructor(
    stored: StoredRoomState,
    private readonly origin: unknown,
  ) {
    this.#unbuilt = stored;
    if (stored.snapshot && stored.rows.length === 0) {
      this.#encoded = stored.snapshot.state;
      this.#stateVector = stored.snapshot.stateVector;
    }
  }

  /** True once the document is in memory. */
  get built(): boolean {
    return this.#doc !== null;
  }

  /** The document, built now if it is not yet. Callers must not change it except through `apply`. */
  get doc(): Y.Doc {
    if (this.#doc) return this.#doc;
    const doc = new Y.Doc({ gc: false });
    if (this.#unbuilt) applyStoredState(doc, this.#unbuilt, this.origin);
    this.#unbuilt = null;
    this.#stateVector = null;
    this.#doc = doc;
    return doc;
  }

  stateVector(): Uint8Array {
    return this.#stateVector ?? Y.encodeStateVector(this.doc);
  }

  /** The whole state as one update. */
  encoded(): Uint8Array {
    this.#encoded ??= Y.encodeStateAsUpdate(this.doc);
    return this.#encoded;
  }

  /** What a client holding `stateVector` lacks. */
  diffFor(stateVector: Uint8Array): Uint8Array {
    if (isEmptyStateVector(stateVector)) return this.encoded();
    return Y.encodeStateAsUpdate(this.doc, stateVector);
  }

  /** A Yjs snapshot of the current state (cached until the next change). */
  snapshot(): Y.Snapshot {
    this.#snapshot ??= Y.snapshot(this.doc);
    return this.#snapshot;
  }

  /** Applies a stored change. */
  apply(update: Uint8Array, origin: unknown): void {
    Y.applyUpdate(this.doc, update, origin);
    this.#encoded = null;
    this.#snapshot = null;
  }

  /** The current state as a snapshot row at `seq` (the seq of the last row it holds). */
  snapshotAt(seq: bigint): RoomSnapshot {
    return { seq, state: this.encoded(), stateVector: this.stateVector() };
  }

  destroy(): void {
    this.#doc?.destroy();
    this.#unbuilt = null;
    this.#encoded = null;
  }
}

/** True for the state vector of an empty document (a client that holds nothing yet). */
export function isEmptyStateVector(stateVector: Uint8Array): boolean {
  // A state vector starts with its number of entries, a varint: zero is the single byte 0.
  return stateVector.length >= 1 && stateVector[0] === 0;
}
