import { randomUUID } from "node:crypto";
import type { BallotResult, BallotTally } from "@codewright/shared";
import type { Db } from "../../../db/database";
import type { BallotRoundRow, CycleRow, CycleStageRow } from "../../../db/tables/cycles";
import type { StandardRow } from "../../../db/tables/standards";
import { recordAudit } from "../../audit";
import type { StageEffects } from "../settle";
import { draftFingerprint } from "./fingerprint";
import { ballotTally, type BallotSettings } from "./tally";

/**
 * The rounds of a cycle's ballot on its whole draft, as the `ballot` stage's effects run them
 * inside the settling transaction (the cycle's row locked, so each step happens once):
 *
 * - When the stage opens, round 1 opens with the stage's window, its roster frozen from the
 *   standard's voting members at that moment (disabled accounts left out), each with their
 *   interest category, and a fingerprint of the draft's text.
 * - When the open round's window ends, it closes with its result, counted against the standard's
 *   settings then. It is final when it passed, no disapproval lacks the editors' response, and
 *   the draft's text is the same as when it opened; the stage is then over (the next stage opens
 *   by its own window). Otherwise, passed or failed, a recirculation round opens at once for the
 *   standard's `recirculationDays`, with the same roster and every vote (and response) carried
 *   forward for voters to change. Rounds repeat until one is final, or editors cancel the cycle.
 */

/** What a closed round stores in `result`: the outcome the API shows, and the tally as it stood. */
export interface StoredResult extends Omit<BallotResult, "unsatisfiedComments"> {
  /** Absent from rounds closed before comments could be answered. */
  unsatisfiedComments?: number;
  tally: BallotTally;
}

const DAY = 86_400_000;

/** The ballot stage's effects, registered in `ctx.cycleEffects.ballot`. */
export const ballotEffects: StageEffects = {
  opened: async (db, cycle, stage, now) => {
    await openFirstRound(db, cycle, stage, now);
  },
  over: (db, cycle, stage, now) => settleRounds(db, cycle, stage, now),
  // The stage closes when its final round closed, which a recirculation puts after the stage's planned window.
  closed: async (db, cycle) => {
    const last = await lastRound(db, cycle.id);
    if (last?.closed_at) await db.updateTable("cycle_stages").set({ closed_at: last.closed_at }).where("cycle_id", "=", cycle.id).where("kind", "=", "ballot").execute();
  },
};

/** The cycle's latest round, open or closed. */
export async function lastRound(db: Db, cycleId: string): Promise<BallotRoundRow | undefined> {
  return db.selectFrom("ballot_rounds").selectAll().where("cycle_id", "=", cycleId).orderBy("round", "desc").limit(1).executeTakeFirst();
}

/** Whether the cycle's last ballot round closed having passed as final: the publication gate. */
export async function lastRoundPassed(db: Db, cycleId: string): Promise<boolean> {
  const last = await lastRound(db, cycleId);
  const result = last?.result as StoredResult | null | undefined;
  return Boolean(last?.closed_at && result?.passed && result.final);
}

export function ballotSettings(standard: StandardRow): BallotSettings {
  return { threshold: standard.vote_threshold, quorum: standard.ballot_quorum, negativeLimit: standard.negative_limit };
}

const standardOf = (db: Db, cycle: CycleRow) => db.selectFrom("standards").selectAll().where("id", "=", cycle.standard_id).executeTakeFirstOrThrow();
const afterDays = (from: Date, days: number) => new Date(from.getTime() + Math.max(1, days) * DAY);

/**
 * Round 1: it closes with the stage's window; a stage that opens only after its window ended
 * (it was blocked past it) gives its first round `recirculationDays`, so voters get a window.
 */
async function openFirstRound(db: Db, cycle: CycleRow, stage: CycleStageRow, now: Date): Promise<void> {
  if (await lastRound(db, cycle.id)) return;
  const standard = await standardOf(db, cycle);
  const closesAt = stage.closes_at.getTime() > now.getTime() ? stage.closes_at : afterDays(now, standard.recirculation_days);
  const round = await insertRound(db, standard, cycle, 1, now, closesAt);
  const voters = await db
    .selectFrom("memberships")
    .innerJoin("users", "users.id", "memberships.user_id")
    .select(["memberships.user_id", "memberships.interest_category"])
    .where("memberships.standard_id", "=", standard.id)
    .where("memberships.voting", "=", true)
    .where("users.disabled_at", "is", null)
    .execute();
  if (voters.length > 0) await db.insertInto("ballot_roster").values(voters.map((v) => ({ round_id: round.id, user_id: v.user_id, interest_category: v.interest_category }))).execute();
  await recordAudit(db, {
    actorId: null,
    standardId: standard.id,
    action: "ballot.round_open",
    subjectType: "cycle",
    subjectId: cycle.id,
    toState: "open",
    details: { round: 1, opensAt: now.toISOString(), closesAt: closesAt.toISOString(), roster: voters.length },
  });
}

/** The ballot stage's `over`: closes the open round once its window ended and decides what follows. */
async function settleRounds(db: Db, cycle: CycleRow, stage: CycleStageRow, now: Date): Promise<boolean> {
  let round = await lastRound(db, cycle.id);
  if (!round) {
    await openFirstRound(db, cycle, stage, now);
    return false;
  }
  const standard = await standardOf(db, cycle);
  if (round.closed_at) {
    if ((round.result as StoredResult | null)?.final) return true;
    // Not reached by the rules above (a round that is not final is followed at once); kept so a ballot can never stall.
    await openRecirculation(db, standard, cycle, round, now);
    return false;
  }
  // Round 1 follows its stage's window while it runs: an editor who extends the ballot extends it.
  if (round.round === 1 && stage.closes_at.getTime() > round.opens_at.getTime() && stage.closes_at.getTime() !== round.closes_at.getTime()) {
    round = await db.updateTable("ballot_rounds").set({ closes_at: stage.closes_at }).where("id", "=", round.id).returningAll().executeTakeFirstOrThrow();
  }
  if (now.getTime() < round.closes_at.getTime()) return false;
  const result = await closeRound(db, standard, cycle, round);
  if (result.final) return true;
  await openRecirculation(db, standard, cycle, round, now);
  return false;
}

/**
 * Technical comments on the cycle's drafts whose author is a voter of the round and answered
 * their disposition `unsatisfied`: unresolved negatives, which keep the round from being final.
 */
async function unsatisfiedTechnicalComments(db: Db, cycle: CycleRow, round: BallotRoundRow): Promise<number> {
  const row = await db
    .selectFrom("comment_threads")
    .innerJoin("releases", (j) => j.onRef("releases.standard_id", "=", "comment_threads.standard_id").onRef("releases.version", "=", "comment_threads.release_version"))
    .innerJoin("ballot_roster", (j) => j.onRef("ballot_roster.user_id", "=", "comment_threads.author_id").on("ballot_roster.round_id", "=", round.id))
    .select(({ fn }) => fn.countAll<string | number>().as("n"))
    .where("comment_threads.target_kind", "=", "release_section")
    .where("releases.cycle_id", "=", cycle.id)
    .where("comment_threads.kind", "=", "technical")
    .where("comment_threads.answer", "=", "unsatisfied")
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Closes a round at the end of its window, however late this runs, with its result. */
async function closeRound(db: Db, standard: StandardRow, cycle: CycleRow, round: BallotRoundRow): Promise<StoredResult> {
  const votes = await db.selectFrom("ballot_votes").select(["vote", "response"]).where("round_id", "=", round.id).execute();
  const roster = await db.selectFrom("ballot_roster").select(({ fn }) => fn.countAll<string | number>().as("n")).where("round_id", "=", round.id).executeTakeFirstOrThrow();
  const tally = ballotTally(
    votes.map((v) => v.vote),
    Number(roster.n),
    ballotSettings(standard),
  );
  const unansweredNegatives = votes.filter((v) => v.vote === "disapprove" && !v.response?.trim()).length;
  const unsatisfiedComments = await unsatisfiedTechnicalComments(db, cycle, round);
  const textChanged = (await draftFingerprint(db, standard.id)) !== round.text_fingerprint;
  const result: StoredResult = {
    passed: tally.passes,
    final: tally.passes && unansweredNegatives === 0 && unsatisfiedComments === 0 && !textChanged,
    textChanged,
    unansweredNegatives,
    unsatisfiedComments,
    tally,
  };
  await db.updateTable("ballot_rounds").set({ closed_at: round.closes_at, result: JSON.stringify(result) }).where("id", "=", round.id).execute();
  await recordAudit(db, {
    actorId: null,
    standardId: standard.id,
    action: "ballot.round_close",
    subjectType: "cycle",
    subjectId: cycle.id,
    fromState: "open",
    toState: result.final ? "final" : result.passed ? "passed" : "failed",
    details: { round: round.round, passed: result.passed, final: result.final, textChanged, unansweredNegatives, unsatisfiedComments, approve: tally.approve, disapprove: tally.disapprove, abstain: tally.abstain, roster: tally.roster },
  });
  return result;
}

/** A recirculation round after `previous`: open from now, with its roster and every vote carried forward. */
async function openRecirculation(db: Db, standard: StandardRow, cycle: CycleRow, previous: BallotRoundRow, now: Date): Promise<void> {
  const closesAt = afterDays(now, standard.recirculation_days);
  const round = await insertRound(db, standard, cycle, previous.round + 1, now, closesAt);
  const roster = await db.selectFrom("ballot_roster").selectAll().where("round_id", "=", previous.id).execute();
  if (roster.length > 0) await db.insertInto("ballot_roster").values(roster.map((r) => ({ ...r, round_id: round.id }))).execute();
  const votes = await db.selectFrom("ballot_votes").selectAll().where("round_id", "=", previous.id).execute();
  if (votes.length > 0) await db.insertInto("ballot_votes").values(votes.map((v) => ({ ...v, round_id: round.id }))).execute();
  await recordAudit(db, {
    actorId: null,
    standardId: standard.id,
    action: "ballot.round_open",
    subjectType: "cycle",
    subjectId: cycle.id,
    toState: "open",
    details: { round: round.round, recirculation: true, opensAt: now.toISOString(), closesAt: closesAt.toISOString(), roster: roster.length, votesCarried: votes.length },
  });
}

async function insertRound(db: Db, standard: StandardRow, cycle: CycleRow, number: number, opensAt: Date, closesAt: Date): Promise<BallotRoundRow> {
  return db
    .insertInto("ballot_rounds")
    .values({ id: randomUUID(), cycle_id: cycle.id, round: number, opens_at: opensAt, closes_at: closesAt, text_fingerprint: await draftFingerprint(db, standard.id), closed_at: null, result: null })
    .returningAll()
    .executeTakeFirstOrThrow();
}
