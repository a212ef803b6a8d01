import { Type, type Static, type TInteger } from "typebox";
import type { PMJSON } from "../schema";

/**
 * What happened to one section between two versions, matched by stable id. A section can
 * have several at once (`moved` + `renumbered` + `modified`); `unchanged` stands alone.
 * - `moved`: a new parent, or a new place among the siblings that stayed (inserting or
 *   deleting a sibling does not move the others; it may renumber them).
 * - `modified`: the body changed (ProseMirror JSON differs). A body whose cross-references
 *   only show a new number because their target was renumbered is not modified.
 */
export const SectionStatus = Type.Union([
  Type.Literal("added"),
  Type.Literal("removed"),
  Type.Literal("moved"),
  Type.Literal("renumbered"),
  Type.Literal("retitled"),
  Type.Literal("relabelled"),
  Type.Literal("modified"),
  Type.Literal("unchanged"),
]);
export type SectionStatus = Static<typeof SectionStatus>;

/** Every status, in the order they are listed in a section's `status`. */
export const SECTION_STATUSES: readonly SectionStatus[] = SectionStatus.anyOf.map((literal) => literal.const);

/** Which kind of text block a diff operation belongs to. */
export const BlockKind = Type.Union([Type.Literal("paragraph"), Type.Literal("list_item"), Type.Literal("note"), Type.Literal("quote"), Type.Literal("code")]);
export type BlockKind = Static<typeof BlockKind>;

/**
 * One word-level operation on a section's text. Blocks (a paragraph, a list item, a
 * paragraph of a note or quote, a code block) are kept apart: every op names its `block`
 * (0-based, in reading order across both versions) and that block's `kind`. The ops of one
 * block are consecutive; their `equal` + `delete` texts make the block's text before, their
 * `equal` + `insert` texts its text after. A block found on one side only is a single
 * `delete` or `insert`. Texts never contain the blank lines between blocks.
 */
export const DiffOp = Type.Object({
  op: Type.Union([Type.Literal("equal"), Type.Literal("insert"), Type.Literal("delete")]),
  text: Type.String(),
  block: Type.Integer({ minimum: 0 }),
  kind: BlockKind,
});
export type DiffOp = Static<typeof DiffOp>;

/** How a section reads on one side of the diff. */
export const SectionSide = Type.Object({ number: Type.String(), title: Type.String(), label: Type.String() });
export type SectionSide = Static<typeof SectionSide>;

/**
 * One section in the diff. `before` is null for an added section, `after` for a removed one.
 * `changes` holds the word operations of a modified section, the whole text as inserts for
 * an added one and as deletes for a removed one, and nothing otherwise.
 */
export const SectionDiff = Type.Object({
  id: Type.String(),
  status: Type.Array(SectionStatus),
  before: Type.Union([SectionSide, Type.Null()]),
  after: Type.Union([SectionSide, Type.Null()]),
  changes: Type.Array(DiffOp),
});
export type SectionDiff = Static<typeof SectionDiff>;

/** How many sections carry each status (a section counts once under each of its statuses): one count per status. */
export const DiffSummary = Type.Object(Object.fromEntries(SECTION_STATUSES.map((status) => [status, Type.Integer()])) as Record<SectionStatus, TInteger>);
export type DiffSummary = Static<typeof DiffSummary>;

/**
 * The diff of two versions of a standard. Sections come in the reading order of `to`, each
 * removed section right after the section that preceded it in `from`.
 */
export const ReleaseDiff = Type.Object({
  from: Type.String(),
  to: Type.String(),
  summary: DiffSummary,
  sections: Type.Array(SectionDiff),
});
export type ReleaseDiff = Static<typeof ReleaseDiff>;

/** A section as the diff reads it: what a release section has (`text` is not needed). */
export interface DiffableSection {
  id: string;
  label: string;
  number: string;
  title: string;
  content: PMJSON;
  children: readonly DiffableSection[];
}

/** A release, or the draft rendered in the same shape. `version` names the side in the result (default `draft`). */
export interface DiffableRelease {
  version?: string;
  sections: readonly DiffableSection[];
}
