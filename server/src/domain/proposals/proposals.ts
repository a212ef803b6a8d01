import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import type { CoAuthorList, ProposalCreated, ProposalDetail, ProposalDiff, ProposalList, ProposalPreview, Tally, UserRef, Vote } from "@codewright/shared";
import type { Db } from "../../db/database";
import type { ProposalRow, ProposalState, VoteChoice } from "../../db/tables/proposals";
import type { Actor } from "../auth";
import type { DomainContext } from "../context";
import {
  assertPropose,
  assertProposalAuthor,
  assertProposalAuthorRead,
  assertProposalWriter,
  assertRead,
  assertVote,
  canBeInvited,
  canProposeOutsideInput,
  canRead,
  NO_CYCLE,
  standardAccess,
  type ActorAccess,
  type ProposalFacts,
  type StandardAccess,
} from "../access";
import type { StageKind } from "@codewright/shared";
import type { StandardRow } from "../../db/tables/standards";
import { activeCycle, requireStage, stageNow } from "../cycles/cycles";
import { workingStage } from "../cycles/schedule";
import type { SettledCycle } from "../cycles/settle";
import { personText } from "../accounts/profile";
import { forkSection } from "./rooms";
import { recordAudit } from "../audit";
import { announceEvents, recordEvent } from "../events/outbox";
import { addWatch } from "../notifications/watches";
import { notAMember, notFound, proposalNotDraft, proposalNotOpen, reasonRequired, stageClosed } from "../errors";
import { accessToStandard } from "../standards";
import { coAuthorsOf, countedVotes, proposalDetail, tallyOf, toVote } from "./view";
import { proposalDiff, proposalPreview } from "./documents";
import { tally } from "./tally";

/** A proposal with what permission rules need to know about it and its standard. */
export interface ProposalAccess {
  access: StandardAccess;
  proposal: ProposalRow;
  facts: ProposalFacts;
}

function factsOf(proposal: ProposalRow, coAuthorIds: readonly string[], cycleStage: StageKind | null): ProposalFacts {
  return { authorId: proposal.author_id, coAuthorIds, state: proposal.state, cycleId: proposal.cycle_id, cycleStage };
}

/** The same proposal access after `row` was written in this transaction (its state may have moved on). */
export function withRow(found: ProposalAccess, row: ProposalRow): ProposalAccess {
  return { ...found, proposal: row, facts: factsOf(row, found.facts.coAuthorIds, found.facts.cycleStage) };
}

/**
 * The proposal and what the actor may do with it. `forUpdate` locks the proposal's row until the
 * transaction ends (every state change takes it, so two of them never interleave). Throws 404
 * when the proposal does not exist or its standard is hidden from the actor.
 */
export async function accessToProposal(ctx: DomainContext, db: Db, id: string, actor: Actor | null, forUpdate = false): Promise<ProposalAccess> {
  let q = db.selectFrom("proposals").selectAll().where("id", "=", id);
  if (forUpdate) q = q.forUpdate();
  const proposal = await q.executeTakeFirst();
  if (!proposal) throw notFound("proposal");
  const standard = await db.selectFrom("standards").selectAll().where("id", "=", proposal.standard_id).executeTakeFirstOrThrow();
  const access = await standardAccess(db, standard, actor);
  if (!canRead(access)) throw notFound("proposal");
  const coAuthors = await db.selectFrom("proposal_co_authors").select("user_id").where("proposal_id", "=", id).execute();
  // An input's rules depend on its cycle's stage: settled to the clock first.
  const cycleStage = proposal.cycle_id ? await stageNow(ctx, db, proposal.cycle_id) : null;
  return { access, proposal, facts: factsOf(proposal, coAuthors.map((c) => c.user_id), cycleStage) };
}

const STATE_WORDS: Record<ProposalState, string> = {
  draft: "a draft",
  open: "open for review",
  accepted: "accepted",
  rejected: "rejected",
  withdrawn: "withdrawn",
};

/** Throws 409 `proposal_not_draft` unless the proposal is a draft. */
export function assertDraft(p: ProposalRow): void {
  if (p.state !== "draft") {
    throw proposalNotDraft(
      p.state === "open"
        ? "This proposal is open for review, so its text is frozen. Its author can move it back to draft to change it."
        : `This proposal is ${STATE_WORDS[p.state]} and can no longer change.`,
    );
  }
}

/** Throws 409 `proposal_not_open` unless the proposal is open for review. */
export function assertOpen(p: ProposalRow): void {
  if (p.state !== "open") {
    throw proposalNotOpen(
      p.state === "draft" ? "This proposal is still a draft: its author must submit it for review first." : `This proposal is ${STATE_WORDS[p.state]}, not open for review.`,
    );
  }
}

/** Throws 409 `proposal_not_open` when the proposal is accepted, rejected or withdrawn. */
export function assertActive(p: ProposalRow): void {
  if (p.state !== "draft" && p.state !== "open") throw proposalNotOpen(`This proposal is ${STATE_WORDS[p.state]} and can no longer change.`);
}

export interface NewProposal {
  title: string;
  rationale?: string;
  /** The submitter's affiliation: stored on their profile when it names none (a profile's own is changed on the account page). */
  affiliation?: string;
  /** A section of the draft to fork at once ("Propose a change" on a section). */
  fromSection?: string;
}

/**
 * Which cycle a proposal the actor starts or submits now is an input to (null: none), or throws
 * 409 `stage_closed`:
 * - no active cycle: none, as before cycles;
 * - the active cycle's `input` stage is the working one: that cycle (members' proposals too);
 * - otherwise: editors' proposals are not inputs and go ahead at any time (editors carry out
 *   the committee's actions and the comments' dispositions with them); everyone else is told
 *   the input stage is closed, with its window.
 * An input stays an input of its own cycle: it is submitted (or reopened) only during that cycle's input stage.
 */
async function inputCycleFor(ctx: DomainContext, trx: Db, access: ActorAccess, proposal?: ProposalRow): Promise<string | null> {
  const cycle = await activeCycle(ctx, trx, access.standard.id);
  if (proposal?.cycle_id) {
    if (cycle?.cycle.id !== proposal.cycle_id) throw stageClosed("The cycle this proposal is an input to has ended: it can no longer be submitted.");
    await requireStage(ctx, trx, access.standard, "input");
    return proposal.cycle_id;
  }
  if (!cycle) return null;
  if (workingStage(cycle.stages, ctx.clock.now())?.kind === "input") return cycle.cycle.id;
  if (canProposeOutsideInput(access)) return null;
  await requireStage(ctx, trx, access.standard, "input");
  throw stageClosed("The input stage of this standard's cycle is closed.");
}

/**
 * Starts a proposal in `draft`. Its base is recorded in one statement, so it is one consistent
 * point of the draft: the outline, and the last seq of every draft room's log. Members only, and
 * during an open `input` stage any verified reader of a public standard: see `inputCycleFor` for
 * when it is an input and when the stage refuses it (409 `stage_closed`). Throws 404 for an
 * unknown `fromSection`.
 */
export async function createProposal(ctx: DomainContext, actor: Actor | null, slug: string, input: NewProposal): Promise<ProposalCreated> {
  const id = randomUUID();
  const standardId = await ctx.db.transaction().execute(async (trx) => {
    const access = await accessToStandard(trx, slug, actor);
    const active = await trx.selectFrom("cycles").select("id").where("standard_id", "=", access.standard.id).where("state", "=", "active").executeTakeFirst();
    // With an active cycle, who may propose is judged as during its input stage; the stage is checked next.
    assertPropose(access, active ? { active: true, inputOpen: true } : NO_CYCLE);
    const cycleId = await inputCycleFor(ctx, trx, access);
    const standardId = access.standard.id;
    const affiliation = input.affiliation === undefined ? undefined : personText(input.affiliation, "affiliation");
    // A key-share lock on the rooms' rows: appends go on, but a compaction waits for this
    // transaction and then sees the base it records (it merges no rows across a base seq).
    await sql`
      select r.room from rooms r join sections s on s.room = r.room
      where s.standard_id = ${standardId} and s.deleted_at is null
      order by r.room for key share of r`.execute(trx);
    await sql`
      with base_sections as (
        select id, parent_id, position, label, title, room from sections
        where standard_id = ${standardId} and deleted_at is null
      ), base_outline as (
        select coalesce(jsonb_agg(jsonb_build_object('id', id, 'parentId', parent_id, 'position', position, 'label', label, 'title', title)
                                  order by parent_id nulls first, position), '[]'::jsonb) as outline
        from base_sections
      ), proposal as (
        insert into proposals (id, standard_id, author_id, title, rationale, state, base_outline, outline, cycle_id)
        select ${id}, ${standardId}, ${access.actor.user.id}, ${input.title.trim()}, ${input.rationale ?? ""}, 'draft', outline, outline, ${cycleId}::uuid from base_outline
        returning id
      )
      insert into proposal_bases (proposal_id, room, seq)
      select (select id from proposal), b.room, coalesce((select max(u.seq) from room_updates u where u.room = b.room), 0)
      from base_sections b`.execute(trx);
    if (input.fromSection !== undefined && !(await forkSection(trx, id, input.fromSection))) throw notFound("section");
    if (affiliation !== undefined && access.actor.user.affiliation === null) {
      await trx.updateTable("users").set({ affiliation }).where("id", "=", access.actor.user.id).where("affiliation", "is", null).execute();
      await recordAudit(trx, { actorId: access.actor.user.id, action: "user.update", subjectType: "user", subjectId: access.actor.user.id, details: { fields: ["affiliation"] } });
    }
    await recordAudit(trx, {
      actorId: access.actor.user.id,
      standardId,
      action: "proposal.create",
      subjectType: "proposal",
      subjectId: id,
      toState: "draft",
      details: { title: input.title.trim(), ...(cycleId ? { cycle: cycleId } : {}), ...(input.fromSection ? { fromSection: input.fromSection } : {}) },
    });
    // Its author follows what becomes of it.
    await addWatch(trx, access.actor.user.id, "proposal", id);
    return standardId;
  });
  ctx.events.emit("activity", { standardId });
  return { id, state: "draft" };
}

/** Changes the title or rationale of a draft proposal. Its authors only. */
export async function updateProposal(ctx: DomainContext, actor: Actor | null, id: string, change: { title?: string; rationale?: string }): Promise<ProposalDetail> {
  return ctx.db.transaction().execute(async (trx) => {
    const found = await accessToProposal(ctx, trx, id, actor, true);
    const { access, proposal, facts } = found;
    assertProposalWriter(access, facts);
    assertDraft(proposal);
    const row = await trx
      .updateTable("proposals")
      .set({ title: change.title?.trim(), rationale: change.rationale, updated_at: new Date() })
      .where("id", "=", id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, { actorId: access.actor.user.id, standardId: proposal.standard_id, action: "proposal.update", subjectType: "proposal", subjectId: id, details: { fields: Object.keys(change) } });
    return proposalDetail(trx, withRow(found, row));
  });
}

/** Moves a proposal from one state to another and records it. Call with the row locked. */
async function transition(db: Db, proposal: ProposalRow, to: ProposalState, actorId: string, details: Record<string, unknown> = {}): Promise<ProposalRow> {
  const now = new Date();
  const row = await db
    .updateTable("proposals")
    .set({
      state: to,
      updated_at: now,
      submitted_at: to === "open" ? now : undefined,
      decided_at: to === "accepted" || to === "rejected" || to === "withdrawn" ? now : undefined,
    })
    .where("id", "=", proposal.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(db, {
    actorId,
    standardId: proposal.standard_id,
    action: `proposal.${{ open: "submit", draft: "reopen", accepted: "accept", rejected: "reject", withdrawn: "withdraw" }[to]}`,
    subjectType: "proposal",
    subjectId: proposal.id,
    fromState: proposal.state,
    toState: to,
    details,
  });
  const named = { proposalId: proposal.id, title: row.title };
  if (to === "open") await recordEvent(db, { event: "proposal.submitted", standardId: proposal.standard_id, actorId, payload: named });
  if (to === "draft") await recordEvent(db, { event: "proposal.reopened", standardId: proposal.standard_id, actorId, payload: named });
  if (to === "accepted" || to === "rejected") await recordEvent(db, { event: "proposal.decided", standardId: proposal.standard_id, actorId, payload: { ...named, state: to } });
  return row;
}
export { transition as recordTransition };

/**
 * Live connections of the proposal's writers hold the rights they had when they joined; a change
 * of state or of co-authors makes the sync server close them, so they rejoin with today's rights
 * (an open proposal's rooms are read-only).
 */
function writersChanged(ctx: DomainContext, standardId: string, userIds: Iterable<string>): void {
  for (const userId of new Set(userIds)) ctx.events.emit("membershipChanged", { standardId, userId });
}

/** Moves the proposal to `to` and answers with it as it now is, all in one transaction. The author only, after `check`. */
async function authorMoves(ctx: DomainContext, actor: Actor | null, id: string, to: ProposalState, check: (p: ProposalRow, trx: Db, access: ActorAccess) => Promise<Record<string, unknown>>) {
  return ctx.db.transaction().execute(async (trx) => {
    const found = await accessToProposal(ctx, trx, id, actor, true);
    const { access, proposal, facts } = found;
    assertProposalAuthor(access, facts);
    const details = await check(proposal, trx, access);
    const row = await transition(trx, proposal, to, access.actor.user.id, details);
    return { detail: await proposalDetail(trx, withRow(found, row)), standardId: row.standard_id, writers: [facts.authorId, ...facts.coAuthorIds] };
  });
}

/**
 * `draft → open`: the author submits the proposal for review; its text freezes. While a cycle is
 * active, it is an input of the cycle when submitted during its input stage (see `inputCycleFor`).
 */
export async function submitProposal(ctx: DomainContext, actor: Actor | null, id: string): Promise<ProposalDetail> {
  const { detail, standardId, writers } = await authorMoves(ctx, actor, id, "open", async (proposal, trx, access) => {
    assertDraft(proposal);
    const cycleId = await inputCycleFor(ctx, trx, access, proposal);
    if (cycleId === proposal.cycle_id) return {};
    await trx.updateTable("proposals").set({ cycle_id: cycleId }).where("id", "=", proposal.id).execute();
    return { cycle: cycleId };
  });
  writersChanged(ctx, standardId, writers);
  ctx.events.emit("activity", { standardId });
  announceEvents(ctx);
  return detail;
}

/**
 * `open → draft`: the author takes the proposal back to change it. The votes cast so far are
 * cleared (they were on a text that is about to change); each stays in the audit log. An input
 * is taken back only during its cycle's input stage (it could not be submitted again after).
 */
export async function reopenProposal(ctx: DomainContext, actor: Actor | null, id: string): Promise<ProposalDetail> {
  const { detail, standardId, writers } = await authorMoves(ctx, actor, id, "draft", async (proposal, trx, access) => {
    assertOpen(proposal);
    if (proposal.cycle_id) await inputCycleFor(ctx, trx, access, proposal);
    const cleared = await trx.deleteFrom("proposal_votes").where("proposal_id", "=", id).executeTakeFirst();
    return { votesCleared: Number(cleared.numDeletedRows) };
  });
  writersChanged(ctx, standardId, writers);
  announceEvents(ctx);
  return detail;
}

/** `draft|open → withdrawn`, by the author. */
export async function withdrawProposal(ctx: DomainContext, actor: Actor | null, id: string): Promise<ProposalDetail> {
  const { detail, standardId, writers } = await authorMoves(ctx, actor, id, "withdrawn", async (proposal) => {
    assertActive(proposal);
    return {};
  });
  writersChanged(ctx, standardId, writers);
  ctx.events.emit("activity", { standardId });
  return detail;
}

/**
 * Invites someone to co-edit the proposal: a member of the standard, or, for an input to a public
 * standard, any user with a verified address (`canBeInvited`). The author only, while it is a draft or open.
 */
export async function addCoAuthor(ctx: DomainContext, actor: Actor | null, id: string, userId: string): Promise<CoAuthorList> {
  const { coAuthors, standardId } = await ctx.db.transaction().execute(async (trx) => {
    const { access, proposal, facts } = await accessToProposal(ctx, trx, id, actor, true);
    assertProposalAuthor(access, facts);
    assertActive(proposal);
    const invitee = await trx
      .selectFrom("users")
      .leftJoin("memberships", (j) => j.onRef("memberships.user_id", "=", "users.id").on("memberships.standard_id", "=", proposal.standard_id))
      .select(["users.id", "users.disabled_at", "users.email_verified_at", "memberships.user_id as member"])
      .where("users.id", "=", userId)
      .executeTakeFirst();
    const eligible = invitee && canBeInvited(access.standard, { member: invitee.member !== null, verified: invitee.email_verified_at !== null, disabled: invitee.disabled_at !== null }, facts);
    if (!eligible) {
      throw notAMember(
        facts.cycleId !== null && access.standard.is_public
          ? "Only members of this standard, or users with a verified address, can co-author this input."
          : undefined,
      );
    }
    if (userId !== proposal.author_id) {
      const added = await trx
        .insertInto("proposal_co_authors")
        .values({ proposal_id: id, user_id: userId, added_by: access.actor.user.id })
        .onConflict((oc) => oc.columns(["proposal_id", "user_id"]).doNothing())
        .returning("user_id")
        .executeTakeFirst();
      if (added) {
        await recordAudit(trx, { actorId: access.actor.user.id, standardId: proposal.standard_id, action: "proposal.co_author", subjectType: "proposal", subjectId: id, details: { userId } });
        await addWatch(trx, userId, "proposal", id);
      }
    }
    return { coAuthors: await coAuthorsOf(trx, id), standardId: proposal.standard_id };
  });
  writersChanged(ctx, standardId, [userId]);
  return { coAuthors };
}

/** Removes a co-author (the author only). Removing someone who is not one is a no-op. */
export async function removeCoAuthor(ctx: DomainContext, actor: Actor | null, id: string, userId: string): Promise<CoAuthorList> {
  const { coAuthors, standardId } = await ctx.db.transaction().execute(async (trx) => {
    const { access, facts } = await accessToProposal(ctx, trx, id, actor, true);
    assertProposalAuthor(access, facts);
    const removed = await trx.deleteFrom("proposal_co_authors").where("proposal_id", "=", id).where("user_id", "=", userId).executeTakeFirst();
    if (Number(removed.numDeletedRows) > 0) {
      await recordAudit(trx, { actorId: access.actor.user.id, standardId: access.standard.id, action: "proposal.co_author_remove", subjectType: "proposal", subjectId: id, details: { userId } });
    }
    return { coAuthors: await coAuthorsOf(trx, id), standardId: access.standard.id };
  });
  writersChanged(ctx, standardId, [userId]);
  return { coAuthors };
}

/**
 * The members of the proposal's standard its author may invite as co-authors: not the author,
 * not a co-author already, not disabled; by name. The author only (a member list is otherwise
 * for editors), so that inviting does not need anyone's id from elsewhere.
 */
export async function coAuthorCandidates(ctx: DomainContext, actor: Actor | null, id: string): Promise<{ candidates: UserRef[] }> {
  const { access, proposal, facts } = await accessToProposal(ctx, ctx.db, id, actor);
  assertProposalAuthorRead(access, facts);
  const rows = await ctx.db
    .selectFrom("memberships")
    .innerJoin("users", "users.id", "memberships.user_id")
    .select(["users.id", "users.display_name", "users.affiliation"])
    .where("memberships.standard_id", "=", proposal.standard_id)
    .where("users.disabled_at", "is", null)
    .where("users.id", "not in", [facts.authorId, ...facts.coAuthorIds])
    .orderBy("users.display_name")
    .execute();
  return { candidates: rows.map((r) => ({ id: r.id, displayName: r.display_name, affiliation: r.affiliation })) };
}

/**
 * Throws 409 `stage_closed` unless the `committee` stage of the input's own cycle is the working
 * stage: inputs are voted on, and acted on, only then. Returns the settled cycle.
 */
export async function assertCommitteeStage(ctx: DomainContext, trx: Db, standard: StandardRow, proposal: ProposalRow): Promise<SettledCycle> {
  const settled = await requireStage(ctx, trx, standard, "committee");
  if (!settled || settled.cycle.id !== proposal.cycle_id) throw stageClosed("The cycle this proposal is an input to has ended: its committee stage is over.");
  return settled;
}

export interface VoteInput {
  vote: VoteChoice;
  reason?: string;
}

/**
 * Records the actor's vote on an open proposal, replacing their previous one. Members with
 * voting rights only; a disapproval needs a reason (400 `reason_required`).
 */
export async function castVote(ctx: DomainContext, actor: Actor | null, id: string, input: VoteInput): Promise<{ tally: Tally; vote: Vote }> {
  return ctx.db.transaction().execute(async (trx) => {
    const { access, proposal } = await accessToProposal(ctx, trx, id, actor, true);
    assertVote(access);
    const voterId = access.actor.user.id;
    assertOpen(proposal);
    if (proposal.cycle_id) await assertCommitteeStage(ctx, trx, access.standard, proposal);
    const reason = input.reason?.trim() ? input.reason : null;
    if (input.vote === "disapprove" && reason === null) throw reasonRequired("A disapproval needs a reason, so the authors can address it.");
    const before = await trx.selectFrom("proposal_votes").select("vote").where("proposal_id", "=", id).where("user_id", "=", voterId).executeTakeFirst();
    await trx
      .insertInto("proposal_votes")
      .values({ proposal_id: id, user_id: voterId, vote: input.vote, reason, updated_at: new Date() })
      .onConflict((oc) => oc.columns(["proposal_id", "user_id"]).doUpdateSet({ vote: input.vote, reason, updated_at: new Date() }))
      .execute();
    await recordAudit(trx, {
      actorId: voterId,
      standardId: proposal.standard_id,
      action: "proposal.vote",
      subjectType: "proposal",
      subjectId: id,
      fromState: before?.vote ?? null,
      toState: input.vote,
      details: reason === null ? {} : { reason },
    });
    return { tally: await tallyOf(trx, proposal, access.standard), vote: await voteOf(trx, proposal, access) };
  });
}

/** The actor's vote as just recorded; they hold voting rights, so it is among the counted ones. */
async function voteOf(db: Db, proposal: ProposalRow, access: ActorAccess): Promise<Vote> {
  const mine = (await countedVotes(db, proposal)).find((v) => v.user_id === access.actor.user.id);
  if (!mine) throw new Error("a vote just recorded is not counted");
  return toVote(mine);
}

/** The proposals of a standard, newest first, optionally in one state. Whoever may read the standard. */
export async function listProposals(ctx: DomainContext, actor: Actor | null, slug: string, state?: ProposalState): Promise<ProposalList> {
  const db = ctx.db;
  const access = await accessToStandard(db, slug, actor);
  assertRead(access);
  let q = db
    .selectFrom("proposals")
    .innerJoin("users", "users.id", "proposals.author_id")
    .selectAll("proposals")
    .select(["users.display_name as author_name", "users.affiliation as author_affiliation"])
    .where("proposals.standard_id", "=", access.standard.id);
  if (state) q = q.where("proposals.state", "=", state);
  const rows = await q.orderBy("proposals.created_at", "desc").orderBy("proposals.id").execute();
  const counts = rows.length
    ? await db
        .selectFrom("proposal_votes")
        .innerJoin("memberships", (j) => j.onRef("memberships.user_id", "=", "proposal_votes.user_id").on("memberships.standard_id", "=", access.standard.id))
        .select(["proposal_votes.proposal_id", "proposal_votes.vote"])
        .where("memberships.voting", "=", true)
        .where(
          "proposal_votes.proposal_id",
          "in",
          rows.map((r) => r.id),
        )
        .execute()
    : [];
  const settings = { threshold: access.standard.vote_threshold, quorum: access.standard.vote_quorum };
  const proposals = rows.map((r) => ({
    id: r.id,
    standard: access.standard.slug,
    title: r.title,
    state: r.state,
    author: { id: r.author_id, displayName: r.author_name, affiliation: r.author_affiliation },
    tally: tally(
      counts.filter((c) => c.proposal_id === r.id).map((c) => c.vote),
      settings,
    ),
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
    submittedAt: r.submitted_at?.toISOString() ?? null,
    decidedAt: r.decided_at?.toISOString() ?? null,
  }));
  return { proposals };
}

/** Everything `GET /api/proposals/:id` shows, as the actor may see it. Throws 404 when hidden. */
export async function readProposal(ctx: DomainContext, actor: Actor | null, id: string): Promise<ProposalDetail> {
  return proposalDetail(ctx.db, await accessToProposal(ctx, ctx.db, id, actor));
}

/** The proposal against its base, for whoever may read its standard. Throws 404. */
export async function readProposalDiff(ctx: DomainContext, actor: Actor | null, id: string): Promise<ProposalDiff> {
  const { proposal } = await accessToProposal(ctx, ctx.db, id, actor);
  return proposalDiff(ctx.db, proposal);
}

/** Today's draft against the draft if the proposal were accepted now, with any conflicts. Throws 404. */
export async function readProposalPreview(ctx: DomainContext, actor: Actor | null, id: string): Promise<ProposalPreview> {
  const { proposal } = await accessToProposal(ctx, ctx.db, id, actor);
  return proposalPreview(ctx.db, proposal);
}
