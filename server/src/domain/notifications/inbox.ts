import { Value } from "typebox/value";
import { NotificationCursor, type MarkReadBody, type Notification, type NotificationEvent, type NotificationList, type UnreadCount } from "@codewright/shared";
import type { Db } from "../../db/database";
import type { Actor } from "../auth";
import type { DomainContext } from "../context";
import { assertSignedIn } from "../access";
import { invalidRequest } from "../errors";
import { readableStandards } from "../standards";
import type { NotificationPayload } from "./deliver";

/**
 * The inbox: a user's notifications, newest first, and how many are unread. Read with today's
 * rights: a notification about a standard the user can no longer read is neither listed nor
 * counted (it comes back if the right does).
 */

export interface InboxOptions {
  unreadOnly?: boolean;
  /** The `nextCursor` of the page before: only older notifications. */
  cursor?: string;
  /** Default 50, at most 200. */
  limit?: number;
}

// Notification ids are PostgreSQL bigints.
const MAX_ID = 2n ** 63n - 1n;

function parseCursor(text: string): string {
  if (!Value.Check(NotificationCursor, text) || BigInt(text) > MAX_ID) throw invalidRequest(`"${text.slice(0, 40)}" is not a cursor of the inbox: give the nextCursor of the page before.`);
  return BigInt(text).toString();
}

/** The standards the user may read now, by id; none for a user disabled since the request began. */
async function readableIds(db: Db, actor: Actor): Promise<string[]> {
  const user = await db.selectFrom("users").selectAll().where("id", "=", actor.user.id).executeTakeFirst();
  if (!user || user.disabled_at !== null) return [];
  return (await readableStandards(db, { ...actor, user })).map((s) => s.id);
}

async function unreadIn(db: Db, userId: string, readable: readonly string[]): Promise<number> {
  if (readable.length === 0) return 0;
  const row = await db
    .selectFrom("notifications")
    .select((eb) => eb.fn.countAll<string>().as("n"))
    .where("user_id", "=", userId)
    .where("read_at", "is", null)
    .where("standard_id", "in", readable)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** A page of the signed-in user's notifications. Throws 401, 400 for a cursor or limit out of range. */
export async function listNotifications(ctx: DomainContext, actor: Actor | null, options: InboxOptions = {}): Promise<NotificationList> {
  assertSignedIn(actor);
  const limit = options.limit ?? 50;
  if (!Number.isInteger(limit) || limit < 1 || limit > 200) throw invalidRequest("limit is a number of notifications from 1 to 200.");
  const cursor = options.cursor !== undefined ? parseCursor(options.cursor) : null;
  const db = ctx.db;
  const readable = await readableIds(db, actor);
  if (readable.length === 0) return { notifications: [], nextCursor: null, unread: 0 };
  let q = db
    .selectFrom("notifications as n")
    .innerJoin("standards as s", "s.id", "n.standard_id")
    .leftJoin("users as a", "a.id", "n.actor_id")
    .select(["n.id", "n.event", "n.created_at", "n.read_at", "n.actor_id", "n.payload", "s.slug", "s.title", "a.display_name", "a.affiliation"])
    .where("n.user_id", "=", actor.user.id)
    .where("n.standard_id", "in", readable);
  if (options.unreadOnly) q = q.where("n.read_at", "is", null);
  if (cursor !== null) q = q.where("n.id", "<", cursor);
  const rows = await q.orderBy("n.id", "desc").limit(limit + 1).execute();
  const page = rows.slice(0, limit);
  const notifications: Notification[] = page.map((r) => {
    const p = r.payload as unknown as NotificationPayload;
    return {
      id: String(r.id),
      event: r.event as NotificationEvent,
      createdAt: new Date(r.created_at).toISOString(),
      read: r.read_at !== null,
      actor: r.actor_id ? { id: r.actor_id, displayName: r.display_name ?? "", affiliation: r.affiliation ?? null } : null,
      standard: r.slug,
      standardTitle: r.title,
      summary: p.summary,
      link: p.link,
    };
  });
  return {
    notifications,
    nextCursor: rows.length > limit ? notifications[notifications.length - 1]!.id : null,
    unread: await unreadIn(db, actor.user.id, readable),
  };
}

/** How many of the signed-in user's notifications are unread (that they may read now). Throws 401. */
export async function unreadCount(ctx: DomainContext, actor: Actor | null): Promise<UnreadCount> {
  assertSignedIn(actor);
  return { unread: await unreadIn(ctx.db, actor.user.id, await readableIds(ctx.db, actor)) };
}

/**
 * Marks some of the signed-in user's notifications read, or all of them; ids that are not theirs
 * are passed over. Answers the unread count after. Throws 401.
 */
export async function markRead(ctx: DomainContext, actor: Actor | null, body: MarkReadBody): Promise<UnreadCount> {
  assertSignedIn(actor);
  let q = ctx.db.updateTable("notifications").set({ read_at: new Date() }).where("user_id", "=", actor.user.id).where("read_at", "is", null);
  if ("ids" in body) q = q.where("id", "in", [...new Set(body.ids.map(parseCursor))]);
  const changed = Number((await q.executeTakeFirst()).numUpdatedRows);
  if (changed > 0) ctx.events.emit("notificationsChanged", { userIds: [actor.user.id] });
  return unreadCount(ctx, actor);
}
