import type { ProposalSectionChange, ProposalState } from "@codewright/shared";

/** Every proposal state, in the order of its life: the proposals list filters by these. */
export const PROPOSAL_STATES: readonly ProposalState[] = ["draft", "open", "accepted", "rejected", "withdrawn"];

/** A proposal's state as people read it. */
export const STATE_LABELS: Record<ProposalState, string> = {
  draft: "Draft",
  open: "Open for review",
  accepted: "Accepted",
  rejected: "Rejected",
  withdrawn: "Withdrawn",
};

/** What each state means for whoever looks at the proposal, in one sentence. */
export const STATE_HINTS: Record<ProposalState, string> = {
  draft: "Its authors are still writing it; its text can change.",
  open: "Submitted for review: its text is frozen while members vote and editors decide.",
  accepted: "Accepted and merged into the draft.",
  rejected: "Rejected by an editor; it was not merged.",
  withdrawn: "Withdrawn by its author.",
};

/** What a proposal does to a section, as a badge reads. */
export const CHANGE_LABELS: Record<ProposalSectionChange, string> = {
  added: "Added",
  deleted: "Deleted",
  modified: "Text changed",
  moved: "Moved",
  retitled: "Retitled",
  unchanged: "Unchanged",
};

/** The most the title field takes (the API's limit). */
export const TITLE_MAX = 300;

/**
 * The title a new proposal starts with when it is proposed from a section: "Change to 2.3
 * Fuzzing". Cut to the API's limit; its authors retitle it as they like.
 */
export function proposalTitleFor(section: { number: string; title: string }): string {
  const title = `Change to ${section.number} ${section.title}`.trim();
  return title.length <= TITLE_MAX ? title : `${title.slice(0, TITLE_MAX - 1)}…`;
}
