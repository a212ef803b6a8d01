import { STAGE_KINDS, type StageKind, type StageState } from "@codewright/shared";
import { invalidSchedule } from "../errors";

/**
 * A cycle's schedule: its stages in their fixed order, each with a window. Pure: what is valid,
 * and what state each stage is in, given when it really opened and closed and the time now.
 */
export interface StageWindowPlan {
  kind: StageKind;
  opensAt: Date;
  closesAt: Date;
}

const ORDER = new Map<StageKind, number>(STAGE_KINDS.map((k, i) => [k, i]));

/** Where a kind comes in the order of stages. */
export const stagePosition = (kind: StageKind): number => ORDER.get(kind)!;

/**
 * Checks a schedule: known kinds, each at most once, in the fixed order, `ballot` present, each
 * window closing after it opens, and no window overlapping the one before (one may open the
 * moment the previous closes). Throws 400 `invalid_schedule` naming the stage.
 */
export function checkSchedule(stages: readonly StageWindowPlan[]): void {
  const seen = new Set<StageKind>();
  for (const [i, s] of stages.entries()) {
    if (seen.has(s.kind)) throw invalidSchedule(`The ${s.kind} stage is given twice: a cycle has each stage at most once.`);
    seen.add(s.kind);
    if (Number.isNaN(s.opensAt.getTime()) || Number.isNaN(s.closesAt.getTime())) throw invalidSchedule(`The ${s.kind} stage's window has a date that is not a date.`);
    if (s.closesAt.getTime() <= s.opensAt.getTime()) throw invalidSchedule(`The ${s.kind} stage closes before it opens: give it a closesAt after its opensAt.`);
    const before = stages[i - 1];
    if (!before) continue;
    if (stagePosition(s.kind) < stagePosition(before.kind)) {
      throw invalidSchedule(`The ${s.kind} stage comes before the ${before.kind} stage. Stages run in this order: ${STAGE_KINDS.join(", ")}.`);
    }
    if (s.opensAt.getTime() < before.closesAt.getTime()) {
      throw invalidSchedule(`The ${s.kind} stage opens before the ${before.kind} stage closes (${before.closesAt.toISOString()}): windows must not overlap.`);
    }
  }
  if (!seen.has("ballot")) throw invalidSchedule("A cycle needs a ballot stage: every edition is balloted.");
}

/** A stage as stored: its planned window and when it really opened and closed. */
export interface StageTimes {
  kind: StageKind;
  opens_at: Date;
  closes_at: Date;
  opened_at: Date | null;
  closed_at: Date | null;
}

/**
 * A stage's state once the cycle has been settled for `now` (see `settleCycle`): closed once it
 * closed; open once it opened; otherwise upcoming before its window, blocked after (settling
 * would have opened it, had the stage before it been done).
 */
export function stageState(stage: StageTimes, now: Date): StageState {
  if (stage.closed_at) return "closed";
  if (stage.opened_at) return "open";
  return now.getTime() < stage.opens_at.getTime() ? "upcoming" : "blocked";
}

/** The stage open or blocked now, or undefined (none has opened yet, or every one is closed). */
export function currentStage<S extends StageTimes>(stages: readonly S[], now: Date): S | undefined {
  const next = stages.find((s) => !s.closed_at);
  if (!next) return undefined;
  return stageState(next, now) === "upcoming" ? undefined : next;
}

/**
 * The stage whose work may be done now: the open one; or, while the current stage is blocked,
 * the one before it, whose unfinished work is what blocks it (committee actions, dispositions).
 */
export function workingStage<S extends StageTimes>(stages: readonly S[], now: Date): S | undefined {
  const current = currentStage(stages, now);
  if (!current) return undefined;
  if (stageState(current, now) === "open") return current;
  const i = stages.indexOf(current);
  return i > 0 ? stages[i - 1] : undefined;
}

/** "14 Mar 2027, 09:00 (Europe/Paris)": a date as people read it, in a named zone. */
export function formatInZone(at: Date, timeZone: string): string {
  const text = new Intl.DateTimeFormat("en-GB", { timeZone, year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" }).format(at);
  return `${text} (${timeZone})`;
}

/** Whether a name is an IANA time zone this runtime knows. */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: name });
    return name.length <= 64;
  } catch {
    return false;
  }
}
