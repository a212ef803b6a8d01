import type { StageKind } from "@codewright/shared";
import type { Db } from "../../db/database";
import type { CycleRow, CycleStageRow } from "../../db/tables/cycles";
import { recordAudit } from "../audit";
import { unmetRequirements } from "./requirements";

/**
 * What happens when a stage of a kind opens or closes (publishing the first draft, opening a
 * ballot round), and when an open stage is over. Each runs in the settling transaction, with the
 * cycle's row locked, so it happens exactly once.
 */
export interface StageEffects {
  opened?(db: Db, cycle: CycleRow, stage: CycleStageRow, now: Date): Promise<void>;
  /** Whether the open stage is over now. Default: its window has ended. */
  over?(db: Db, cycle: CycleRow, stage: CycleStageRow, now: Date): Promise<boolean>;
  closed?(db: Db, cycle: CycleRow, stage: CycleStageRow, now: Date): Promise<void>;
}
export type CycleEffects = Partial<Record<StageKind, StageEffects>>;

/** The cycle with its stages in order. */
export interface SettledCycle {
  cycle: CycleRow;
  stages: CycleStageRow[];
}

export async function stagesOf(db: Db, cycleId: string): Promise<CycleStageRow[]> {
  return db.selectFrom("cycle_stages").selectAll().where("cycle_id", "=", cycleId).orderBy("position").execute();
}

/** The cycle's row, locked for this transaction: every change to a cycle goes through it, one at a time. */
export async function lockCycle(db: Db, cycleId: string): Promise<CycleRow | undefined> {
  return db.selectFrom("cycles").selectAll().where("id", "=", cycleId).forUpdate().executeTakeFirst();
}

/**
 * Brings an active cycle up to `now`: closes the open stage once it is over, opens the next once
 * its window has begun and the stage before it owes nothing, and so on; closes the cycle after
 * its last stage. Idempotent, and serialised by the cycle's row lock, so two processes (or two
 * editors) settling at once do each step once. Call in a transaction, before any action that
 * depends on the stage.
 */
export async function settleCycle(db: Db, cycleId: string, now: Date, effects: CycleEffects, closeEarly?: string): Promise<SettledCycle | undefined> {
  let cycle = await lockCycle(db, cycleId);
  if (!cycle) return undefined;
  const stages = await stagesOf(db, cycleId);
  if (cycle.state !== "active") return { cycle, stages };
  for (let step = 0; step < stages.length * 2 + 1; step++) {
    const i = stages.findIndex((s) => !s.closed_at);
    if (i < 0) {
      cycle = await db.updateTable("cycles").set({ state: "closed", ended_at: now }).where("id", "=", cycle.id).returningAll().executeTakeFirstOrThrow();
      await recordAudit(db, { actorId: null, standardId: cycle.standard_id, action: "cycle.close", subjectType: "cycle", subjectId: cycle.id, fromState: "active", toState: "closed" });
      break;
    }
    const stage = stages[i]!;
    const kind = effects[stage.kind] ?? {};
    if (!stage.opened_at) {
      if (now.getTime() < stage.opens_at.getTime()) break;
      const before = stages[i - 1];
      if (before && (await unmetRequirements(db, cycle, before.kind)).length > 0) break;
      stages[i] = await db.updateTable("cycle_stages").set({ opened_at: now }).where("id", "=", stage.id).returningAll().executeTakeFirstOrThrow();
      await recordAudit(db, { actorId: null, standardId: cycle.standard_id, action: "cycle.stage_open", subjectType: "cycle", subjectId: cycle.id, toState: stage.kind });
      await kind.opened?.(db, cycle, stages[i]!, now);
      continue;
    }
    const early = closeEarly === stage.id;
    const over = early || (kind.over ? await kind.over(db, cycle, stage, now) : now.getTime() >= stage.closes_at.getTime());
    if (!over) break;
    // Closed by its window: at the moment the window ended, however late this runs (but never
    // before it opened: a stage blocked past its window opens and closes at once, unless an
    // editor moved its window).
    const openedAt = stage.opened_at.getTime();
    const closedAt = early || now.getTime() < stage.closes_at.getTime() ? now : new Date(Math.max(stage.closes_at.getTime(), openedAt));
    stages[i] = await db.updateTable("cycle_stages").set({ closed_at: closedAt }).where("id", "=", stage.id).returningAll().executeTakeFirstOrThrow();
    await recordAudit(db, { actorId: null, standardId: cycle.standard_id, action: "cycle.stage_close", subjectType: "cycle", subjectId: cycle.id, toState: stage.kind, details: { early } });
    await kind.closed?.(db, cycle, stages[i]!, now);
  }
  return { cycle, stages };
}
