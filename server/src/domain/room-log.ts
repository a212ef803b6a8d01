import { sql, type Kysely } from "kysely";
import * as Y from "yjs";
import type { Database, Db } from "../db/database";

/**
 * Each room (one section body, in the draft or in a proposal) keeps an append-only log of Yjs
 * updates. Sequence numbers come from the room's row in `rooms`, locked until the appending
 * transaction ends, so a room's rows become visible in sequence order to every process: a reader
 * that has seen every row up to `seq` only ever needs the rows after it. Every append is announced
 * on ROOM_LOG_CHANNEL (delivered at commit) so live rooms in every process pick it up.
 */

/** Prefix of the notification channel; the schema name completes it (schemas sharing a database stay apart). */
export const ROOM_LOG_CHANNEL = "codewright_room_log.";

/** The channel on which appends to the log of `schema` are announced. */
export const roomLogChannel = (schema: string) => `${ROOM_LOG_CHANNEL}${schema}`;

/** What an append announces: the room and the last seq now stored. */
export interface RoomLogNotice {
  room: string;
  seq: bigint;
}

export interface LoggedUpdate {
  data: Uint8Array;
  authorId: string | null;
}

export interface LogRow {
  seq: bigint;
  data: Uint8Array;
  authorId: string | null;
}

/** Parses a notice's payload; null when it is not one of ours. */
export function parseRoomLogNotice(payload: string | undefined): RoomLogNotice | null {
  if (!payload) return null;
  try {
    const value = JSON.parse(payload) as { room?: unknown; seq?: unknown };
    if (typeof value.room !== "string" || typeof value.seq !== "string" || !/^\d{1,19}$/.test(value.seq)) return null;
    return { room: value.room, seq: BigInt(value.seq) };
  } catch {
    return null;
  }
}

/**
 * Appends in one statement: takes `updates.length` seqs from the room's counter (locking its row
 * until the statement's transaction ends), inserts the rows and announces them. Atomic on its own;
 * inside a caller's transaction, it commits with it. Returns the first seq.
 */
async function append(db: Db, room: string, updates: LoggedUpdate[]): Promise<bigint> {
  const n = updates.length;
  const rows = sql.join(updates.map((u, i) => sql`(${u.data}::bytea, ${u.authorId}::uuid, ${i}::int)`));
  const result = await sql<{ first: string }>`
    with alloc as (
      insert into rooms (room, next_seq) values (${room}, ${n + 1})
      on conflict (room) do update set next_seq = rooms.next_seq + ${n}
      returning next_seq - ${n} as first
    ), stored as (
      insert into room_updates (room, seq, data, author_id)
      select ${room}, alloc.first + v.i, v.data, v.author from alloc, (values ${rows}) as v(data, author, i)
      returning seq
    )
    select alloc.first::text as first,
      pg_notify(${ROOM_LOG_CHANNEL} || current_schema(), json_build_object('room', ${room}::text, 'seq', (alloc.first + ${n - 1})::text)::text)
    from alloc`.execute(db);
  return BigInt(result.rows[0]!.first);
}

/**
 * Appends updates to a room's log in order, in the caller's transaction when given one. Returns
 * the sequence numbers assigned. Rooms that are live in any process hear of it after the commit
 * (the cluster notice) and send it to their clients.
 */
export async function appendUpdates(db: Db, room: string, updates: LoggedUpdate[]): Promise<bigint[]> {
  if (updates.length === 0) return [];
  const first = await append(db, room, updates);
  return updates.map((_, i) => first + BigInt(i));
}

/** The order in which transactions lock several rooms' counters: by name, byte by byte (collation "C"). */
export const compareRooms = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** One room's part of a multi-room append. `knownSeq` is the last seq the appending room has applied. */
export interface RoomAppend {
  room: string;
  knownSeq: bigint;
  updates: LoggedUpdate[];
}

/**
 * Appends to several live rooms in one statement (one round trip, atomic), each room's updates
 * in the order given. Returns, per room, the seqs assigned and the rows others stored after its
 * `knownSeq` and before these (they committed before this append could take the room's counter,
 * so they are visible once it returns). Room rows are locked in `compareRooms` order; any
 * transaction that appends to several rooms must do so in that order too, so none can deadlock.
 */
export async function appendToRooms(db: Db, appends: RoomAppend[]): Promise<Map<string, { seqs: bigint[]; earlier: LogRow[] }>> {
  const result = new Map<string, { seqs: bigint[]; earlier: LogRow[] }>();
  const parts = appends.filter((a) => a.updates.length > 0);
  if (parts.length === 0) return result;
  if (new Set(parts.map((a) => a.room)).size !== parts.length) throw new RangeError("appendToRooms takes each room once.");
  const values = sql.join(parts.flatMap((a) => a.updates.map((u, i) => sql`(${a.room}::text, ${u.data}::bytea, ${u.authorId}::uuid, ${i}::int)`)));
  const firsts = await sql<{ room: string; first: string }>`
    with input (room, data, author, i) as (values ${values}),
    counts as (select room, count(*)::bigint as n from input group by room),
    alloc as (
      insert into rooms as r (room, next_seq)
      select room, n + 1 from counts order by room collate "C"
      on conflict (room) do update set next_seq = r.next_seq + excluded.next_seq - 1
      returning r.room, r.next_seq
    ), firsts as (
      select alloc.room, alloc.next_seq - counts.n as first, counts.n from alloc join counts using (room)
    ), stored as (
      insert into room_updates (room, seq, data, author_id)
      select input.room, firsts.first + input.i, input.data, input.author from input join firsts using (room)
      returning seq
    )
    select firsts.room, firsts.first::text as first,
      pg_notify(${ROOM_LOG_CHANNEL} || current_schema(), json_build_object('room', firsts.room, 'seq', (firsts.first + firsts.n - 1)::text)::text)
    from firsts`.execute(db);
  const firstOf = new Map(firsts.rows.map((r) => [r.room, BigInt(r.first)]));
  for (const a of parts) {
    const first = firstOf.get(a.room)!;
    const earlier = first > a.knownSeq + 1n ? await readRows(db, a.room, a.knownSeq, first) : [];
    result.set(a.room, { seqs: a.updates.map((_, i) => first + BigInt(i)), earlier });
  }
  return result;
}

async function readRows(db: Db, room: string, afterSeq: bigint, beforeSeq?: bigint): Promise<LogRow[]> {
  let q = db.selectFrom("room_updates").select(["seq", "data", "author_id"]).where("room", "=", room).where("seq", ">", afterSeq.toString());
  if (beforeSeq !== undefined) q = q.where("seq", "<", beforeSeq.toString());
  const rows = await q.orderBy("seq").execute();
  return rows.map((r) => ({ seq: BigInt(r.seq), data: r.data, authorId: r.author_id }));
}

/** The rows of a room's log after `afterSeq` (0 for all), in order. */
export function readUpdatesSince(db: Db, room: string, afterSeq: bigint): Promise<LogRow[]> {
  return readRows(db, room, afterSeq);
}

/** A room's state encoded as one update, complete up to `seq`: a cache of the log, so loading reads one row. */
export interface RoomSnapshot {
  seq: bigint;
  /** `Y.encodeStateAsUpdate` of a document holding exactly the log's rows up to `seq`. */
  state: Uint8Array;
  /** `Y.encodeStateVector` of the same document. */
  stateVector: Uint8Array;
}

/** What loading a room reads: its latest snapshot and the log rows after it. */
export interface StoredRoomState {
  snapshot: RoomSnapshot | null;
  /** The rows after the snapshot (all rows without one), in order. */
  rows: LogRow[];
  /** The last seq the snapshot and rows hold; 0 for an empty log. */
  lastSeq: bigint;
  /** Rows in the whole log (including those the snapshot holds). */
  logRows: number;
}

/**
 * Reads a room's stored state: its snapshot, then the rows after it. Compaction never moves a row's
 * content below a seq it was read after (a merged row takes the highest seq of its group), so the
 * snapshot plus these rows is the whole log even when a compaction or a newer snapshot comes in between.
 */
export async function readRoomState(db: Db, room: string): Promise<StoredRoomState> {
  // One statement for the snapshot (if any) and the log's row count.
  const found = await sql<{ seq: string | null; state: Uint8Array | null; state_vector: Uint8Array | null; log_rows: string | number }>`
    select s.seq, s.state, s.state_vector, (select count(*) from room_updates u where u.room = ${room}) as log_rows
    from (select 1) as one left join room_snapshots s on s.room = ${room}`.execute(db);
  const head = found.rows[0]!;
  const snapshot = head.seq !== null ? { seq: BigInt(head.seq), state: head.state!, stateVector: head.state_vector! } : null;
  const rows = await readRows(db, room, snapshot?.seq ?? 0n);
  const lastSeq = rows.length > 0 ? rows[rows.length - 1]!.seq : (snapshot?.seq ?? 0n);
  return { snapshot, rows, lastSeq, logRows: Number(head.log_rows) };
}

/** Applies a stored state to `doc`: the snapshot, then each row (applied one by one: faster than merging them first). */
export function applyStoredState(doc: Y.Doc, stored: StoredRoomState, origin?: unknown): void {
  if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot.state, origin);
  for (const row of stored.rows) Y.applyUpdate(doc, row.data, origin);
}

/**
 * Records `snapshot` unless a newer one is there already (another process may have taken one).
 * The caller vouches that its state holds exactly the rows up to its seq.
 */
export async function saveRoomSnapshot(db: Db, room: string, snapshot: RoomSnapshot): Promise<void> {
  await db
    .insertInto("room_snapshots")
    .values({ room, seq: snapshot.seq.toString(), state: snapshot.state, state_vector: snapshot.stateVector })
    .onConflict((oc) =>
      oc
        .column("room")
        .doUpdateSet((eb) => ({ seq: eb.ref("excluded.seq"), state: eb.ref("excluded.state"), state_vector: eb.ref("excluded.state_vector"), taken_at: sql`now()` }))
        .where("room_snapshots.seq", "<", (eb) => eb.ref("excluded.seq")),
    )
    .execute();
}

/** Rebuilds a room's document from its snapshot and log. Rooms keep deleted content (gc off) so past states can be rebuilt. */
export async function loadRoomDoc(db: Db, room: string): Promise<Y.Doc> {
  // Named after the room, so what reads it can say which room it read.
  const doc = new Y.Doc({ gc: false, guid: room });
  applyStoredState(doc, await readRoomState(db, room));
  return doc;
}

export interface CompactionResult {
  /** Rows in the room's log before and after. */
  rowsBefore: number;
  rowsAfter: number;
}

/**
 * The seqs at which some feature rebuilds a room's state from the rows up to them (a proposal's
 * base, say). Called inside the compaction's transaction, after the room's row is locked.
 */
export type StatePoints = (db: Db, room: string) => Promise<bigint[]>;

export interface CompactionOptions {
  /** No merged row spans one of these seqs, so the state up to each stays exact. Default none. */
  statePoints?: StatePoints;
  /**
   * Rows younger than this are left as they are, so a state point recorded from a seq read just
   * now stays exact even if its transaction commits after this compaction. Default 10 s.
   */
  settleMs?: number;
}

const INSERT_CHUNK = 500;

/**
 * Merges a room's log into one row per author and UTC day, so attribution (who wrote and deleted
 * what) and a day-by-day history survive. Rows are never merged across a state point, and a
 * merged row takes the highest seq of its group: the state up to any state point is unchanged,
 * and a process that has read up to any seq still finds every later change after it. Holds the
 * room's row lock: concurrent compactions (and appends) wait, and the second finds nothing to do.
 * To record a state point safely, read the seq with `roomLastSeq(trx, room)` in the recording
 * transaction: it shares that lock.
 */
export async function compactRoom(db: Kysely<Database>, room: string, options: CompactionOptions = {}): Promise<CompactionResult> {
  return db.transaction().execute(async (trx) => {
    const counter = await trx.selectFrom("rooms").select("next_seq").where("room", "=", room).forUpdate().executeTakeFirst();
    if (!counter) return { rowsBefore: 0, rowsAfter: 0 };
    const points = ((await options.statePoints?.(trx, room)) ?? []).slice().sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const segment = (seq: bigint) => {
      let i = 0;
      while (i < points.length && points[i]! < seq) i++;
      return i;
    };
    // now() is the transaction's start: the same cutoff for the select and the delete.
    const settled = sql<boolean>`created_at < now() - ${options.settleMs ?? 10_000} * interval '1 millisecond'`;
    const total = Number(
      (await trx.selectFrom("room_updates").select((eb) => eb.fn.countAll<string>().as("n")).where("room", "=", room).executeTakeFirstOrThrow()).n,
    );
    const rows = await trx
      .selectFrom("room_updates")
      .select(["seq", "data", "author_id", "created_at"])
      .where("room", "=", room)
      .where(settled)
      .orderBy("seq")
      .execute();
    const groups = new Map<string, typeof rows>();
    for (const row of rows) {
      const key = `${segment(BigInt(row.seq))}|${row.author_id ?? ""}|${new Date(row.created_at).toISOString().slice(0, 10)}`;
      const group = groups.get(key);
      if (group) group.push(row);
      else groups.set(key, [row]);
    }
    if (groups.size === rows.length) return { rowsBefore: total, rowsAfter: total };
    const merged = [...groups.values()].map((group) => {
      const last = group[group.length - 1]!;
      return {
        room,
        seq: last.seq,
        data: group.length === 1 ? last.data : Y.mergeUpdates(group.map((r) => r.data)),
        author_id: last.author_id,
        created_at: new Date(group.reduce((t, r) => Math.max(t, new Date(r.created_at).getTime()), 0)),
      };
    });
    await trx.deleteFrom("room_updates").where("room", "=", room).where(settled).execute();
    for (let i = 0; i < merged.length; i += INSERT_CHUNK) {
      await trx.insertInto("room_updates").values(merged.slice(i, i + INSERT_CHUNK)).execute();
    }
    await trx.updateTable("rooms").set({ compacted_seq: rows[rows.length - 1]!.seq, compacted_at: new Date() }).where("room", "=", room).execute();
    return { rowsBefore: total, rowsAfter: total - rows.length + merged.length };
  });
}

/**
 * The last seq of a room's log (0 when empty), read under a key-share lock on the room's row until
 * the caller's transaction ends: a compaction waits for it (and so sees the state point recorded
 * with it), appends do not. Use it in the transaction that records a state point.
 */
export async function roomLastSeq(trx: Db, room: string): Promise<bigint> {
  const row = await trx.selectFrom("rooms").select("next_seq").where("room", "=", room).forKeyShare().executeTakeFirst();
  return row ? BigInt(row.next_seq) - 1n : 0n;
}
