import type { Ballot, BallotRound, BallotVote, Roster } from "@codewright/shared";
import type { Db } from "../../../db/database";
import type { CycleRow } from "../../../db/tables/cycles";
import type { StandardRow } from "../../../db/tables/standards";
import { ballotSettings, type StoredResult } from "./rounds";
import { ballotTally } from "./tally";

/**
 * A cycle's ballot as the API shows it: every round with its tally, result and named votes, and
 * the balance of the roster. The same for everyone who may read the standard.
 */
export async function ballotView(db: Db, standard: StandardRow, cycle: CycleRow): Promise<Ballot> {
  const rounds = await db.selectFrom("ballot_rounds").selectAll().where("cycle_id", "=", cycle.id).orderBy("round").execute();
  const ids = rounds.map((r) => r.id);
  const votes =
    ids.length === 0
      ? []
      : await db
          .selectFrom("ballot_votes")
          .innerJoin("users", "users.id", "ballot_votes.user_id")
          .leftJoin("ballot_roster", (j) => j.onRef("ballot_roster.round_id", "=", "ballot_votes.round_id").onRef("ballot_roster.user_id", "=", "ballot_votes.user_id"))
          .select([
            "ballot_votes.round_id",
            "ballot_votes.user_id",
            "users.display_name",
            "users.affiliation",
            "ballot_roster.interest_category",
            "ballot_votes.vote",
            "ballot_votes.reason",
            "ballot_votes.cast_at",
            "ballot_votes.response",
            "ballot_votes.responded_at",
          ])
          .where("ballot_votes.round_id", "in", ids)
          .orderBy("users.display_name")
          .orderBy("ballot_votes.user_id")
          .execute();
  const rosters = ids.length === 0 ? [] : await db.selectFrom("ballot_roster").select(["round_id", "interest_category"]).where("round_id", "in", ids).execute();
  const settings = ballotSettings(standard);

  const views: BallotRound[] = rounds.map((r) => {
    const mine = votes.filter((v) => v.round_id === r.id);
    const stored = r.result as StoredResult | null;
    const open = cycle.state === "active" && r.closed_at === null;
    const tally =
      stored?.tally ??
      ballotTally(
        mine.map((v) => v.vote),
        rosters.filter((x) => x.round_id === r.id).length,
        settings,
      );
    return {
      round: r.round,
      kind: r.round === 1 ? "ballot" : "recirculation",
      opensAt: r.opens_at.toISOString(),
      closesAt: r.closes_at.toISOString(),
      state: open ? "open" : "closed",
      tally,
      result: stored ? { passed: stored.passed, final: stored.final, textChanged: stored.textChanged, unansweredNegatives: stored.unansweredNegatives, unsatisfiedComments: stored.unsatisfiedComments ?? 0 } : null,
      votes: mine.map(
        (v): BallotVote => ({
          user: { id: v.user_id, displayName: v.display_name, affiliation: v.affiliation },
          affiliation: v.affiliation,
          interestCategory: v.interest_category ?? null,
          vote: v.vote,
          reason: v.reason,
          castAt: new Date(v.cast_at).toISOString(),
          response: v.response,
          respondedAt: v.responded_at ? new Date(v.responded_at).toISOString() : null,
        }),
      ),
    };
  });

  const last = rounds[rounds.length - 1];
  const categories = last ? rosters.filter((x) => x.round_id === last.id).map((x) => x.interest_category) : await prospectiveRoster(db, standard);
  return { cycle: cycle.id, timeZone: standard.time_zone, rounds: views, roster: rosterBalance(categories, standard.interest_categories) };
}

/** Before the ballot opens, the roster it would freeze now: the voting members (disabled accounts left out). */
async function prospectiveRoster(db: Db, standard: StandardRow): Promise<(string | null)[]> {
  const rows = await db
    .selectFrom("memberships")
    .innerJoin("users", "users.id", "memberships.user_id")
    .select("memberships.interest_category")
    .where("memberships.standard_id", "=", standard.id)
    .where("memberships.voting", "=", true)
    .where("users.disabled_at", "is", null)
    .execute();
  return rows.map((r) => r.interest_category);
}

/**
 * The balance of a roster: voters per interest category (every category the standard defines,
 * and any a voter still carries after the standard dropped it), and the categories holding more
 * than a third of the voters, as ANSI-accredited bodies must avoid.
 */
export function rosterBalance(categories: readonly (string | null)[], defined: readonly string[]): Roster {
  const counts = new Map<string, number>(defined.map((c) => [c, 0]));
  let uncategorized = 0;
  for (const c of categories) {
    if (c === null) uncategorized++;
    else counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  const size = categories.length;
  const overRepresented = [...counts].filter(([, n]) => 3 * n > size).map(([c]) => c);
  return { size, byCategory: Object.fromEntries(counts), uncategorized, overRepresented };
}
