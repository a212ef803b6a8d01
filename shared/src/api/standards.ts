import { Type, type Static } from "typebox";
import { Flags, Label, LongText, Slug, Title, Uuid } from "./common";

/**
 * What the asking user may do in a standard, carried by standard and section responses so that
 * clients never re-derive the rules (the server checks every action again):
 * - `editSections`: edit the draft directly and change its outline (editors, admins);
 * - `propose`: start a proposal; `comment`: comment on draft sections and proposals (members);
 * - `commentOnReleases`: make a public comment on a release;
 * - `readDraftDiff`: compare a release with the draft (members);
 * - `publish`: publish a release (editors); `viewMembers`: list the members (editors);
 * - `manageMembers`, `editSettings`: change memberships and the standard's settings (admins).
 */
export const StandardPermissions = Flags([
  "editSections",
  "propose",
  "comment",
  "commentOnReleases",
  "readDraftDiff",
  "publish",
  "viewMembers",
  "manageMembers",
  "editSettings",
]);
export type StandardPermissions = Static<typeof StandardPermissions>;

export const Standard = Type.Object({
  /** Stable, unlike the slug's spelling in links: what watches name. */
  id: Uuid,
  slug: Type.String(),
  title: Type.String(),
  description: Type.String(),
  isPublic: Type.Boolean(),
  publicCommentsOpen: Type.Boolean(),
  voteThreshold: Type.Number(),
  voteQuorum: Type.Integer(),
  /** IANA time zone in which the standard's dates are shown (always naming it). Default UTC. */
  timeZone: Type.String(),
  /** Ballots returned (abstentions included) over the roster that a cycle's ballot needs. Default 0.5. */
  ballotQuorum: Type.Number(),
  /** Largest share of disapprovals among the votes cast a ballot may have (ISO: 0.25); null for none. */
  negativeLimit: Type.Union([Type.Number(), Type.Null()]),
  /** Days of a recirculation round. Default 14. */
  recirculationDays: Type.Integer(),
  /** The interest categories members may carry (e.g. manufacturer, user, regulator). */
  interestCategories: Type.Array(Type.String()),
  permissions: StandardPermissions,
});
export type Standard = Static<typeof Standard>;
export const StandardSummary = Type.Object({ slug: Type.String(), title: Type.String(), description: Type.String() });
export const StandardList = Type.Object({ standards: Type.Array(StandardSummary) });
export type StandardList = Static<typeof StandardList>;

export const CreateStandardBody = Type.Object({
  slug: Slug,
  title: Title,
  description: Type.Optional(LongText),
  isPublic: Type.Optional(Type.Boolean()),
});
export type CreateStandardBody = Static<typeof CreateStandardBody>;
export const UpdateStandardBody = Type.Object({
  title: Type.Optional(Title),
  description: Type.Optional(LongText),
  isPublic: Type.Optional(Type.Boolean()),
  publicCommentsOpen: Type.Optional(Type.Boolean()),
  voteThreshold: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 1 })),
  voteQuorum: Type.Optional(Type.Integer({ minimum: 0, maximum: 10000 })),
  timeZone: Type.Optional(Type.String({ minLength: 1, maxLength: 64, pattern: "^[A-Za-z0-9_+/-]+$" })),
  ballotQuorum: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
  negativeLimit: Type.Optional(Type.Union([Type.Number({ minimum: 0, maximum: 1 }), Type.Null()])),
  recirculationDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 365 })),
  interestCategories: Type.Optional(Type.Array(Title, { maxItems: 20, uniqueItems: true })),
});
export type UpdateStandardBody = Static<typeof UpdateStandardBody>;

export const SectionSummary = Type.Object({
  id: Uuid,
  parentId: Type.Union([Uuid, Type.Null()]),
  label: Type.String(),
  number: Type.String(),
  title: Type.String(),
  room: Type.String(),
});
export type SectionSummary = Static<typeof SectionSummary>;
export const SectionList = Type.Object({ sections: Type.Array(SectionSummary) });
export type SectionList = Static<typeof SectionList>;

/** ProseMirror JSON in the shared schema; validated by the content module, not by shape here. */
export const Content = Type.Object({ type: Type.Literal("doc"), content: Type.Optional(Type.Array(Type.Any())) }, { additionalProperties: true });

export const SectionDetail = Type.Object({
  id: Uuid,
  parentId: Type.Union([Uuid, Type.Null()]),
  label: Type.String(),
  number: Type.String(),
  title: Type.String(),
  room: Type.String(),
  content: Type.Any(),
  text: Type.String(),
  permissions: StandardPermissions,
});
export type SectionDetail = Static<typeof SectionDetail>;

export const CreateSectionBody = Type.Object({
  label: Label,
  title: Title,
  parentId: Type.Optional(Type.Union([Uuid, Type.Null()])),
  /** 0-based place among its siblings; default: last. */
  position: Type.Optional(Type.Integer({ minimum: 0, maximum: 100000 })),
  content: Type.Optional(Content),
});
export type CreateSectionBody = Static<typeof CreateSectionBody>;

export const UpdateSectionBody = Type.Object({
  label: Type.Optional(Label),
  title: Type.Optional(Title),
  parentId: Type.Optional(Type.Union([Uuid, Type.Null()])),
  position: Type.Optional(Type.Integer({ minimum: 0, maximum: 100000 })),
});
export type UpdateSectionBody = Static<typeof UpdateSectionBody>;

export const HealthResponse = Type.Object({
  status: Type.Literal("ok"),
  database: Type.Union([Type.Literal("pglite"), Type.Literal("postgres")]),
});
