import type { Db } from "../db/database";
import { draftRoomRights, presenceRole, standardAccess, type PresenceRole, type RoomRights } from "./access";
import type { Actor } from "./auth";
import type { StatePoints } from "./room-log";

export type { PresenceRole, RoomRights } from "./access";

/** What an actor may do in a room, and the standard it belongs to (access events are per standard). */
export interface RoomGrant {
  standardId: string;
  rights: RoomRights;
  /** How the actor appears in the room's presence. */
  role: PresenceRole;
}

/**
 * Finds the room named `room` and the actor's rights in it; null when no such room exists (or the
 * name is not one of this kind's). The rules themselves live in domain/access.ts.
 */
export type RoomResolver = (db: Db, room: string, actor: Actor | null) => Promise<RoomGrant | null>;

/** Every kind of room: the part of a room's name before the first dot. */
export type RoomKind = "draft" | "proposal";

/** A resolver for every room kind. A record, so that a kind left out does not compile. */
export type RoomResolvers = Readonly<Record<RoomKind, RoomResolver>>;

/**
 * Every source of state points (seqs at which a feature rebuilds a room's state from its log, so
 * compaction must not merge rows across them): `proposalBases`, the draft seqs active proposals
 * forked from. A record, so that a source left out does not compile. A feature records each of
 * its points with `roomLastSeq` in the transaction that makes it a point.
 */
export type StatePointSources = Readonly<Record<"proposalBases", StatePoints>>;

/** `draft.<sectionId>`: the body of a live section of a standard's draft. */
export const draftRoomGrant: RoomResolver = async (db, room, actor) => {
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
