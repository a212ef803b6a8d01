import * as Y from "yjs";
import type { Kysely } from "kysely";
import type { Database } from "../db/database";
import { appendAfter, type LogRow } from "../domain/room-log";

/**
 * Runs a room's database work one task at a time, in order: stores, reads of what other processes
 * stored, compaction. A failed task does not stop the ones after it.
 */
export class SerialQueue {
  #tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(task);
    this.#tail = result.catch(() => {});
    return result;
  }

  /** Resolves when every task queued so far has finished. */
  drained(): Promise<void> {
    return this.#tail.then(() => {});
  }
}

/** An accepted update on its way to the log. */
export interface StoredUpdate {
  update: Uint8Array;
  authorId: string | null;
}

export interface StoredBatch {
  /** The seq of the last row written. */
  lastSeq: bigint;
  /** Rows written: one per author. */
  rows: number;
  /** Rows other writers stored between what the room had seen and this batch. */
  earlier: LogRow[];
}

/**
 * Group commit: stores a tick's updates in one statement (one round trip, atomic), one row per
 * author (their updates merged, so attribution is kept). `knownSeq` is the last seq the room has applied.
 * Throws whatever the database throws; then nothing was stored.
 */
export async function storeBatch(db: Kysely<Database>, room: string, knownSeq: bigint, batch: StoredUpdate[]): Promise<StoredBatch> {
  const byAuthor = new Map<string | null, Uint8Array[]>();
  for (const u of batch) {
    const list = byAuthor.get(u.authorId);
    if (list) list.push(u.update);
    else byAuthor.set(u.authorId, [u.update]);
  }
  const rows = [...byAuthor].map(([authorId, updates]) => ({ authorId, data: updates.length === 1 ? updates[0]! : Y.mergeUpdates(updates) }));
  const { seqs, earlier } = await appendAfter(db, room, knownSeq, rows);
  return { lastSeq: seqs[seqs.length - 1]!, rows: rows.length, earlier };
}
