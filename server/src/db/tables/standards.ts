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
