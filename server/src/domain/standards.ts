import { randomUUID } from "node:crypto";
import type { CreateStandardBody, MemberList, Membership, MembershipRole, Ok, Standard, StandardList, UpdateStandardBody } from "@codewright/shared";
import type { Db } from "../db/database";
import type { StandardRow } from "../db/tables/standards";
import type { Actor } from "./auth";
import { assertAdmin, assertEditor, assertEditorRead, assertManage, assertRead, canRead, NO_CYCLE, standardAccess, standardPermissions, type ProposalWindow, type StandardAccess } from "./access";
import { invalidRequest, notFound, slugTaken } from "./errors";
import { isTimeZone } from "./cycles/schedule";
import { proposalWindow } from "./cycles/cycles";
import { recordAudit } from "./audit";
import type { DomainContext } from "./context";
import { toUser } from "./users";

/** The standard as the asking user sees it, with what they may do in it (`window`: whether its active cycle takes inputs now). */
export function toStandard(access: StandardAccess, window: ProposalWindow = NO_CYCLE): Standard {
  const row = access.standard;
  return {
    id: row.id,
    slug: row.slug,
    title: row.title,
    description: row.description,
    isPublic: row.is_public,
    publicCommentsOpen: row.public_comments_open,
    voteThreshold: row.vote_threshold,
    voteQuorum: row.vote_quorum,
    timeZone: row.time_zone,
    ballotQuorum: row.ballot_quorum,
    negativeLimit: row.negative_limit,
    recirculationDays: row.recirculation_days,
    interestCategories: row.interest_categories,
    permissions: standardPermissions(access, window),
  };
}

/** The standard with this slug. Throws 404 `not_found`. Does not check access. */
export async function getStandard(db: Db, slug: string): Promise<StandardRow> {
  const row = await db.selectFrom("standards").selectAll().where("slug", "=", slug).executeTakeFirst();
  if (!row) throw notFound("standard");
  return row;
}

/** The standard with this slug and what the actor may do in it. Throws 404. */
export async function accessToStandard(db: Db, slug: string, actor: Actor | null): Promise<StandardAccess> {
  return standardAccess(db, await getStandard(db, slug), actor);
}

/** The standards the actor may read, by title: public ones, those they belong to, or all for an admin. */
export async function readableStandards(db: Db, actor: Actor | null): Promise<StandardRow[]> {
  const rows = await db.selectFrom("standards").selectAll().orderBy("title").execute();
  const memberships = new Map(
    actor ? (await db.selectFrom("memberships").selectAll().where("user_id", "=", actor.user.id).execute()).map((m) => [m.standard_id, m]) : [],
  );
  return rows.filter((s) => canRead({ standard: s, actor, membership: memberships.get(s.id) ?? null }));
}

/** The standards the actor may read (see `readableStandards`). */
export async function listStandards(ctx: DomainContext, actor: Actor | null): Promise<StandardList> {
  return { standards: (await readableStandards(ctx.db, actor)).map((s) => ({ slug: s.slug, title: s.title, description: s.description })) };
}

/** One standard, for whoever may read it. Throws 404 (also for a members-only one hidden from the actor). */
export async function readStandard(ctx: DomainContext, actor: Actor | null, slug: string): Promise<Standard> {
  const access = await accessToStandard(ctx.db, slug, actor);
  assertRead(access);
  return toStandard(access, await proposalWindow(ctx, ctx.db, access.standard.id));
}

export interface NewStandard {
  slug: string;
  title: string;
  description?: string;
  isPublic?: boolean;
}

/** Creates a standard, by an admin. Throws 401/403, 409 `slug_taken`. */
export async function createStandard(ctx: DomainContext, actor: Actor | null, input: CreateStandardBody): Promise<Standard> {
  assertAdmin(actor);
  return ctx.db.transaction().execute(async (trx) => {
    const row = await insertStandard(trx, input, actor.user.id);
    return toStandard(await standardAccess(trx, row, actor));
  });
}

/**
 * Writes a new standard and its audit entry, without checking who asks: for the operations
 * that did (creating, importing) and for setting up data. Call in a transaction. Throws 409 `slug_taken`.
 */
export async function insertStandard(db: Db, input: NewStandard, actorId: string | null): Promise<StandardRow> {
  const exists = await db.selectFrom("standards").select("id").where("slug", "=", input.slug).executeTakeFirst();
  if (exists) throw slugTaken(input.slug);
  const row = await db
    .insertInto("standards")
    .values({ id: randomUUID(), slug: input.slug, title: input.title.trim(), description: input.description ?? "", is_public: input.isPublic ?? true })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(db, { actorId, standardId: row.id, action: "standard.create", subjectType: "standard", subjectId: row.id });
  return row;
}

/**
 * Changes a standard's settings, by an admin; a change that names no setting changes nothing and
 * answers the standard as it is. Throws 404 for a hidden standard, then 401/403.
 */
export async function updateStandard(ctx: DomainContext, actor: Actor | null, slug: string, change: UpdateStandardBody): Promise<Standard> {
  const { before, after } = await ctx.db.transaction().execute(async (trx) => {
    const access = await accessToStandard(trx, slug, actor);
    assertManage(access);
    const set = {
      title: change.title?.trim(),
      description: change.description,
      is_public: change.isPublic,
      public_comments_open: change.publicCommentsOpen,
      vote_threshold: change.voteThreshold,
      vote_quorum: change.voteQuorum,
      time_zone: change.timeZone,
      ballot_quorum: change.ballotQuorum,
      negative_limit: change.negativeLimit,
      recirculation_days: change.recirculationDays,
      interest_categories: change.interestCategories === undefined ? undefined : JSON.stringify(change.interestCategories.map((c) => c.trim())),
    };
    if (change.timeZone !== undefined && !isTimeZone(change.timeZone)) throw invalidRequest(`"${change.timeZone}" is not a time zone: give an IANA name such as Europe/Paris or America/New_York.`);
    if (Object.values(set).every((v) => v === undefined)) return { before: access.standard, after: access };
    const row = await trx.updateTable("standards").set(set).where("id", "=", access.standard.id).returningAll().executeTakeFirstOrThrow();
    await recordAudit(trx, { actorId: access.actor.user.id, standardId: row.id, action: "standard.update", subjectType: "standard", subjectId: row.id, details: { ...change } });
    return { before: access.standard, after: { ...access, standard: row } };
  });
  // After the commit, so connections told to come back are checked against the new visibility.
  if (after.standard.is_public !== before.is_public) ctx.events.emit("visibilityChanged", { standardId: before.id });
  return toStandard(after, await proposalWindow(ctx, ctx.db, after.standard.id));
}

/** The members of a standard, by name. Its editors (and admins) only. */
export async function listMembers(ctx: DomainContext, actor: Actor | null, slug: string): Promise<MemberList> {
  const access = await accessToStandard(ctx.db, slug, actor);
  assertEditorRead(access);
  const rows = await ctx.db
    .selectFrom("memberships")
    .innerJoin("users", "users.id", "memberships.user_id")
    .selectAll("users")
    .select(["memberships.role", "memberships.voting", "memberships.interest_category"])
    .where("memberships.standard_id", "=", access.standard.id)
    .orderBy("users.display_name")
    .execute();
  return { members: rows.map((r) => ({ user: toUser(r), role: r.role, voting: r.voting, interestCategory: r.interest_category })) };
}

export interface MembershipInput {
  role: MembershipRole;
  /** Default: unchanged, or false for a new member. */
  voting?: boolean;
  /** One of the standard's interest categories, or null for none. Default: unchanged, or none for a new member. */
  interestCategory?: string | null;
}

/**
 * Sets (creates or changes) a user's membership, by an admin. Throws 404 for an unknown standard
 * (or one hidden from the actor) or user, then 401/403; 400 `invalid_request` for an interest
 * category the standard does not define.
 */
export async function setMembership(ctx: DomainContext, actor: Actor | null, slug: string, userId: string, input: MembershipInput): Promise<Membership> {
  const membership = await ctx.db.transaction().execute(async (trx) => {
    const access = await accessToStandard(trx, slug, actor);
    assertManage(access);
    return writeMembership(trx, access.standard, userId, input, access.actor.user.id);
  });
  ctx.events.emit("membershipChanged", { standardId: membership.standardId, userId });
  return membership.view;
}

/**
 * Sets a membership without checking who asks, for setting up data (seeds, tests); connections
 * of that user are re-checked, as after `setMembership`.
 */
export async function grantMembership(ctx: DomainContext, standard: StandardRow, userId: string, input: MembershipInput, actorId: string | null): Promise<Membership> {
  const membership = await ctx.db.transaction().execute((trx) => writeMembership(trx, standard, userId, input, actorId));
  ctx.events.emit("membershipChanged", { standardId: standard.id, userId });
  return membership.view;
}

async function writeMembership(trx: Db, standard: StandardRow, userId: string, input: MembershipInput, actorId: string | null) {
  const user = await trx.selectFrom("users").select("id").where("id", "=", userId).executeTakeFirst();
  if (!user) throw notFound("user");
  const before = await trx.selectFrom("memberships").selectAll().where("standard_id", "=", standard.id).where("user_id", "=", userId).executeTakeFirst();
  const voting = input.voting ?? before?.voting ?? false;
  const interestCategory = input.interestCategory === undefined ? (before?.interest_category ?? null) : checkInterestCategory(standard, input.interestCategory);
  const saved = await trx
    .insertInto("memberships")
    .values({ standard_id: standard.id, user_id: userId, role: input.role, voting, interest_category: interestCategory, updated_at: new Date() })
    .onConflict((oc) => oc.columns(["standard_id", "user_id"]).doUpdateSet({ role: input.role, voting, interest_category: interestCategory, updated_at: new Date() }))
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, {
    actorId,
    standardId: standard.id,
    action: "membership.set",
    subjectType: "membership",
    subjectId: `${standard.id}:${userId}`,
    fromState: before ? `${before.role}${before.voting ? "+voting" : ""}` : null,
    toState: `${saved.role}${saved.voting ? "+voting" : ""}`,
    details: before?.interest_category === saved.interest_category ? {} : { interestCategory: { from: before?.interest_category ?? null, to: saved.interest_category } },
  });
  const view: Membership = { standard: standard.slug, userId: saved.user_id, role: saved.role, voting: saved.voting, interestCategory: saved.interest_category };
  return { standardId: standard.id, view };
}

/** An interest category as stored: one of the standard's (matched exactly), or null. Throws 400 `invalid_request`. */
function checkInterestCategory(standard: StandardRow, category: string | null): string | null {
  if (category === null) return null;
  const known = standard.interest_categories;
  if (known.includes(category)) return category;
  if (known.length === 0) throw invalidRequest("This standard defines no interest categories yet: an admin adds them in its settings (interestCategories) first.");
  throw invalidRequest(`"${category}" is not an interest category of this standard: choose one of ${known.map((c) => `"${c}"`).join(", ")}, or null for none.`);
}

/**
 * Removes a membership, by an admin. Removing one that does not exist is a no-op. Throws 404 for
 * an unknown standard (or one hidden from the actor), then 401/403.
 */
export async function removeMembership(ctx: DomainContext, actor: Actor | null, slug: string, userId: string): Promise<Ok> {
  const standardId = await ctx.db.transaction().execute(async (trx) => {
    const access = await accessToStandard(trx, slug, actor);
    assertManage(access);
    const { standard } = access;
    const removed = await trx.deleteFrom("memberships").where("standard_id", "=", standard.id).where("user_id", "=", userId).returningAll().executeTakeFirst();
    if (removed) {
      await recordAudit(trx, {
        actorId: access.actor.user.id,
        standardId: standard.id,
        action: "membership.remove",
        subjectType: "membership",
        subjectId: `${standard.id}:${userId}`,
        fromState: removed.role,
        toState: null,
      });
    }
    return standard.id;
  });
  ctx.events.emit("membershipChanged", { standardId, userId });
  return { ok: true };
}

/** The memberships of one user, in every standard. */
export async function membershipsOf(db: Db, userId: string): Promise<Membership[]> {
  const rows = await db
    .selectFrom("memberships")
    .innerJoin("standards", "standards.id", "memberships.standard_id")
    .select(["standards.slug", "memberships.user_id", "memberships.role", "memberships.voting", "memberships.interest_category"])
    .where("memberships.user_id", "=", userId)
    .execute();
  return rows.map((r) => ({ standard: r.slug, userId: r.user_id, role: r.role, voting: r.voting, interestCategory: r.interest_category }));
}
