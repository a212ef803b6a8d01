import type { Db } from "../../db/database";
import type { StandardRow } from "../../db/tables/standards";
import type { UserRow } from "../../db/tables/users";
import type { WatchKind } from "../../db/tables/participation";
import { userCanRead } from "../access";

/**
 * Who may read a standard now, among some users: rights as they are at this moment, not as they
 * were when someone started watching. Disabled users read nothing.
 */
export async function readersAmong(db: Db, standard: StandardRow, userIds: Iterable<string>): Promise<UserRow[]> {
  const ids = [...new Set(userIds)];
  if (ids.length === 0) return [];
  const users = await db.selectFrom("users").selectAll().where("id", "in", ids).where("disabled_at", "is", null).execute();
  if (users.length === 0) return [];
  const members = new Set(
    (await db.selectFrom("memberships").select("user_id").where("standard_id", "=", standard.id).where("user_id", "in", users.map((u) => u.id)).execute()).map((m) => m.user_id),
  );
  return users.filter((u) => userCanRead(standard, u, members.has(u.id)));
}

/** Whether one user may read the standard now. */
export async function mayRead(db: Db, standard: StandardRow, userId: string): Promise<boolean> {
  return (await readersAmong(db, standard, [userId])).length > 0;
}

/** The users watching any of these targets of one kind. */
export async function watchersOf(db: Db, kind: WatchKind, targetIds: readonly string[]): Promise<string[]> {
  if (targetIds.length === 0) return [];
  const rows = await db.selectFrom("watches").select("user_id").where("kind", "=", kind).where("target_id", "in", [...new Set(targetIds)]).execute();
  return rows.map((r) => r.user_id);
}

/** The standard by id, or null when it is gone. */
export async function standardById(db: Db, id: string): Promise<StandardRow | null> {
  return (await db.selectFrom("standards").selectAll().where("id", "=", id).executeTakeFirst()) ?? null;
}
