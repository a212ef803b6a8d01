import type { CommitteeAction, CommitteeActionKind, ProposalDetail } from "@codewright/shared";

/** A proposal as servers with revision cycles show it: the cycle it is an input of, and the committee's action on it. */
export type CycleProposal = ProposalDetail & { cycle?: string | null; committeeAction?: CommitteeAction | null };

/** The cycle a proposal is an input of, or null (also from servers that do not say). */
export const inputCycleOf = (detail: ProposalDetail): string | null => (detail as CycleProposal).cycle ?? null;

/** The committee's action in the proposal's detail: undefined when the server does not say, null before one. */
export const actionOf = (detail: ProposalDetail): CommitteeAction | null | undefined => (detail as CycleProposal).committeeAction;

export const ACTION_LABELS: Readonly<Record<CommitteeActionKind, string>> = {
  accept: "Accept",
  "accept-as-modified": "Accept as modified",
  reject: "Reject",
};

/** The recorded action as its heading reads. */
export const ACTION_OUTCOMES: Readonly<Record<CommitteeActionKind, string>> = {
  accept: "Accepted",
  "accept-as-modified": "Accepted as modified",
  reject: "Rejected",
};

/** What the action does, for the editor choosing it. */
export const ACTION_HINTS: Readonly<Record<CommitteeActionKind, string>> = {
  accept: "Merges the proposal into the draft as it stands.",
  "accept-as-modified": "Change the proposal's text first (your edits are attributed to you), then record this to merge it.",
  reject: "Closes the proposal; the statement tells the submitter why.",
};

/** Why the form cannot be sent, or null: a statement is owed to the submitter. */
export function committeeActionProblem(action: CommitteeActionKind | null, statement: string): string | null {
  if (action === null) return "Choose the committee's action.";
  if (!statement.trim()) return "Write the committee statement: the reason for the action, owed to the submitter.";
  return null;
}
