/**
 * Proposals: live, co-edited branches of a standard, reviewed, voted on and merged into the
 * draft by an editor. The public surface of the module.
 */
export {
  accessToProposal,
  readProposal,
  readProposalDiff,
  readProposalPreview,
  createProposal,
  updateProposal,
  submitProposal,
  reopenProposal,
  withdrawProposal,
  addCoAuthor,
  removeCoAuthor,
  coAuthorCandidates,
  castVote,
  listProposals,
  type ProposalAccess,
  type NewProposal,
  type VoteInput,
} from "./proposals";
export { addProposalSection, changeProposalSection, deleteProposalSection, openProposalSection, type NewProposalSection } from "./structure";
export { acceptProposal, rejectProposal } from "./decide";
export { proposalDetail, proposalSections, tallyOf, timelineOf } from "./view";
export { proposalRoom, parseProposalRoom, forkSection, lowestActiveBaseSeq, activeBaseSeqs } from "./rooms";
export { proposalRoomGrant } from "./room-access";
export { unlistedChanges, workflowRecords } from "./release-records";
export { tally, type Tally } from "./tally";
export type { OutlineEntry, MergeConflict, MergeStep } from "./outline";
