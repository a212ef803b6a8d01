import { Type, type Static } from "typebox";
import { ReleaseDiff } from "../diff/types";
import { CreateSectionBody, UpdateSectionBody } from "./standards";
import { Flags, LongText, Title, Uuid } from "./common";
import { Affiliation } from "./participation";

/** `draft → open → accepted | rejected | withdrawn`; `open → draft` when its authors reopen it. */
export const ProposalState = Type.Union([
  Type.Literal("draft"),
  Type.Literal("open"),
  Type.Literal("accepted"),
  Type.Literal("rejected"),
  Type.Literal("withdrawn"),
]);
export type ProposalState = Static<typeof ProposalState>;

/**
 * A person as other people see them: their name and the organisation they speak for (null for
 * none), shown side by side wherever they propose, vote, decide or comment.
 */
export const UserRef = Type.Object({ id: Uuid, displayName: Type.String(), affiliation: Type.Union([Type.String(), Type.Null()]) });
export type UserRef = Static<typeof UserRef>;

export const VoteChoice = Type.Union([Type.Literal("approve"), Type.Literal("disapprove"), Type.Literal("abstain")]);
export type VoteChoice = Static<typeof VoteChoice>;

/** The votes on a proposal measured against the standard's threshold and quorum. */
export const Tally = Type.Object({
  approve: Type.Integer(),
  disapprove: Type.Integer(),
  abstain: Type.Integer(),
  /** approve / (approve + disapprove); null before any approve or disapprove vote. */
  ratio: Type.Union([Type.Number(), Type.Null()]),
  threshold: Type.Number(),
  quorum: Type.Integer(),
  quorumMet: Type.Boolean(),
  passes: Type.Boolean(),
});
export type Tally = Static<typeof Tally>;

/**
 * `POST /api/standards/:slug/proposals`. `rationale` is the substantiation (why). During a cycle's
 * input stage, `affiliation` is the submitter's (kept on their profile when it names none), and
 * `fromSection` starts the proposal with that section of the draft forked, as "Propose a change"
 * on a release section does.
 */
export const CreateProposalBody = Type.Object({
  title: Title,
  rationale: Type.Optional(LongText),
  affiliation: Type.Optional(Affiliation),
  fromSection: Type.Optional(Uuid),
});
export type CreateProposalBody = Static<typeof CreateProposalBody>;
export const ProposalCreated = Type.Object({ id: Uuid, state: Type.Literal("draft") });
export type ProposalCreated = Static<typeof ProposalCreated>;

export const UpdateProposalBody = Type.Object({ title: Type.Optional(Title), rationale: Type.Optional(LongText) });
export type UpdateProposalBody = Static<typeof UpdateProposalBody>;

export const ProposalListQuery = Type.Object({ state: Type.Optional(ProposalState) });
export type ProposalListQuery = Static<typeof ProposalListQuery>;

export const ProposalSummary = Type.Object({
  id: Uuid,
  standard: Type.String(),
  title: Type.String(),
  state: ProposalState,
  author: UserRef,
  tally: Tally,
  createdAt: Type.String({ format: "date-time" }),
  updatedAt: Type.String({ format: "date-time" }),
  submittedAt: Type.Union([Type.String({ format: "date-time" }), Type.Null()]),
  decidedAt: Type.Union([Type.String({ format: "date-time" }), Type.Null()]),
});
export type ProposalSummary = Static<typeof ProposalSummary>;
export const ProposalList = Type.Object({ proposals: Type.Array(ProposalSummary) });
export type ProposalList = Static<typeof ProposalList>;

/** What a proposal does to one section, compared with its base; `change` is the most telling of `changes`. */
export const ProposalSectionChange = Type.Union([
  Type.Literal("added"),
  Type.Literal("deleted"),
  Type.Literal("modified"),
  Type.Literal("moved"),
  Type.Literal("retitled"),
  Type.Literal("unchanged"),
]);
export type ProposalSectionChange = Static<typeof ProposalSectionChange>;

/**
 * A section of the proposal's outline. Deleted sections stay listed (with their base place) so
 * reviewers see them. `room` is the proposal's own room for the section: it exists once the
 * section is forked (`forked`), and is forked when its authors first open it for writing.
 */
export const ProposalSection = Type.Object({
  id: Uuid,
  parentId: Type.Union([Uuid, Type.Null()]),
  label: Type.String(),
  number: Type.String(),
  title: Type.String(),
  room: Type.String(),
  forked: Type.Boolean(),
  change: ProposalSectionChange,
  /** Every status from the diff engine that applies (`removed` reads `deleted` here). */
  changes: Type.Array(Type.String()),
});
export type ProposalSection = Static<typeof ProposalSection>;

export const Vote = Type.Object({
  user: UserRef,
  vote: VoteChoice,
  reason: Type.Union([Type.String(), Type.Null()]),
  updatedAt: Type.String({ format: "date-time" }),
});
export type Vote = Static<typeof Vote>;

/** One entry of the audit log about the proposal. */
export const TimelineEntry = Type.Object({
  at: Type.String({ format: "date-time" }),
  actor: Type.Union([UserRef, Type.Null()]),
  action: Type.String(),
  fromState: Type.Union([Type.String(), Type.Null()]),
  toState: Type.Union([Type.String(), Type.Null()]),
  details: Type.Record(Type.String(), Type.Unknown()),
});
export type TimelineEntry = Static<typeof TimelineEntry>;

/** The editor's decision with the tally as it stood; `againstTally` decisions carry their reason. */
export const Decision = Type.Object({
  outcome: Type.Union([Type.Literal("accepted"), Type.Literal("rejected")]),
  decidedBy: UserRef,
  reason: Type.String(),
  tally: Tally,
  againstTally: Type.Boolean(),
  sections: Type.Array(Uuid),
  decidedAt: Type.String({ format: "date-time" }),
});
export type Decision = Static<typeof Decision>;

/**
 * What a cycle's committee did with an input: its action and statement (the committee's reason,
 * owed to the submitter), with the tally and the named votes (with reasons and affiliations) as
 * they stood, frozen into the record, and who recorded it.
 */
export const CommitteeActionKind = Type.Union([Type.Literal("accept"), Type.Literal("accept-as-modified"), Type.Literal("reject")]);
export type CommitteeActionKind = Static<typeof CommitteeActionKind>;
export const CommitteeActionBody = Type.Object({ action: CommitteeActionKind, statement: LongText });
export type CommitteeActionBody = Static<typeof CommitteeActionBody>;
export const NamedVote = Type.Object({ user: UserRef, vote: VoteChoice, reason: Type.Union([Type.String(), Type.Null()]) });
export type NamedVote = Static<typeof NamedVote>;
export const CommitteeAction = Type.Object({
  proposal: Uuid,
  cycle: Uuid,
  action: CommitteeActionKind,
  statement: Type.String(),
  tally: Tally,
  votes: Type.Array(NamedVote),
  actedBy: Type.Union([UserRef, Type.Null()]),
  actedAt: Type.String({ format: "date-time" }),
});
export type CommitteeAction = Static<typeof CommitteeAction>;

/** What the asking user may do with the proposal now (for showing buttons; the server checks again). */
export const ProposalPermissions = Flags(["edit", "submit", "reopen", "withdraw", "inviteCoAuthors", "vote", "decide", "recordCommitteeAction", "comment"]);
export type ProposalPermissions = Static<typeof ProposalPermissions>;

export const ProposalDetail = Type.Object({
  id: Uuid,
  standard: Type.String(),
  title: Type.String(),
  rationale: Type.String(),
  state: ProposalState,
  author: UserRef,
  coAuthors: Type.Array(UserRef),
  /** The draft it forked from: when, and the outline as it stood then. */
  base: Type.Object({
    createdAt: Type.String({ format: "date-time" }),
    sections: Type.Array(Type.Object({ id: Uuid, parentId: Type.Union([Uuid, Type.Null()]), label: Type.String(), number: Type.String(), title: Type.String() })),
  }),
  tally: Tally,
  votes: Type.Array(Vote),
  myVote: Type.Union([Vote, Type.Null()]),
  decision: Type.Union([Decision, Type.Null()]),
  timeline: Type.Array(TimelineEntry),
  sections: Type.Array(ProposalSection),
  permissions: ProposalPermissions,
  /** The cycle it is an input to; null for a proposal outside any cycle. */
  cycle: Type.Union([Uuid, Type.Null()]),
  /** What the committee did with it, once recorded (inputs only). */
  committeeAction: Type.Union([CommitteeAction, Type.Null()]),
  createdAt: Type.String({ format: "date-time" }),
  updatedAt: Type.String({ format: "date-time" }),
  submittedAt: Type.Union([Type.String({ format: "date-time" }), Type.Null()]),
  decidedAt: Type.Union([Type.String({ format: "date-time" }), Type.Null()]),
});
export type ProposalDetail = Static<typeof ProposalDetail>;

export const AddCoAuthorBody = Type.Object({ userId: Uuid });
export type AddCoAuthorBody = Static<typeof AddCoAuthorBody>;
export const CoAuthorList = Type.Object({ coAuthors: Type.Array(UserRef) });
export type CoAuthorList = Static<typeof CoAuthorList>;

/** A proposal's sections are added and changed with the same bodies as the draft's. */
export const AddProposalSectionBody = CreateSectionBody;
export type AddProposalSectionBody = CreateSectionBody;
export const UpdateProposalSectionBody = UpdateSectionBody;
export type UpdateProposalSectionBody = UpdateSectionBody;

/** `POST …/accept`: the note is required when the tally does not pass (deciding against it). */
export const AcceptProposalBody = Type.Object({ note: Type.Optional(LongText) });
export type AcceptProposalBody = Static<typeof AcceptProposalBody>;
export const RejectProposalBody = Type.Object({ reason: Type.String({ ...LongText, minLength: 1 }) });
export type RejectProposalBody = Static<typeof RejectProposalBody>;

export const VoteBody = Type.Object({ vote: VoteChoice, reason: Type.Optional(LongText) });
export type VoteBody = Static<typeof VoteBody>;

/** Where the proposal's structure cannot be replayed on today's draft. */
export const MergeConflict = Type.Object({
  sectionId: Uuid,
  reason: Type.Union([Type.Literal("section_deleted"), Type.Literal("parent_deleted"), Type.Literal("invalid_move")]),
});
export type MergeConflict = Static<typeof MergeConflict>;

/** `GET /api/proposals/:id/diff`: the proposal against its base. */
export const ProposalDiff = ReleaseDiff;
export type ProposalDiff = Static<typeof ProposalDiff>;

/** `GET /api/proposals/:id/preview`: today's draft against the draft if the proposal were accepted now. */
export const ProposalPreview = Type.Object({ diff: ReleaseDiff, conflicts: Type.Array(MergeConflict) });
export type ProposalPreview = Static<typeof ProposalPreview>;
