import type { BallotTally, VoteChoice } from "@codewright/shared";

/** What a ballot is measured against: the standard's settings when it is counted. */
export interface BallotSettings {
  /** approve / (approve + disapprove) must reach it (the standard's `voteThreshold`). */
  threshold: number;
  /** Ballots returned, abstentions included, over the roster must reach it (`ballotQuorum`). */
  quorum: number;
  /** disapprove / every vote cast (abstentions included) must not exceed it (`negativeLimit`); null for no limit. */
  negativeLimit: number | null;
}

// Shares are compared with a small tolerance, so that 2 of 3 reaches a threshold stored as 2/3.
const EPSILON = 1e-9;

/**
 * Counts a ballot round's votes against its roster. It passes when all three hold:
 * approve / (approve + disapprove) ≥ threshold (abstentions excluded; with no approval or
 * disapproval it never passes); ballots returned / roster ≥ quorum (abstentions included); and,
 * with a negative limit, disapprove / all votes cast ≤ the limit. Abstentions count as cast
 * there: without them the limit would only restate the threshold.
 */
export function ballotTally(votes: Iterable<VoteChoice>, roster: number, settings: BallotSettings): BallotTally {
  const counts = { approve: 0, disapprove: 0, abstain: 0 };
  for (const v of votes) counts[v]++;
  const decisive = counts.approve + counts.disapprove;
  const cast = decisive + counts.abstain;
  const ratio = decisive === 0 ? null : counts.approve / decisive;
  const returned = roster === 0 ? 0 : cast / roster;
  const negativeShare = cast === 0 ? null : counts.disapprove / cast;
  const { threshold, quorum, negativeLimit } = settings;
  const passes =
    ratio !== null && ratio + EPSILON >= threshold && returned + EPSILON >= quorum && (negativeLimit === null || (negativeShare ?? 0) <= negativeLimit + EPSILON);
  return { ...counts, roster, ratio, threshold, returned, quorum, negativeShare, negativeLimit, passes };
}
