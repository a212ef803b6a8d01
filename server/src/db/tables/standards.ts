import type { ColumnType, Generated, Selectable } from "kysely";

export interface StandardsTable {
  id: string;
  slug: string;
  title: string;
  description: Generated<string>;
  is_public: Generated<boolean>;
  public_comments_open: Generated<boolean>;
  vote_threshold: Generated<number>;
  vote_quorum: Generated<number>;
  /** IANA time zone in which the standard's dates are shown. */
  time_zone: Generated<string>;
  /** Ballots returned (abstentions included) over the roster that a cycle's ballot needs. */
  ballot_quorum: Generated<number>;
  /** Largest share of disapprovals among the votes cast that a ballot may have; null for no limit. */
  negative_limit: ColumnType<number | null, number | null | undefined, number | null>;
  recirculation_days: Generated<number>;
  /** The interest categories members may carry, for the balance of the roster. */
  interest_categories: ColumnType<string[], string | undefined, string>;
  created_at: ColumnType<Date, never, never>;
}
export type StandardRow = Selectable<StandardsTable>;

export type MembershipRole = "contributor" | "editor";

export interface MembershipsTable {
  standard_id: string;
  user_id: string;
  role: MembershipRole;
  voting: Generated<boolean>;
  updated_at: Generated<Date>;
  interest_category: ColumnType<string | null, string | null | undefined, string | null>;
}
export type MembershipRow = Selectable<MembershipsTable>;

export interface SectionsTable {
  id: string;
  standard_id: string;
  parent_id: string | null;
  position: number;
  label: string;
  title: string;
  room: string;
  created_at: ColumnType<Date, never, never>;
  deleted_at: Date | null;
}
export type SectionRow = Selectable<SectionsTable>;
