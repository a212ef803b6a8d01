import type { Ballot, BallotVoteBody, NegativeResponseBody } from "@codewright/shared";
import type { Db } from "../../../db/database";
import type { BallotRoundRow, CycleRow } from "../../../db/tables/cycles";
import type { StandardRow } from "../../../db/tables/standards";
import type { Actor } from "../../auth";
import type { DomainContext } from "../../context";
import { assertCastBallot, assertRead, assertRespondToNegative, canVote, standardAccess, type StandardAccess } from "../../access";
import { recordAudit } from "../../audit";
import { notFound, reasonRequired, responseRequired, stageClosed } from "../../errors";
import { formatInZone } from "../schedule";
import { settleCycle } from "../settle";
import { lastRound } from "./rounds";
import { ballotView } from "./view";

/**
 * The ballot on a cycle's whole draft: voters on the frozen roster vote and change their vote
 * while a round is open, editors answer disapprovals, and whoever may read the standard reads
 * every round with its named votes. Each operation settles the cycle to the domain clock first,
 * in its own transaction, so a round's window is judged under the cycle's lock.
 */

/**
 * Records the actor's vote on the open round, replacing their earlier one (the last counts). A
 * disapproval's response from the editors stays while the voter keeps the same disapproval and
 * reason. Throws 404 for those who may not read the standard, 401, 403 (not on the roster, or an
 * unverified email), 409 `stage_closed` with the window, 400 `reason_required`.
 */
export async function castBallot(ctx: DomainContext, actor: Actor | null, cycleId: string, input: BallotVoteBody): Promise<Ballot> {
  return ctx.db.transaction().execute(async (trx) => {
    const { access } = await cycleAccess(trx, actor, cycleId);
    const now = ctx.clock.now();
    const settled = (await settleCycle(trx, cycleId, now, ctx.cycleEffects))!;
    const round = await lastRound(trx, cycleId);
    // Before the ballot opens there is no roster yet: the voting members are those it would freeze.
    const onRoster = round ? await isOnRoster(trx, round, actor) : canVote(access);
    assertCastBallot(access, onRoster);
    const open = settled.cycle.state === "active" && round && !round.closed_at && now.getTime() >= round.opens_at.getTime() && now.getTime() < round.closes_at.getTime();
    if (!open) throw await closedBallot(trx, access.standard, settled.cycle, round, now);
    const reason = input.reason?.trim() || null;
    if (input.vote === "disapprove" && reason === null) throw reasonRequired("A disapproval needs a reason, so the editors can answer it and everyone can weigh it.");
    const voterId = access.actor.user.id;
    const before = await trx.selectFrom("ballot_votes").selectAll().where("round_id", "=", round.id).where("user_id", "=", voterId).executeTakeFirst();
    const keepsResponse = before?.vote === "disapprove" && input.vote === "disapprove" && before.reason === reason;
    const answer = keepsResponse ? { response: before.response, responded_by: before.responded_by, responded_at: before.responded_at } : { response: null, responded_by: null, responded_at: null };
    await trx
      .insertInto("ballot_votes")
      .values({ round_id: round.id, user_id: voterId, vote: input.vote, reason, cast_at: now, ...answer })
      .onConflict((oc) => oc.columns(["round_id", "user_id"]).doUpdateSet({ vote: input.vote, reason, cast_at: now, ...answer }))
      .execute();
    await recordAudit(trx, {
      actorId: voterId,
      standardId: access.standard.id,
      action: "ballot.vote",
      subjectType: "cycle",
      subjectId: cycleId,
      fromState: before?.vote ?? null,
      toState: input.vote,
      details: { round: round.round, reason },
    });
    return ballotView(trx, access.standard, settled.cycle);
  });
}

/**
 * Records the editors' response to a voter's disapproval on the open round (shown with it in the
 * recirculation; a round with an unanswered disapproval is not final). Answering again replaces
 * the response. Throws 404 for those who may not read the standard, 401/403 for non-editors, 404
 * when the voter has no disapproval on the open round, 400 `response_required`, 409 `stage_closed`.
 */
export async function respondToNegative(ctx: DomainContext, actor: Actor | null, cycleId: string, voterId: string, input: NegativeResponseBody): Promise<Ballot> {
  return ctx.db.transaction().execute(async (trx) => {
    const { access } = await cycleAccess(trx, actor, cycleId);
    assertRespondToNegative(access);
    const now = ctx.clock.now();
    const settled = (await settleCycle(trx, cycleId, now, ctx.cycleEffects))!;
    const round = await lastRound(trx, cycleId);
    const open = settled.cycle.state === "active" && round && !round.closed_at && now.getTime() < round.closes_at.getTime();
    if (!open) throw await closedBallot(trx, access.standard, settled.cycle, round, now);
    const negative = await trx.selectFrom("ballot_votes").select("user_id").where("round_id", "=", round.id).where("user_id", "=", voterId).where("vote", "=", "disapprove").executeTakeFirst();
    if (!negative) throw notFound(`disapproval by this voter in ballot round ${round.round}`);
    const response = input.response.trim();
    if (!response) throw responseRequired("Write the editors' response to the disapproval: it is shown with it in the recirculation.");
    await trx
      .updateTable("ballot_votes")
      .set({ response, responded_by: access.actor.user.id, responded_at: now })
      .where("round_id", "=", round.id)
      .where("user_id", "=", voterId)
      .execute();
    await recordAudit(trx, {
      actorId: access.actor.user.id,
      standardId: access.standard.id,
      action: "ballot.respond",
      subjectType: "cycle",
      subjectId: cycleId,
      details: { round: round.round, voter: voterId, response },
    });
    return ballotView(trx, access.standard, settled.cycle);
  });
}

/** A cycle's ballot, for whoever may read its standard (404 otherwise, as for a missing cycle). */
export async function readBallot(ctx: DomainContext, actor: Actor | null, cycleId: string): Promise<Ballot> {
  const { access, cycle } = await cycleAccess(ctx.db, actor, cycleId);
  if (cycle.state !== "active") return ballotView(ctx.db, access.standard, cycle);
  return ctx.db.transaction().execute(async (trx) => {
    const settled = (await settleCycle(trx, cycleId, ctx.clock.now(), ctx.cycleEffects))!;
    return ballotView(trx, access.standard, settled.cycle);
  });
}

/** The cycle, its standard and the actor's access to it. Throws 404 for a missing cycle, or one the actor may not read. */
async function cycleAccess(db: Db, actor: Actor | null, cycleId: string): Promise<{ access: StandardAccess; cycle: CycleRow }> {
  const cycle = await db.selectFrom("cycles").selectAll().where("id", "=", cycleId).executeTakeFirst();
  if (!cycle) throw notFound("cycle");
  const standard = await db.selectFrom("standards").selectAll().where("id", "=", cycle.standard_id).executeTakeFirstOrThrow();
  const access = await standardAccess(db, standard, actor);
  assertRead(access);
  return { access, cycle };
}

async function isOnRoster(db: Db, round: BallotRoundRow, actor: Actor | null): Promise<boolean> {
  if (!actor) return false;
  const row = await db.selectFrom("ballot_roster").select("user_id").where("round_id", "=", round.id).where("user_id", "=", actor.user.id).executeTakeFirst();
  return row !== undefined;
}

/** 409 `stage_closed`, naming the window that matters, in the standard's time zone. */
async function closedBallot(db: Db, standard: StandardRow, cycle: CycleRow, round: BallotRoundRow | undefined, now: Date) {
  const zone = standard.time_zone;
  if (round) {
    const window = `${formatInZone(round.opens_at, zone)} to ${formatInZone(round.closes_at, zone)}`;
    const why = cycle.state !== "active" ? ` The cycle is ${cycle.state}.` : round.closed_at ? " The ballot passed: no round follows." : "";
    return stageClosed(`Ballot round ${round.round} of “${cycle.title}” is closed: its window was ${window}.${why}`);
  }
  const stage = await db.selectFrom("cycle_stages").selectAll().where("cycle_id", "=", cycle.id).where("kind", "=", "ballot").executeTakeFirstOrThrow();
  const state = cycle.state !== "active" ? `not open (the cycle is ${cycle.state})` : now.getTime() < stage.opens_at.getTime() ? "upcoming" : "blocked";
  return stageClosed(`The ballot of “${cycle.title}” is ${state}: its window is ${formatInZone(stage.opens_at, zone)} to ${formatInZone(stage.closes_at, zone)}.`);
}
