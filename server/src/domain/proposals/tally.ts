import type { VoteChoice } from "../../db/tables/proposals";

/** The votes cast on a proposal, measured against the standard's settings. */
export interface Tally {
  approve: number;
  disapprove: number;
  abstain: number;
  /** approve / (approve + disapprove); null when nobody approved or disapproved. */
  ratio: number | null;
  /** Fraction of approve + disapprove votes that must approve (the standard's setting). */
  threshold: number;
  /** Least number of votes cast, abstentions included (the standard's setting). */
  quorum: number;
  quorumMet: boolean;
  /** True when the quorum is met and the ratio reaches the threshold. */
  passes: boolean;
}

// Ratios are compared with a small tolerance so that 2 of 3 reaches a threshold stored as 2/3.
const EPSILON = 1e-9;

/**
 * Counts votes and measures them: passes when approve + disapprove + abstain ≥ quorum and
 * approve / (approve + disapprove) ≥ threshold. With no approve or disapprove vote it never
 * passes. Throws RangeError for a threshold outside (0, 1] or a negative quorum.
 */
export function tally(votes: Iterable<VoteChoice>, settings: { threshold: number; quorum: number }): Tally {
  const { threshold, quorum } = settings;
  if (!(threshold > 0 && threshold <= 1)) throw new RangeError(`The vote threshold must be in (0, 1], not ${threshold}.`);
  if (!(Number.isInteger(quorum) && quorum >= 0)) throw new RangeError(`The vote quorum must be a whole number ≥ 0, not ${quorum}.`);
  const counts = { approve: 0, disapprove: 0, abstain: 0 };
  for (const v of votes) counts[v]++;
  const decisive = counts.approve + counts.disapprove;
  const ratio = decisive === 0 ? null : counts.approve / decisive;
  const quorumMet = decisive + counts.abstain >= quorum;
  return { ...counts, ratio, threshold, quorum, quorumMet, passes: quorumMet && ratio !== null && ratio + EPSILON >= threshold };
}
