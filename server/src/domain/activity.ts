import { sql } from "kysely";
import { Value } from "typebox/value";
import { ActivityCursor, type ActivityFeed, type ActivityItem } from "@codewright/shared";
import type { Db } from "../db/database";
import type { Actor } from "./auth";
import type { DomainContext } from "./context";
import { assertSignedIn } from "./access";
import { invalidRequest } from "./errors";
import { readableStandards } from "./standards";

/**
 * A user's activity feed, read from the audit log: replies in threads they started or replied
 * to, decisions on proposals they (co-)authored, and new proposals in standards they belong to.
 * Their own actions are left out, and so is everything in a standard they may not read now:
 * rights are checked at each read, since they change after the entry was written.
 */

const KIND: Record<string, ActivityItem["kind"]> = {
  "comment.reply": "reply",
  "proposal.accept": "decision",
  "proposal.reject": "decision",
  "proposal.create": "proposal",
};

export interface FeedOptions {
  /** Only entries newer than this cursor: an item's id, as the feed gives it (see `parseActivityCursor`). */
  after?: string;
  /** At most this many, newest first. Default 50. */
  limit?: number;
}

// Audit ids are PostgreSQL bigints.
const MAX_CURSOR = 2n ** 63n - 1n;

/**
 * Reads a feed cursor (an item's id, as the feed gives it): a decimal audit id, as the API's
 * `ActivityCursor` describes it, within the ids' range. Throws 400 `invalid_request` otherwise.
 */
export function parseActivityCursor(text: string): bigint {
  const cursor = Value.Check(ActivityCursor, text) ? BigInt(text) : null;
  if (cursor === null || cursor > MAX_CURSOR) throw invalidRequest(`"${text.slice(0, 40)}" is not a cursor of the activity feed: give the id of an item it listed.`);
  return cursor;
}

/** The signed-in actor's feed, newest first. Throws 401, 400 for an `after` that is not a cursor. */
export async function activityFeed(ctx: DomainContext, actor: Actor | null, options: FeedOptions = {}): Promise<ActivityFeed> {
  assertSignedIn(actor);
  return { items: await feedOf(ctx.db, actor, options) };
}

/**
 * Where a live feed of the signed-in actor starts: after `from` (a cursor), or after the newest
 * entry now; a cursor for `FeedOptions.after`. Throws 401, 400 as `parseActivityCursor`.
 */
export async function activityCursor(ctx: DomainContext, actor: Actor | null, from?: string): Promise<string> {
  assertSignedIn(actor);
  return (from !== undefined ? parseActivityCursor(from) : await latestAuditId(ctx.db)).toString();
}

async function feedOf(db: Db, actor: Actor, options: FeedOptions): Promise<ActivityItem[]> {
  const limit = Math.max(1, Math.min(options.limit ?? 50, 200));
  const after = options.after !== undefined ? parseActivityCursor(options.after) : 0n;
  const userId = actor.user.id;
  // The user as stored now, not as they signed in: a live feed outlives changes to their rights.
  const user = await db.selectFrom("users").selectAll().where("id", "=", userId).executeTakeFirst();
  if (!user || user.disabled_at !== null) return [];
  const readable = (await readableStandards(db, { ...actor, user })).map((s) => s.id);
  if (readable.length === 0) return [];
  const rows = await sql<{
    id: string;
    at: Date;
    action: string;
    actor_id: string | null;
    display_name: string | null;
    affiliation: string | null;
    slug: string;
    subject_id: string;
    to_state: string | null;
    proposal_id: string | null;
    proposal_title: string | null;
  }>`
    select a.id, a.at, a.action, a.actor_id, u.display_name, u.affiliation, s.slug, a.subject_id, a.to_state,
           p.id as proposal_id, p.title as proposal_title
    from audit_log a
    join standards s on s.id = a.standard_id
    left join users u on u.id = a.actor_id
    left join proposals p on p.id::text = case when a.subject_type = 'proposal' then a.subject_id else a.details->>'proposalId' end
    where a.id > ${after.toString()}
      and a.standard_id in (${sql.join(readable)})
      and a.actor_id is distinct from ${userId}
      and (
        (a.action = 'comment.reply' and a.subject_id in (
          select id::text from comment_threads where author_id = ${userId}
          union select thread_id::text from comment_replies where author_id = ${userId}))
        or (a.action in ('proposal.accept', 'proposal.reject') and a.subject_id in (
          select id::text from proposals where author_id = ${userId}
          union select proposal_id::text from proposal_co_authors where user_id = ${userId}))
        or (a.action = 'proposal.create' and a.standard_id in (
          select standard_id from memberships where user_id = ${userId}))
      )
    order by a.id desc
    limit ${limit}`.execute(db);
  return rows.rows.map((r) => ({
    id: String(r.id),
    at: new Date(r.at).toISOString(),
    kind: KIND[r.action]!,
    action: r.action,
    actor: r.actor_id ? { id: r.actor_id, displayName: r.display_name ?? "", affiliation: r.affiliation ?? null } : null,
    standard: r.slug,
    proposal: r.proposal_id ? { id: r.proposal_id, title: r.proposal_title ?? "" } : null,
    comment: r.action.startsWith("comment.") ? { id: r.subject_id } : null,
    toState: r.to_state,
  }));
}

/** The newest audit id, so a live feed can start from now. */
async function latestAuditId(db: Db): Promise<bigint> {
  const row = await db.selectFrom("audit_log").select((eb) => eb.fn.max("id").as("id")).executeTakeFirst();
  return BigInt(row?.id ?? 0);
}
