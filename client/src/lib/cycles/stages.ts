import { STAGE_KINDS, type Ballot, type BallotRound, type BallotVote, type Blocker, type Cycle, type Stage, type StageKind, type StageState, type StageWindow } from "@codewright/shared";
import { fromWallTime, toWallTime } from "./zones";

/** A stage kind as its heading reads. */
export const STAGE_LABELS: Readonly<Record<StageKind, string>> = {
  input: "Public input",
  committee: "Committee action",
  comment: "Public comment",
  resolution: "Comment resolution",
  ballot: "Ballot",
  publication: "Publication",
};

/** What happens in a stage, in one sentence. */
export const STAGE_PURPOSES: Readonly<Record<StageKind, string>> = {
  input: "Anyone signed in with a verified address proposes changes to the base release.",
  committee: "Editors record a committee action and statement on every input; voting members ballot on each.",
  comment: "The first draft is published; anyone signed in comments on it.",
  resolution: "Every comment gets a disposition; commenters respond.",
  ballot: "Voting members ballot on the whole resulting draft.",
  publication: "Editors publish the new edition.",
};

export const STATE_LABELS: Readonly<Record<StageState, string>> = {
  upcoming: "Upcoming",
  open: "Open",
  blocked: "Blocked",
  closed: "Closed",
};

/** The cycle that runs now among a standard's cycles, or null. */
export function activeCycle(cycles: readonly Cycle[]): Cycle | null {
  return cycles.find((c) => c.state === "active") ?? null;
}

/** The stage open now, or undefined. */
export function openStage(cycle: Cycle): Stage | undefined {
  return cycle.state === "active" ? cycle.stages.find((s) => s.state === "open") : undefined;
}

/**
 * The stage whose work is done now, as the server judges it: the open one, or while the current
 * stage is blocked, the one before it (whose unfinished work blocks it).
 */
export function workingStage(cycle: Cycle): Stage | undefined {
  if (cycle.state !== "active") return undefined;
  const open = openStage(cycle);
  if (open) return open;
  const i = cycle.stages.findIndex((s) => s.state === "blocked");
  return i > 0 ? cycle.stages[i - 1] : undefined;
}

/** Whether actions of `kind` are taken now in the cycle. */
export const isWorking = (cycle: Cycle | null | undefined, kind: StageKind): boolean => !!cycle && workingStage(cycle)?.kind === kind;

/** The next moment the cycle changes on its own: the open stage's close, else the next window's opening. */
export function nextMoment(cycle: Cycle, now: number): { stage: Stage; at: string; what: "closes" | "opens" } | null {
  if (cycle.state !== "active") return null;
  const open = openStage(cycle);
  if (open) return { stage: open, at: open.closesAt, what: "closes" };
  const upcoming = cycle.stages.find((s) => s.state === "upcoming" && Date.parse(s.opensAt) > now);
  return upcoming ? { stage: upcoming, at: upcoming.opensAt, what: "opens" } : null;
}

/** What a reader can do in the cycle now, for the standard's page. */
export interface ReaderHint {
  text: string;
  /** Where the reader acts, and what the link says; null when only the cycle page applies. */
  action: { label: string; href: string } | null;
  /** The instant the text counts toward, with its meaning. */
  until: string | null;
}

/**
 * One sentence for readers about the cycle's current stage ("Public input is open until …"), with
 * the place to act: `links` give a release's page and the list of releases; `until` is formatted by the caller.
 */
export function readerHint(cycle: Cycle, links: { release: (version: string) => string; releases: () => string }): ReaderHint {
  const stage = cycle.stages.find((s) => s.kind === cycle.currentStage);
  if (cycle.state === "closed") return { text: "This cycle is over: its edition is published.", action: null, until: null };
  if (cycle.state === "cancelled") return { text: `This cycle was cancelled${cycle.cancelReason ? `: ${cycle.cancelReason}` : "."}`, action: null, until: null };
  if (!stage) {
    const first = cycle.stages.find((s) => s.state === "upcoming");
    return first
      ? { text: `${STAGE_LABELS[first.kind]} opens`, action: null, until: first.opensAt }
      : { text: "No stage is open now.", action: null, until: null };
  }
  if (stage.state === "blocked") return { text: `${STAGE_LABELS[stage.kind]} waits until the stage before it is done.`, action: null, until: null };
  switch (stage.kind) {
    case "input":
      return { text: "Public input is open until", action: { label: "Propose a change", href: links.release(cycle.baseVersion) }, until: stage.closesAt };
    case "committee":
      return { text: "The committee is acting on the inputs until", action: null, until: stage.closesAt };
    case "comment":
      return { text: "The first draft is open for public comment until", action: { label: "Comment on the first draft", href: links.releases() }, until: stage.closesAt };
    case "resolution":
      return { text: "Editors are answering the public comments until", action: null, until: stage.closesAt };
    case "ballot":
      return { text: "Voting members are balloting on the draft until", action: null, until: stage.closesAt };
    case "publication":
      return { text: "The edition is being published; this stage closes", action: null, until: stage.closesAt };
  }
}

/** The blockers of a cycle grouped by what they point at, for the dashboard. */
export function groupBlockers(blockers: readonly Blocker[]): { proposals: Blocker[]; comments: Blocker[]; cycle: Blocker[] } {
  return {
    proposals: blockers.filter((b) => b.target.kind === "proposal"),
    comments: blockers.filter((b) => b.target.kind === "comment"),
    cycle: blockers.filter((b) => b.target.kind === "cycle"),
  };
}

/** The blockers in a `stage_requirements_unmet` refusal's details, or an empty list. */
export function blockersOf(details: Readonly<Record<string, unknown>> | null | undefined): Blocker[] {
  const list = details?.blockers;
  if (!Array.isArray(list)) return [];
  return list.filter((b): b is Blocker => typeof b === "object" && b !== null && typeof b.message === "string" && typeof b.target?.id === "string");
}

/** The round open now, or the last one. */
export function currentRound(ballot: Ballot | null): BallotRound | null {
  if (!ballot || ballot.rounds.length === 0) return null;
  return ballot.rounds.find((r) => r.state === "open") ?? ballot.rounds[ballot.rounds.length - 1]!;
}

/** Disapprovals of a round that the editors have not answered. */
export const unansweredNegatives = (round: BallotRound | null): BallotVote[] =>
  round ? round.votes.filter((v) => v.vote === "disapprove" && v.reason && v.response === null) : [];

/** A share as a percentage ("67%"), or "—" for none. */
export const percent = (share: number | null): string => (share === null ? "—" : `${Math.round(share * 100)}%`);

// ---- Starting a cycle -------------------------------------------------------------------------

/** One row of the form that starts a cycle: a stage with its window as wall times in the standard's zone. */
export interface StagePlanRow {
  kind: StageKind;
  included: boolean;
  opensAt: string;
  closesAt: string;
}

const DAY = 86_400_000;

/**
 * The form's starting plan: every stage, back to back from the next whole hour, each `days` long,
 * as wall times in the standard's zone.
 */
export function defaultPlan(now: number, timeZone: string, days = 14): StagePlanRow[] {
  const start = Math.ceil(now / 3_600_000) * 3_600_000;
  return STAGE_KINDS.map((kind, i) => ({
    kind,
    included: true,
    opensAt: toWallTime(new Date(start + i * days * DAY), timeZone),
    closesAt: toWallTime(new Date(start + (i + 1) * days * DAY), timeZone),
  }));
}

/**
 * The stages of the plan to send, in UTC, or the first problem as a sentence naming the stage.
 * The server checks again (order, overlaps) and names the stage in its own answer.
 */
export function planToStages(rows: readonly StagePlanRow[], timeZone: string): { stages: StageWindow[] } | { problem: string } {
  const stages: StageWindow[] = [];
  for (const row of rows) {
    if (!row.included) continue;
    const opensAt = fromWallTime(row.opensAt, timeZone);
    const closesAt = fromWallTime(row.closesAt, timeZone);
    const label = STAGE_LABELS[row.kind];
    if (!opensAt || !closesAt) return { problem: `${label}: give the date and time it opens and closes.` };
    if (Date.parse(closesAt) <= Date.parse(opensAt)) return { problem: `${label} closes before it opens.` };
    const before = stages[stages.length - 1];
    if (before && Date.parse(opensAt) < Date.parse(before.closesAt)) return { problem: `${label} opens before ${STAGE_LABELS[before.kind].toLowerCase()} closes: windows must not overlap.` };
    stages.push({ kind: row.kind, opensAt, closesAt });
  }
  if (!stages.some((s) => s.kind === "ballot")) return { problem: "A cycle needs its ballot stage: every edition is balloted." };
  return { stages };
}
