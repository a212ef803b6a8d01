import type { Tally } from "@codewright/shared";

/** A fraction as a whole percentage: 0.6667 → "67%". */
export function percent(fraction: number): string {
  return `${Math.round(fraction * 100)}%`;
}

/** The tally in words, for the tally meter and the decision form. */
export interface TallyReading {
  /** Votes cast, abstentions included. */
  cast: number;
  /** "67% approve" or "No approvals or disapprovals yet". */
  ratio: string;
  /** "67% must approve". */
  threshold: string;
  /** "Quorum: 3 of 5 votes" or "No quorum needed". */
  quorum: string;
  /** "Passes", or why not. */
  verdict: string;
}

/**
 * Reads a tally as the server measured it (the server decides; this only words it). The
 * ratio counts approvals among approve + disapprove votes; the quorum counts every vote.
 */
export function readTally(tally: Tally): TallyReading {
  const cast = tally.approve + tally.disapprove + tally.abstain;
  const ratio = tally.ratio === null ? "No approvals or disapprovals yet" : `${percent(tally.ratio)} approve`;
  const threshold = `${percent(tally.threshold)} must approve`;
  const quorum = tally.quorum === 0 ? "No quorum needed" : `Quorum: ${cast} of ${tally.quorum} ${tally.quorum === 1 ? "vote" : "votes"}`;
  let verdict: string;
  if (tally.passes) verdict = "Passes";
  else if (!tally.quorumMet) verdict = `Does not pass yet: ${tally.quorum - cast} more ${tally.quorum - cast === 1 ? "vote is" : "votes are"} needed for a quorum`;
  else if (tally.ratio === null) verdict = "Does not pass: nobody approved or disapproved";
  else verdict = "Does not pass: too few approve";
  return { cast, ratio, threshold, quorum, verdict };
}

export type DecisionOutcome = "accept" | "reject";

/**
 * Whether deciding this way goes against the tally: accepting a tally that does not pass, or
 * rejecting one that does. Such a decision must say why, and the reason is shown with it.
 */
export function againstTally(outcome: DecisionOutcome, tally: Tally): boolean {
  return outcome === "accept" ? !tally.passes : tally.passes;
}

/**
 * Whether the decision form must have text: a rejection always gives its reason; an
 * acceptance needs a note only when it goes against the tally.
 */
export function decisionNeedsText(outcome: DecisionOutcome, tally: Tally): boolean {
  return outcome === "reject" || againstTally(outcome, tally);
}
