import type { ColumnType } from "kysely";

/** One Yjs update in a room's append-only log. `seq` is a bigint, read back as a string by pg. */
export interface RoomUpdatesTable {
  room: string;
  seq: ColumnType<string, string | number | bigint, never>;
  data: ColumnType<Uint8Array, Uint8Array, never>;
  author_id: string | null;
  created_at: ColumnType<Date, Date | undefined, never>;
}

/** The sequence counter of one room's log; appenders lock the row while they write. */
export interface RoomsTable {
  room: string;
  /** The seq the next appended update gets. A bigint, read back as a string (pg) or number (PGlite). */
  next_seq: ColumnType<string, string | number | bigint, string | number | bigint>;
  compacted_seq: ColumnType<string, string | number | bigint | undefined, string | number | bigint>;
  compacted_at: Date | null;
}

/** The encoded state of a room up to `seq`: a cache of its log, so loading reads one row. */
export interface RoomSnapshotsTable {
  room: string;
  seq: ColumnType<string, string | number | bigint, string | number | bigint>;
  state: Uint8Array;
  state_vector: Uint8Array;
  taken_at: ColumnType<Date, Date | undefined, Date | undefined>;
}
