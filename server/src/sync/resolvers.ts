import type { Db } from "../db/database";
import { draftRoomRights, presenceRole, standardAccess, type PresenceRole, type RoomRights } from "../domain/access";
import type { Actor } from "../domain/auth";

/** What an actor may do in a room, and the standard it belongs to (access events are per standard). */
export interface RoomGrant {
  standardId: string;
  rights: RoomRights;
  /** How the actor appears in the room's presence. */
  role: PresenceRole;
}

/**
 * Finds the room named `room` and the actor's rights in it; null when no such room exists.
 * The rules themselves live in domain/access.ts.
 */
export type RoomResolver = (db: Db, room: string, actor: Actor | null) => Promise<RoomGrant | null>;

/** A room name: a kind, then dot-separated ids, e.g. `draft.<sectionId>`. */
const ROOM_NAME = /^([a-z]+)(\.[A-Za-z0-9_-]{1,64}){1,4}$/;

/**
 * Room kinds and how each is resolved, by the part of the name before the first dot.
 * `draft` is built in; other features register theirs (e.g. `proposal`).
 */
export class RoomResolvers {
  readonly #kinds = new Map<string, RoomResolver>([["draft", resolveDraftRoom]]);

  /** Adds the resolver of a room kind. Throws RangeError when the kind is taken or not lowercase letters. */
  register(kind: string, resolver: RoomResolver): void {
    if (!/^[a-z]+$/.test(kind)) throw new RangeError(`A room kind is lowercase letters, got "${kind}".`);
    if (this.#kinds.has(kind)) throw new RangeError(`The room kind "${kind}" is already registered.`);
    this.#kinds.set(kind, resolver);
  }

  /** The grant for `room`, or null when the name is not valid or names no room. */
  async resolve(db: Db, room: string, actor: Actor | null): Promise<RoomGrant | null> {
    const kind = ROOM_NAME.exec(room)?.[1];
    const resolver = kind ? this.#kinds.get(kind) : undefined;
    return resolver ? resolver(db, room, actor) : null;
  }
}

/** `draft.<sectionId>`: the body of a live section of a standard's draft. */
export const resolveDraftRoom: RoomResolver = async (db, room, actor) => {
  const standard = await db
    .selectFrom("sections")
    .innerJoin("standards", "standards.id", "sections.standard_id")
    .selectAll("standards")
    .where("sections.room", "=", room)
    .where("sections.deleted_at", "is", null)
    .executeTakeFirst();
  if (!standard) return null;
  const access = await standardAccess(db, standard, actor);
  return { standardId: standard.id, rights: draftRoomRights(access), role: presenceRole(access) };
};
