import type { ColumnType, Generated, Selectable } from "kysely";

export type ProposalState = "draft" | "open" | "accepted" | "rejected" | "withdrawn";

/** A section of the outline as a proposal records it (its base, or after its changes). */
export interface OutlineEntry {
  id: string;
  parentId: string | null;
  position: number;
  label: string;
  title: string;
}

export interface ProposalsTable {
  id: string;
  standard_id: string;
  author_id: string;
  title: string;
  rationale: string;
  state: ProposalState;
  base_outline: ColumnType<OutlineEntry[], string, never>;
  outline: ColumnType<OutlineEntry[], string, string>;
  created_at: ColumnType<Date, never, never>;
  updated_at: ColumnType<Date, Date | undefined, Date>;
  submitted_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  decided_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  /** The cycle it is an input to; null for a proposal outside any cycle. Set when made, or when submitted, during an input stage. */
  cycle_id: ColumnType<string | null, string | null | undefined, string | null>;
}
export type ProposalRow = Selectable<ProposalsTable>;

/** Bigints come back from pg as strings. */
type Seq = ColumnType<string, string | number | bigint, never>;

export interface ProposalBasesTable {
  proposal_id: string;
  room: string;
  seq: Seq;
}

export interface ProposalRoomsTable {
  proposal_id: string;
  section_id: string;
  room: string;
  base_room: string | null;
  origin_seq: ColumnType<string, string | number | bigint, string | number | bigint>;
  created_at: ColumnType<Date, never, never>;
}
export type ProposalRoomRow = Selectable<ProposalRoomsTable>;

export interface ProposalCoAuthorsTable {
  proposal_id: string;
  user_id: string;
  added_by: string | null;
  added_at: ColumnType<Date, never, never>;
}

export type VoteChoice = "approve" | "disapprove" | "abstain";

export interface ProposalVotesTable {
  proposal_id: string;
  user_id: string;
  vote: VoteChoice;
  reason: string | null;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

export interface ProposalDecisionsTable {
  proposal_id: string;
  outcome: "accepted" | "rejected";
  decided_by: string;
  reason: string;
  tally: ColumnType<Record<string, unknown>, string, never>;
  against_tally: boolean;
  sections: ColumnType<string[], string, never>;
  decided_at: ColumnType<Date, never, never>;
}
export type ProposalDecisionRow = Selectable<ProposalDecisionsTable>;
