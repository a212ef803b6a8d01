import { Type, type Static } from "typebox";
import { LongText, Title, Uuid } from "./common";
import { Tally, UserRef, VoteChoice } from "./proposals";

/** The stages of a revision cycle, in the only order they may run. A cycle may leave any out but `ballot`. */
export const STAGE_KINDS = ["input", "committee", "comment", "resolution", "ballot", "publication"] as const;
export const StageKind = Type.Union([
  Type.Literal("input"),
  Type.Literal("committee"),
  Type.Literal("comment"),
  Type.Literal("resolution"),
  Type.Literal("ballot"),
  Type.Literal("publication"),
]);
export type StageKind = (typeof STAGE_KINDS)[number];

/**
 * `upcoming`: its window has not begun; `open`: actions of its kind are taken now; `blocked`: its
 * window has begun but what the stage before it owes is not done (see `blockers`); `closed`: done.
 */
export const StageState = Type.Union([Type.Literal("upcoming"), Type.Literal("open"), Type.Literal("blocked"), Type.Literal("closed")]);
export type StageState = Static<typeof StageState>;

export const CycleState = Type.Union([Type.Literal("active"), Type.Literal("closed"), Type.Literal("cancelled")]);
export type CycleState = Static<typeof CycleState>;

const DateTime = Type.String({ format: "date-time" });

export const StageWindow = Type.Object({ kind: StageKind, opensAt: DateTime, closesAt: DateTime });
export type StageWindow = Static<typeof StageWindow>;

export const CreateCycleBody = Type.Object({
  title: Title,
  /** The published release the cycle revises. */
  baseVersion: Type.String({ minLength: 1, maxLength: 64 }),
  stages: Type.Array(StageWindow, { minItems: 1, maxItems: 6 }),
});
export type CreateCycleBody = Static<typeof CreateCycleBody>;

export const Stage = Type.Object({
  id: Uuid,
  kind: StageKind,
  opensAt: DateTime,
  closesAt: DateTime,
  state: StageState,
  /** When it really opened and closed (an early advance closes it before `closesAt`); null until then. */
  openedAt: Type.Union([DateTime, Type.Null()]),
  closedAt: Type.Union([DateTime, Type.Null()]),
});
export type Stage = Static<typeof Stage>;

/** Something that keeps the next stage from opening, with what to open to fix it. */
export const Blocker = Type.Object({
  kind: Type.Union([
    Type.Literal("input-without-action"),
    Type.Literal("action-without-statement"),
    Type.Literal("comment-without-disposition"),
    Type.Literal("ballot-not-passed"),
    Type.Literal("ballot-open"),
  ]),
  message: Type.String(),
  target: Type.Object({ kind: Type.Union([Type.Literal("proposal"), Type.Literal("comment"), Type.Literal("cycle")]), id: Uuid }),
});
export type Blocker = Static<typeof Blocker>;

/** A change of a stage's window, with its reason, as the audit log keeps it. */
export const WindowChange = Type.Object({
  stage: StageKind,
  at: DateTime,
  by: Type.Union([UserRef, Type.Null()]),
  reason: Type.String(),
  from: Type.Object({ opensAt: DateTime, closesAt: DateTime }),
  to: Type.Object({ opensAt: DateTime, closesAt: DateTime }),
});
export type WindowChange = Static<typeof WindowChange>;

/** A comment deferred by the cycle before, carried into this one's inputs. */
export const CarriedOverComment = Type.Object({
  comment: Uuid,
  /** The start of its body. */
  excerpt: Type.String(),
  /** The cycle that deferred it. */
  fromCycle: Uuid,
});
export type CarriedOverComment = Static<typeof CarriedOverComment>;

export const Cycle = Type.Object({
  id: Uuid,
  standard: Type.String(),
  title: Type.String(),
  baseVersion: Type.String(),
  state: CycleState,
  /** The standard's IANA time zone, in which its pages show every date (always naming it). */
  timeZone: Type.String(),
  stages: Type.Array(Stage),
  /** The stage open or blocked now; null before the first opens and after the cycle ends. */
  currentStage: Type.Union([StageKind, Type.Null()]),
  blockers: Type.Array(Blocker),
  windowChanges: Type.Array(WindowChange),
  /** Comments the standard's previous cycle disposed of as `deferred`, oldest first: inputs of this one. */
  carriedOver: Type.Array(CarriedOverComment),
  /** Counts for the cycle page. */
  counts: Type.Object({
    inputs: Type.Integer({ minimum: 0 }),
    inputsByAction: Type.Object({ accept: Type.Integer(), "accept-as-modified": Type.Integer(), reject: Type.Integer(), none: Type.Integer() }),
    comments: Type.Integer({ minimum: 0 }),
    commentsWithoutDisposition: Type.Integer({ minimum: 0 }),
  }),
  createdAt: DateTime,
  endedAt: Type.Union([DateTime, Type.Null()]),
  cancelReason: Type.Union([Type.String(), Type.Null()]),
});
export type Cycle = Static<typeof Cycle>;
export const CycleResponse = Type.Object({ cycle: Cycle });
export type CycleResponse = Static<typeof CycleResponse>;
export const CycleList = Type.Object({ cycles: Type.Array(Cycle) });
export type CycleList = Static<typeof CycleList>;

export const UpdateStageBody = Type.Object({
  opensAt: Type.Optional(DateTime),
  closesAt: Type.Optional(DateTime),
  /** Why the window moved: kept in the audit log and shown on the cycle page. */
  reason: Type.String({ minLength: 1, maxLength: 2000 }),
});
export type UpdateStageBody = Static<typeof UpdateStageBody>;
export const CancelCycleBody = Type.Object({ reason: Type.String({ minLength: 1, maxLength: 2000 }) });
export type CancelCycleBody = Static<typeof CancelCycleBody>;

// ---- Committee actions: see proposals.ts (`CommitteeAction`), as a proposal's detail carries its action.

// ---- The ballot -----------------------------------------------------------------------------

export const BallotVoteBody = Type.Object({ vote: VoteChoice, reason: Type.Optional(LongText) });
export type BallotVoteBody = Static<typeof BallotVoteBody>;
export const NegativeResponseBody = Type.Object({ response: LongText });
export type NegativeResponseBody = Static<typeof NegativeResponseBody>;

export const BallotTally = Type.Object({
  approve: Type.Integer(),
  disapprove: Type.Integer(),
  abstain: Type.Integer(),
  roster: Type.Integer(),
  /** approve / (approve + disapprove); null before any. */
  ratio: Type.Union([Type.Number(), Type.Null()]),
  threshold: Type.Number(),
  /** Ballots returned (abstentions included) over the roster. */
  returned: Type.Number(),
  quorum: Type.Number(),
  /** disapprove / all cast; null before any. */
  negativeShare: Type.Union([Type.Number(), Type.Null()]),
  negativeLimit: Type.Union([Type.Number(), Type.Null()]),
  passes: Type.Boolean(),
});
export type BallotTally = Static<typeof BallotTally>;

/** How a closed round ended. `final` only when it passed with every negative answered and no change of the draft's text during it. */
export const BallotResult = Type.Object({
  passed: Type.Boolean(),
  final: Type.Boolean(),
  /** The draft's text changed between the round's opening and its close. */
  textChanged: Type.Boolean(),
  /** Disapprovals with no response from the editors when the round closed. */
  unansweredNegatives: Type.Integer(),
  /**
   * Technical comments on the cycle's first draft whose author, a voter of the round, answered
   * their disposition `unsatisfied` when the round closed: unresolved negatives too.
   */
  unsatisfiedComments: Type.Integer(),
});
export type BallotResult = Static<typeof BallotResult>;

/** A vote on the round, with the voter's name and affiliation, and the editors' response to a disapproval. */
export const BallotVote = Type.Object({
  user: UserRef,
  affiliation: Type.Union([Type.String(), Type.Null()]),
  /** The voter's interest category when the roster was frozen. */
  interestCategory: Type.Union([Type.String(), Type.Null()]),
  vote: VoteChoice,
  reason: Type.Union([Type.String(), Type.Null()]),
  castAt: DateTime,
  /** The editors' answer to a disapproval; null until they give one (and for other votes). */
  response: Type.Union([Type.String(), Type.Null()]),
  respondedAt: Type.Union([DateTime, Type.Null()]),
});
export type BallotVote = Static<typeof BallotVote>;

export const BallotRound = Type.Object({
  round: Type.Integer({ minimum: 1 }),
  /** `recirculation` for every round after the first. */
  kind: Type.Union([Type.Literal("ballot"), Type.Literal("recirculation")]),
  opensAt: DateTime,
  closesAt: DateTime,
  /** A round of a cancelled cycle that never closed shows as closed, with no result. */
  state: Type.Union([Type.Literal("open"), Type.Literal("closed")]),
  /** Live while the round is open; as it stood when it closed afterwards. */
  tally: BallotTally,
  /** Set when the round closed. */
  result: Type.Union([BallotResult, Type.Null()]),
  /** Every vote, in the order of the voters' names. A recirculation starts with the previous round's votes. */
  votes: Type.Array(BallotVote),
});
export type BallotRound = Static<typeof BallotRound>;

export const Roster = Type.Object({
  /** Voters on the roster: frozen with the first round; before it opens, the voting members now. */
  size: Type.Integer(),
  /** Voters per interest category, every category of the standard included (0 when none). */
  byCategory: Type.Record(Type.String(), Type.Integer()),
  /** Voters with no interest category. */
  uncategorized: Type.Integer(),
  /** Categories holding more than a third of the voters. */
  overRepresented: Type.Array(Type.String()),
});
export type Roster = Static<typeof Roster>;

export const Ballot = Type.Object({
  cycle: Uuid,
  /** The standard's IANA time zone, in which pages show the rounds' windows. */
  timeZone: Type.String(),
  /** Rounds oldest first; the last is the open one while the ballot runs. */
  rounds: Type.Array(BallotRound),
  roster: Roster,
});
export type Ballot = Static<typeof Ballot>;
