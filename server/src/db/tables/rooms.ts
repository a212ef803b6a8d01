import type { ColumnType } from "kysely";

/** One Yjs update in a room's append-only log. `seq` is a bigint, read back as a string by pg. */
export interface RoomUpdatesTable {
  room: string;
  seq: ColumnType<string, string | number | bigint, never>;
  data: ColumnType<Uint8Array, Uint8Array, never>;
  author_id: string | null;
  created_at: ColumnType<Date, Date | undefined, never>;
}
