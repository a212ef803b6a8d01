import { randomUUID } from "node:crypto";
import type { Standard, StandardList, Membership, MembershipRole } from "@codewright/shared";
import type { Db } from "../db/database";
import type { StandardRow } from "../db/tables/standards";
import type { Actor } from "./auth";
import { canRead, standardAccess, type StandardAccess } from "./access";
import { notFound, slugTaken } from "./errors";
import { recordAudit } from "./audit";
import type { DomainContext } from "./context";

export function toStandard(row: StandardRow): Standard {
  return {
    slug: row.slug,
    title: row.title,
    description: row.description,
    isPublic: row.is_public,
    publicCommentsOpen: row.public_comments_open,
    voteThreshold: row.vote_threshold,
    voteQuorum: row.vote_quorum,
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

/** The standards the actor may read: public ones, those they belong to, or all for an admin. */
export async function listStandards(db: Db, actor: Actor | null): Promise<StandardList["standards"]> {
  const rows = await db.selectFrom("standards").selectAll().orderBy("title").execute();
  const memberships = new Map(
    actor ? (await db.selectFrom("memberships").selectAll().where("user_id", "=", actor.user.id).execute()).map((m) => [m.standard_id, m]) : [],
  );
  return rows
    .filter((s) => canRead({ standard: s, actor, membership: memberships.get(s.id) ?? null }))
    .map((s) => ({ slug: s.slug, title: s.title, description: s.description }));
}

export interface NewStandard {
  slug: string;
  title: string;
  description?: string;
  isPublic?: boolean;
}

/** Creates a standard. Throws 409 `slug_taken`. */
export async function createStandard(db: Db, input: NewStandard, actorId: string | null): Promise<StandardRow> {
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

export interface StandardChange {
  title?: string;
  description?: string;
  isPublic?: boolean;
  publicCommentsOpen?: boolean;
  voteThreshold?: number;
  voteQuorum?: number;
}

export async function updateStandard(ctx: DomainContext, standard: StandardRow, change: StandardChange, actorId: string): Promise<StandardRow> {
  const updated = await ctx.db.transaction().execute(async (trx) => {
    const row = await trx
      .updateTable("standards")
      .set({
        title: change.title?.trim(),
        description: change.description,
        is_public: change.isPublic,
        public_comments_open: change.publicCommentsOpen,
        vote_threshold: change.voteThreshold,
        vote_quorum: change.voteQuorum,
      })
      .where("id", "=", standard.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, { actorId, standardId: standard.id, action: "standard.update", subjectType: "standard", subjectId: standard.id, details: { ...change } });
    return row;
  });
  // After the commit, so connections told to come back are checked against the new visibility.
  if (updated.is_public !== standard.is_public) ctx.events.emit("visibilityChanged", { standardId: standard.id });
  return updated;
}

/** Sets (creates or changes) a user's membership; connections of that user are re-checked. */
export async function setMembership(
  ctx: DomainContext,
  standard: StandardRow,
  userId: string,
  input: { role: MembershipRole; voting?: boolean },
  actorId: string,
): Promise<Membership> {
  const row = await ctx.db.transaction().execute(async (trx) => {
    const user = await trx.selectFrom("users").select("id").where("id", "=", userId).executeTakeFirst();
    if (!user) throw notFound("user");
    const before = await trx.selectFrom("memberships").selectAll().where("standard_id", "=", standard.id).where("user_id", "=", userId).executeTakeFirst();
    const voting = input.voting ?? before?.voting ?? false;
    const saved = await trx
      .insertInto("memberships")
      .values({ standard_id: standard.id, user_id: userId, role: input.role, voting, updated_at: new Date() })
      .onConflict((oc) => oc.columns(["standard_id", "user_id"]).doUpdateSet({ role: input.role, voting, updated_at: new Date() }))
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
    });
    return saved;
  });
  ctx.events.emit("membershipChanged", { standardId: standard.id, userId });
  return { standard: standard.slug, userId: row.user_id, role: row.role, voting: row.voting };
}

/** Removes a membership. Removing one that does not exist is a no-op. */
export async function removeMembership(ctx: DomainContext, standard: StandardRow, userId: string, actorId: string): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    const removed = await trx.deleteFrom("memberships").where("standard_id", "=", standard.id).where("user_id", "=", userId).returningAll().executeTakeFirst();
    if (removed) {
      await recordAudit(trx, { actorId, standardId: standard.id, action: "membership.remove", subjectType: "membership", subjectId: `${standard.id}:${userId}`, fromState: removed.role, toState: null });
    }
  });
  ctx.events.emit("membershipChanged", { standardId: standard.id, userId });
}

export async function listMembers(db: Db, standard: StandardRow) {
  return db
    .selectFrom("memberships")
    .innerJoin("users", "users.id", "memberships.user_id")
    .selectAll("users")
    .select(["memberships.role", "memberships.voting"])
    .where("memberships.standard_id", "=", standard.id)
    .orderBy("users.display_name")
    .execute();
}

export async function membershipsOf(db: Db, userId: string): Promise<Membership[]> {
  const rows = await db
    .selectFrom("memberships")
    .innerJoin("standards", "standards.id", "memberships.standard_id")
    .select(["standards.slug", "memberships.user_id", "memberships.role", "memberships.voting"])
    .where("memberships.user_id", "=", userId)
    .execute();
  return rows.map((r) => ({ standard: r.slug, userId: r.user_id, role: r.role, voting: r.voting }));
}
