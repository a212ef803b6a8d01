import type { Db } from "../db/database";
import type { MembershipRow, StandardRow } from "../db/tables/standards";
import type { Actor } from "./auth";
import { forbidden, notFound, unauthenticated } from "./errors";

/**
 * Every permission rule of a standard, in one place. Routes and the sync server ask here;
 * nothing else decides who may read or write.
 */
export interface StandardAccess {
  standard: StandardRow;
  actor: Actor | null;
  membership: MembershipRow | null;
}

export async function standardAccess(db: Db, standard: StandardRow, actor: Actor | null): Promise<StandardAccess> {
  const membership = actor
    ? ((await db
        .selectFrom("memberships")
        .selectAll()
        .where("standard_id", "=", standard.id)
        .where("user_id", "=", actor.user.id)
        .executeTakeFirst()) ?? null)
    : null;
  return { standard, actor, membership };
}

const isAdmin = (a: StandardAccess) => a.actor?.user.is_admin === true;

export const canRead = (a: StandardAccess) => a.standard.is_public || isAdmin(a) || a.membership !== null;
export const isMember = (a: StandardAccess) => a.membership !== null;
export const isEditor = (a: StandardAccess) => isAdmin(a) || a.membership?.role === "editor";
export const canVote = (a: StandardAccess) => a.membership?.voting === true;

/**
 * Throws unless the actor may read the standard. A members-only standard is reported as missing
 * to those who may not see it, so its existence does not leak.
 */
export function assertRead(a: StandardAccess): void {
  if (!canRead(a)) throw notFound("standard");
}

/** Throws 401 for the anonymous, 403 for others, unless the actor edits this standard. */
export function assertEditor(a: StandardAccess): void {
  assertRead(a);
  if (!a.actor) throw unauthenticated();
  if (!isEditor(a)) throw forbidden("Only an editor of this standard can do this.");
}

export function assertMember(a: StandardAccess): void {
  assertRead(a);
  if (!a.actor) throw unauthenticated();
  if (!isAdmin(a) && !isMember(a)) throw forbidden("Only members of this standard can do this. Ask an admin to add you.");
}

export function assertAdmin(actor: Actor | null): Actor {
  if (!actor) throw unauthenticated();
  if (!actor.user.is_admin) throw forbidden("Only an admin can do this.");
  return actor;
}

/** What a connection to a live room may do. Reading includes receiving every update and presence. */
export interface RoomRights {
  read: boolean;
  write: boolean;
}

/** How a person appears to others in a room's presence list. */
export type PresenceRole = "admin" | "editor" | "contributor" | "reader";

/** Rights in a room of the standard's draft: editors (and admins) write, those who may read the standard read. */
export function draftRoomRights(a: StandardAccess): RoomRights {
  const read = canRead(a);
  return { read, write: read && a.actor !== null && isEditor(a) };
}

export function presenceRole(a: StandardAccess): PresenceRole {
  if (a.membership) return a.membership.role;
  return isAdmin(a) ? "admin" : "reader";
}
