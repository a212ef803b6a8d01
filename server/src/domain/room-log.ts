import * as Y from "yjs";
import type { Db } from "../db/database";

export interface LoggedUpdate {
  data: Uint8Array;
  authorId: string | null;
}

/**
 * Appends updates to a room's log in order, in the caller's transaction when given one.
 * Returns the sequence numbers assigned.
 */
export async function appendUpdates(db: Db, room: string, updates: LoggedUpdate[]): Promise<bigint[]> {
  if (updates.length === 0) return [];
  const last = await db
    .selectFrom("room_updates")
    .select((eb) => eb.fn.max("seq").as("seq"))
    .where("room", "=", room)
    .executeTakeFirst();
  const start = BigInt(last?.seq ?? 0) + 1n;
  const seqs = updates.map((_, i) => start + BigInt(i));
  await db
    .insertInto("room_updates")
    .values(updates.map((u, i) => ({ room, seq: seqs[i]!.toString(), data: u.data, author_id: u.authorId })))
    .execute();
  return seqs;
}

/** Every update of a room, in order. */
export async function readUpdates(db: Db, room: string): Promise<Uint8Array[]> {
  const rows = await db.selectFrom("room_updates").select("data").where("room", "=", room).orderBy("seq").execute();
  return rows.map((r) => r.data);
}

/** Rebuilds a room's document from its log. Draft rooms keep deleted content (gc off). */
export async function loadRoomDoc(db: Db, room: string): Promise<Y.Doc> {
  const doc = new Y.Doc({ gc: false });
  const updates = await readUpdates(db, room);
  if (updates.length > 0) Y.applyUpdate(doc, Y.mergeUpdates(updates));
  return doc;
}
