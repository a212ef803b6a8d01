import * as Y from "yjs";
import type { Kysely } from "kysely";
import type { Database } from "../db/database";
import { appendToRooms, type LoggedUpdate, type LogRow } from "../domain/room-log";

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
 * How a room's batch reaches the log: group commit, one row per author (their updates merged, so
 * attribution is kept), atomic. `knownSeq` is the last seq the room has applied. Rejects with
 * whatever the database throws; then nothing of the batch was stored.
 */
export interface LogWriter {
  store(room: string, knownSeq: bigint, batch: StoredUpdate[]): Promise<StoredBatch>;
}

/** The rows a batch becomes: one per author, in the order authors first appear. */
function rowsOf(batch: StoredUpdate[]): LoggedUpdate[] {
  const byAuthor = new Map<string | null, Uint8Array[]>();
  for (const u of batch) {
    const list = byAuthor.get(u.authorId);
    if (list) list.push(u.update);
    else byAuthor.set(u.authorId, [u.update]);
  }
  return [...byAuthor].map(([authorId, updates]) => ({ authorId, data: updates.length === 1 ? updates[0]! : Y.mergeUpdates(updates) }));
}

interface Waiting {
  room: string;
  knownSeq: bigint;
  rows: LoggedUpdate[];
  resolve(stored: StoredBatch): void;
  reject(err: unknown): void;
}

/**
 * The batches of every room that stores in the same tick go in one statement: with many busy rooms,
 * a statement per room is what limits throughput (PGlite has one connection; PostgreSQL pays a
 * round trip and a commit each). While a statement runs, the next one gathers. A failed statement
 * fails every batch in it (each room pauses and recovers on its own). A room has at most one batch
 * in flight (its queue waits), so it appears once per statement.
 */
export class SharedLogWriter implements LogWriter {
  #waiting: Waiting[] = [];
  #scheduled = false;
  #running = false;

  constructor(private readonly db: Kysely<Database>) {}

  store(room: string, knownSeq: bigint, batch: StoredUpdate[]): Promise<StoredBatch> {
    return new Promise((resolve, reject) => {
      this.#waiting.push({ room, knownSeq, rows: rowsOf(batch), resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.#scheduled || this.#running) return;
    this.#scheduled = true;
    setImmediate(() => void this.run());
  }

  private async run(): Promise<void> {
    this.#scheduled = false;
    this.#running = true;
    const jobs = this.#waiting;
    this.#waiting = [];
    try {
      const stored = await appendToRooms(
        this.db,
        jobs.map((j) => ({ room: j.room, knownSeq: j.knownSeq, updates: j.rows })),
      );
      for (const j of jobs) {
        const { seqs, earlier } = stored.get(j.room)!;
        j.resolve({ lastSeq: seqs[seqs.length - 1]!, rows: j.rows.length, earlier });
      }
    } catch (err) {
      for (const j of jobs) j.reject(err);
    } finally {
      this.#running = false;
      if (this.#waiting.length > 0) this.schedule();
    }
  }
}
