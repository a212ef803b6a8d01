import type { ColumnType, Selectable } from "kysely";
import type { StageKind } from "@codewright/shared";

type Json<T> = ColumnType<T, string, string>;

export type CycleRowState = "active" | "closed" | "cancelled";

/** One revision of a standard toward a new edition. */
export interface CyclesTable {
  id: string;
  standard_id: string;
  title: string;
  base_version: string;
  state: ColumnType<CycleRowState, CycleRowState | undefined, CycleRowState>;
  created_by: string | null;
  created_at: ColumnType<Date, never, never>;
  ended_at: Date | null;
  cancel_reason: string | null;
}
export type CycleRow = Selectable<CyclesTable>;

/** A stage of a cycle: its planned window, and when it really opened and closed. */
export interface CycleStagesTable {
  id: string;
  cycle_id: string;
  kind: StageKind;
  position: number;
  opens_at: Date;
  closes_at: Date;
  opened_at: Date | null;
  closed_at: Date | null;
}
export type CycleStageRow = Selectable<CycleStagesTable>;

export interface CommitteeActionsTable {
  proposal_id: string;
  cycle_id: string;
  action: "accept" | "accept-as-modified" | "reject";
  statement: string;
  tally: Json<Record<string, unknown>>;
  votes: Json<unknown[]>;
  acted_by: string | null;
  acted_at: ColumnType<Date, Date | undefined, never>;
}

export interface BallotRoundsTable {
  id: string;
  cycle_id: string;
  round: number;
  opens_at: Date;
  closes_at: Date;
  text_fingerprint: string;
  closed_at: Date | null;
  result: ColumnType<Record<string, unknown> | null, string | null, string | null>;
}
export type BallotRoundRow = Selectable<BallotRoundsTable>;

export interface BallotRosterTable {
  round_id: string;
  user_id: string;
  interest_category: string | null;
}

export interface BallotVotesTable {
  round_id: string;
  user_id: string;
  vote: "approve" | "disapprove" | "abstain";
  reason: string | null;
  cast_at: ColumnType<Date, Date | undefined, Date>;
  response: string | null;
  responded_by: string | null;
  responded_at: Date | null;
}

/** The frozen final report of an ended cycle: the canonical JSON as digested and signed (append-only). */
export interface CycleReportsTable {
  cycle_id: string;
  document: string;
  digest: string;
  created_at: ColumnType<Date, never, never>;
}
