import type { ColumnType, Selectable } from "kysely";

/** A nullable column that inserts may leave out. */
type Optional<T> = ColumnType<T | null, T | null | undefined, T | null>;

export type CommentTargetKind = "section" | "proposal" | "proposal_section" | "release_section";
export type Disposition = "accepted" | "accepted-with-modification" | "rejected" | "deferred" | "duplicate" | "not-related" | "noted";
export type CommentKind = "editorial" | "technical" | "general";
export type CommentAnswer = "satisfied" | "unsatisfied" | "withdrawn";

/** Where a comment sits inside a section body: Yjs relative positions plus the quoted text. */
export interface StoredAnchor {
  /** Base64 of `Y.encodeRelativePosition`; absent for an anchor known only by its quote. */
  start?: string;
  end?: string;
  quote: string;
  prefix?: string;
  suffix?: string;
}

export interface CommentThreadsTable {
  id: string;
  standard_id: string;
  target_kind: CommentTargetKind;
  section_id: string | null;
  proposal_id: string | null;
  release_version: string | null;
  author_id: string;
  body: string;
  anchor: ColumnType<StoredAnchor | null, string | null, never>;
  state: ColumnType<"open" | "resolved", "open" | "resolved" | undefined, "open" | "resolved">;
  resolved_by: Optional<string>;
  resolved_at: Optional<Date>;
  disposition: Optional<Disposition>;
  disposition_response: Optional<string>;
  disposition_proposal_id: Optional<string>;
  disposition_by: Optional<string>;
  disposition_at: Optional<Date>;
  disposition_duplicate_of: Optional<string>;
  kind: ColumnType<CommentKind, CommentKind | undefined, CommentKind>;
  proposed_text: Optional<string>;
  answer: Optional<CommentAnswer>;
  answer_note: Optional<string>;
  answer_at: Optional<Date>;
  created_at: ColumnType<Date, never, never>;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}
export type CommentThreadRow = Selectable<CommentThreadsTable>;

export interface CommentRepliesTable {
  id: string;
  thread_id: string;
  author_id: string;
  body: string;
  created_at: ColumnType<Date, never, never>;
}
export type CommentReplyRow = Selectable<CommentRepliesTable>;
