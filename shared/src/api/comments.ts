import { Type, type Static } from "typebox";
import { LongText, Slug, Uuid } from "./common";
import { UserRef } from "./proposals";

/**
 * What a thread is about: a draft section, a proposal (whole, or one of its sections), or a
 * section of a published release (a public comment; `section` absent for the whole release).
 */
export const CommentTargetKind = Type.Union([
  Type.Literal("section"),
  Type.Literal("proposal"),
  Type.Literal("proposal_section"),
  Type.Literal("release_section"),
]);
export type CommentTargetKind = Static<typeof CommentTargetKind>;

export const CommentTarget = Type.Object({
  kind: CommentTargetKind,
  standard: Slug,
  section: Type.Optional(Uuid),
  proposal: Type.Optional(Uuid),
  version: Type.Optional(Type.String({ pattern: "^[0-9A-Za-z][0-9A-Za-z.+-]{0,63}$", maxLength: 64 })),
});
export type CommentTarget = Static<typeof CommentTarget>;

const Base64 = Type.String({ pattern: "^[A-Za-z0-9+/]*={0,2}$", maxLength: 4096 });

/**
 * A range of text in a section body: Yjs relative positions (`Y.encodeRelativePosition`, base64)
 * into the body's `XmlFragment`, plus the quoted text and a little context as a fallback.
 * Without `start`/`end` the anchor is found by its quote alone.
 */
export const CommentAnchor = Type.Object({
  start: Type.Optional(Base64),
  end: Type.Optional(Base64),
  quote: Type.String({ ...LongText, maxLength: 2000 }),
  prefix: Type.Optional(Type.String({ ...LongText, maxLength: 200 })),
  suffix: Type.Optional(Type.String({ ...LongText, maxLength: 200 })),
});
export type CommentAnchor = Static<typeof CommentAnchor>;

/**
 * Where the anchor is in the text today: `active` with ProseMirror positions in the section body
 * and the text now between them; `deleted` when its text is gone (show it "on deleted text");
 * `unknown` when the target's text cannot be read here (the anchor's quote still stands).
 */
export const AnchorPosition = Type.Union([
  Type.Object({ state: Type.Literal("active"), from: Type.Integer(), to: Type.Integer(), text: Type.String() }),
  Type.Object({ state: Type.Literal("deleted") }),
  Type.Object({ state: Type.Literal("unknown") }),
]);
export type AnchorPosition = Static<typeof AnchorPosition>;

/** Plain text, shown as text (links may be recognised); never interpreted as HTML. */
export const CommentText = Type.String({ ...LongText, minLength: 1, maxLength: 10000 });

/** What a comment is about: the wording, the substance, or anything else. */
export const CommentKind = Type.Union([Type.Literal("editorial"), Type.Literal("technical"), Type.Literal("general")]);
export type CommentKind = Static<typeof CommentKind>;
/** The replacement for the anchored range (for a whole-section comment, a paragraph to add); plain text. */
export const ProposedText = Type.String({ ...LongText, minLength: 1, maxLength: 10000 });

export const CreateCommentBody = Type.Object({
  target: CommentTarget,
  anchor: Type.Optional(CommentAnchor),
  body: CommentText,
  /** Default `general`. */
  kind: Type.Optional(CommentKind),
  /** Only on a comment on a section's text (a draft, proposal or release section). */
  proposedText: Type.Optional(ProposedText),
});
export type CreateCommentBody = Static<typeof CreateCommentBody>;
export const ReplyBody = Type.Object({ body: CommentText });
export type ReplyBody = Static<typeof ReplyBody>;

export const DispositionValue = Type.Union([
  Type.Literal("accepted"),
  Type.Literal("accepted-with-modification"),
  Type.Literal("rejected"),
  Type.Literal("deferred"),
  Type.Literal("duplicate"),
  Type.Literal("not-related"),
  Type.Literal("noted"),
]);
export type DispositionValue = Static<typeof DispositionValue>;
export const DispositionBody = Type.Object({
  disposition: DispositionValue,
  /** Required for every disposition but `accepted` (400 `response_required`). */
  response: Type.Optional(Type.String({ ...LongText, maxLength: 10000 })),
  /** The proposal that carries the change out, if any. */
  proposal: Type.Optional(Type.Union([Uuid, Type.Null()])),
  /** For `duplicate` (and only then): the other comment of the same standard. */
  duplicateOf: Type.Optional(Uuid),
});
export type DispositionBody = Static<typeof DispositionBody>;

/** The commenter's answer to a disposition. */
export const AnswerValue = Type.Union([Type.Literal("satisfied"), Type.Literal("unsatisfied"), Type.Literal("withdrawn")]);
export type AnswerValue = Static<typeof AnswerValue>;
export const AnswerBody = Type.Object({ response: AnswerValue, note: Type.Optional(Type.String({ ...LongText, maxLength: 10000 })) });
export type AnswerBody = Static<typeof AnswerBody>;

export const CommentReply = Type.Object({ id: Uuid, author: UserRef, body: Type.String(), createdAt: Type.String({ format: "date-time" }) });
export type CommentReply = Static<typeof CommentReply>;

export const CommentThread = Type.Object({
  id: Uuid,
  target: Type.Object({
    kind: CommentTargetKind,
    standard: Type.String(),
    section: Type.Union([Uuid, Type.Null()]),
    proposal: Type.Union([Uuid, Type.Null()]),
    version: Type.Union([Type.String(), Type.Null()]),
  }),
  author: UserRef,
  body: Type.String(),
  kind: CommentKind,
  proposedText: Type.Union([Type.String(), Type.Null()]),
  anchor: Type.Union([CommentAnchor, Type.Null()]),
  /** Where the anchor is now; null for a thread on a whole section, proposal or release. */
  position: Type.Union([AnchorPosition, Type.Null()]),
  state: Type.Union([Type.Literal("open"), Type.Literal("resolved")]),
  resolvedBy: Type.Union([UserRef, Type.Null()]),
  resolvedAt: Type.Union([Type.String({ format: "date-time" }), Type.Null()]),
  disposition: Type.Union([
    Type.Object({
      value: DispositionValue,
      response: Type.String(),
      proposal: Type.Union([Uuid, Type.Null()]),
      duplicateOf: Type.Union([Uuid, Type.Null()]),
      by: Type.Union([UserRef, Type.Null()]),
      at: Type.String({ format: "date-time" }),
    }),
    Type.Null(),
  ]),
  /** The commenter's answer to the disposition, once given. */
  answer: Type.Union([
    Type.Object({ response: AnswerValue, note: Type.Union([Type.String(), Type.Null()]), at: Type.String({ format: "date-time" }) }),
    Type.Null(),
  ]),
  replies: Type.Array(CommentReply),
  /** What the asking user may do with the thread now. */
  permissions: Type.Object({ reply: Type.Boolean(), resolve: Type.Boolean(), dispose: Type.Boolean(), answer: Type.Boolean() }),
  createdAt: Type.String({ format: "date-time" }),
  updatedAt: Type.String({ format: "date-time" }),
});
export type CommentThread = Static<typeof CommentThread>;

/**
 * `GET /api/comments`: the threads of a standard. With `proposal`: the proposal's threads (and
 * with `section` too, those on that section of it); with `version`: the public comments on that
 * release; with `section` alone: the threads on that draft section; else every draft thread.
 */
export const CommentListQuery = Type.Object({
  standard: Slug,
  section: Type.Optional(Uuid),
  proposal: Type.Optional(Uuid),
  version: Type.Optional(Type.String({ maxLength: 64 })),
  state: Type.Optional(Type.Union([Type.Literal("open"), Type.Literal("resolved")])),
});
export type CommentListQuery = Static<typeof CommentListQuery>;
export const CommentList = Type.Object({ comments: Type.Array(CommentThread) });
export type CommentList = Static<typeof CommentList>;

/** One entry of a user's activity feed. */
export const ActivityItem = Type.Object({
  /** Increasing; pass the last one seen as `after` to get what is newer. */
  id: Type.String(),
  at: Type.String({ format: "date-time" }),
  kind: Type.Union([Type.Literal("reply"), Type.Literal("decision"), Type.Literal("proposal")]),
  action: Type.String(),
  actor: Type.Union([UserRef, Type.Null()]),
  standard: Type.String(),
  proposal: Type.Union([Type.Object({ id: Uuid, title: Type.String() }), Type.Null()]),
  comment: Type.Union([Type.Object({ id: Uuid }), Type.Null()]),
  toState: Type.Union([Type.String(), Type.Null()]),
});
export type ActivityItem = Static<typeof ActivityItem>;
/** Where a feed resumes: the id of an item it listed (a decimal number; the server refuses one beyond its ids' range). */
export const ActivityCursor = Type.String({ pattern: "^[0-9]{1,19}$" });
export const ActivityQuery = Type.Object({
  after: Type.Optional(ActivityCursor),
  /** How many, 1 to 200 (default 50). */
  limit: Type.Optional(Type.String({ pattern: "^[0-9]{1,3}$" })),
});
export type ActivityQuery = Static<typeof ActivityQuery>;
/** Newest first. */
export const ActivityFeed = Type.Object({ items: Type.Array(ActivityItem) });
export type ActivityFeed = Static<typeof ActivityFeed>;
