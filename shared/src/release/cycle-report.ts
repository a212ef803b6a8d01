import type { ReleaseDiff } from "../diff/types";
import cycleReportSchemaV1Json from "./cycle-report-v1.schema.json";

/** The value of `format` in a cycle report. */
export const CYCLE_REPORT_FORMAT = "codewright.cycle-report/v1";

/** The JSON Schema (draft-07) of a cycle report, served at `GET /api/schemas/cycle-report-v1.json`. */
export const cycleReportSchemaV1: Readonly<Record<string, unknown>> = cycleReportSchemaV1Json;

export interface ReportPerson {
  name: string;
  affiliation: string | null;
}

export interface ReportNamedVote extends ReportPerson {
  vote: string;
  reason: string | null;
}

export interface ReportStage {
  kind: string;
  plannedOpensAt: string;
  plannedClosesAt: string;
  openedAt: string | null;
  closedAt: string | null;
}

export interface ReportWindowChange {
  stage: string;
  at: string;
  by: ReportPerson | null;
  reason: string;
  from: { opensAt: string; closesAt: string };
  to: { opensAt: string; closesAt: string };
}

export interface ReportInput {
  proposal: string;
  title: string;
  submitter: ReportPerson;
  committeeAction: { action: string; statement: string; actedAt: string; votes: ReportNamedVote[] } | null;
}

/** A comment on the cycle's first draft. `kind`, `proposedText` and `answer` are null until comments record them. */
export interface ReportComment {
  id: string;
  section: { id: string; number: string | null; label: string | null; title: string | null } | null;
  commenter: ReportPerson;
  kind: string | null;
  quotedText: string | null;
  proposedText: string | null;
  body: string;
  disposition: string | null;
  response: string | null;
  /** The commenter's answer to the disposition. */
  answer: string | null;
  proposal: string | null;
}

export interface ReportBallotRound {
  round: number;
  kind: "ballot" | "recirculation";
  opensAt: string;
  closesAt: string;
  state: "open" | "closed";
  result: { passed: boolean; final: boolean; textChanged: boolean; unansweredNegatives: number } | null;
  votes: (ReportNamedVote & { interestCategory: string | null; response: string | null })[];
}

/** The record of a revision cycle: what was done with every input, comment and ballot. */
export interface CycleReport {
  format: typeof CYCLE_REPORT_FORMAT;
  /** False while the cycle is active (a live view); true once it ended: then it never changes. */
  final: boolean;
  standard: { slug: string; title: string };
  cycle: { id: string; title: string; baseVersion: string; state: string; createdAt: string; endedAt: string | null; cancelReason: string | null; stages: ReportStage[]; windowChanges: ReportWindowChange[] };
  inputs: ReportInput[];
  comments: ReportComment[];
  ballot: ReportBallotRound[];
  /** From `baseVersion` to the edition if published, else the first draft, else (for members) the draft; null when there is nothing to show. */
  redline: { from: string; to: string; diff: ReleaseDiff } | null;
  digest: string;
}
