import type { Db } from "../db/database";
import type { Actor } from "../domain/auth";
import type { RoomGrant, RoomKind, RoomResolvers } from "../domain/room-grants";

/** A room name: a kind, then dot-separated ids, e.g. `draft.<sectionId>`. */
const ROOM_NAME = /^([a-z]+)(\.[A-Za-z0-9_-]{1,64}){1,4}$/;

const isKind = (kinds: RoomResolvers, kind: string): kind is RoomKind => Object.hasOwn(kinds, kind);

/**
 * The grant for `room`, found by the resolver of its kind (the part of the name before the first
 * dot); null when the name is not valid, its kind is unknown, or it names no room.
 */
export async function resolveRoom(kinds: RoomResolvers, db: Db, room: string, actor: Actor | null): Promise<RoomGrant | null> {
  const kind = ROOM_NAME.exec(room)?.[1];
  return kind !== undefined && isKind(kinds, kind) ? kinds[kind](db, room, actor) : null;
}
