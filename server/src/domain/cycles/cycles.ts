import { randomUUID } from "node:crypto";
import type { CancelCycleBody, CreateCycleBody, Cycle, CycleList, CycleResponse, StageKind, UpdateStageBody } from "@codewright/shared";
import type { Db } from "../../db/database";
import type { StandardRow } from "../../db/tables/standards";
import type { Actor } from "../auth";
import type { DomainContext } from "../context";
import { assertEditor, assertRead, NO_CYCLE, standardAccess, type ProposalWindow, type StandardAccess } from "../access";
import { recordAudit } from "../audit";
import { cycleActive, invalidSchedule, notFound, stageClosed, stageRequirementsUnmet } from "../errors";
import { accessToStandard } from "../standards";
import { findRelease } from "../releases/read";
import { checkSchedule, currentStage, formatInZone, stageState, workingStage, type StageWindowPlan } from "./schedule";
import { lockCycle, settleCycle, stagesOf, type SettledCycle } from "./settle";
import { unmetRequirements } from "./requirements";
import { cycleView } from "./view";

/**
 * Revision cycles of a standard: creating one from a published release with its stages'
 * windows, reading them, moving a window (with its reason), cancelling, and closing the current
 * stage early. Every operation settles the cycle to the domain clock first.
 */

const UNIQUE_VIOLATION = "23505";

/** Creates a cycle, by an editor. Throws 400 `invalid_schedule`, 404 for an unknown base version, 409 `cycle_active`. */
export async function createCycle(ctx: DomainContext, actor: Actor | null, slug: string, input: CreateCycleBody): Promise<CycleResponse> {
  const plan: StageWindowPlan[] = input.stages.map((s) => ({ kind: s.kind, opensAt: new Date(s.opensAt), closesAt: new Date(s.closesAt) }));
  checkSchedule(plan);
  try {
    const id = await ctx.db.transaction().execute(async (trx) => {
      const access = await accessToStandard(trx, slug, actor);
      assertEditor(access);
      await findRelease(trx, access.standard.id, input.baseVersion);
      // Taken for update: two editors starting a cycle at once are told one by one.
      await trx.selectFrom("standards").select("id").where("id", "=", access.standard.id).forUpdate().execute();
      const active = await trx.selectFrom("cycles").select("id").where("standard_id", "=", access.standard.id).where("state", "=", "active").executeTakeFirst();
      if (active) throw cycleActive();
      const id = randomUUID();
      await trx.insertInto("cycles").values({ id, standard_id: access.standard.id, title: input.title.trim(), base_version: input.baseVersion, created_by: access.actor.user.id, ended_at: null, cancel_reason: null }).execute();
      await trx
        .insertInto("cycle_stages")
        .values(plan.map((s, position) => ({ id: randomUUID(), cycle_id: id, kind: s.kind, position, opens_at: s.opensAt, closes_at: s.closesAt, opened_at: null, closed_at: null })))
        .execute();
      await recordAudit(trx, {
        actorId: access.actor.user.id,
        standardId: access.standard.id,
        action: "cycle.create",
        subjectType: "cycle",
        subjectId: id,
        toState: "active",
        details: { title: input.title, baseVersion: input.baseVersion, stages: input.stages },
      });
      await scheduleReminders(trx, access.standard.id, id, input.title, plan);
      return id;
    });
    return { cycle: await settledView(ctx, actor, id) };
  } catch (error) {
    if ((error as { code?: string; constraint?: string }).code === UNIQUE_VIOLATION && (error as { constraint?: string }).constraint === "cycles_one_active") throw cycleActive();
    throw error;
  }
}

/** The cycles of a standard, newest first, for whoever may read it. */
export async function listCycles(ctx: DomainContext, actor: Actor | null, slug: string): Promise<CycleList> {
  const access = await accessToStandard(ctx.db, slug, actor);
  assertRead(access);
  const rows = await ctx.db.selectFrom("cycles").select("id").where("standard_id", "=", access.standard.id).orderBy("created_at", "desc").orderBy("id").execute();
  const cycles: Cycle[] = [];
  for (const r of rows) cycles.push(await settledView(ctx, actor, r.id));
  return { cycles };
}

/** One cycle, for whoever may read its standard (404 otherwise, as for a missing one). */
export async function readCycle(ctx: DomainContext, actor: Actor | null, id: string): Promise<CycleResponse> {
  return { cycle: await settledView(ctx, actor, id) };
}

/**
 * Moves a stage's window, by an editor, with the reason recorded and shown on the cycle page. A
 * closed stage's window is history and stays; an open stage's opening is history too (only its
 * close moves). The whole schedule must stay in order. Throws 400 `invalid_schedule`, 409 `stage_closed`.
 */
export async function updateStage(ctx: DomainContext, actor: Actor | null, id: string, stageId: string, input: UpdateStageBody): Promise<CycleResponse> {
  await ctx.db.transaction().execute(async (trx) => {
    const { access, settled } = await editorsCycle(ctx, trx, actor, id);
    const stage = settled.stages.find((s) => s.id === stageId);
    if (!stage) throw notFound("stage");
    if (settled.cycle.state !== "active" || stage.closed_at) throw stageClosed(`The ${stage.kind} stage is closed: its window is part of the record and cannot move.`);
    const opensAt = input.opensAt ? new Date(input.opensAt) : stage.opens_at;
    const closesAt = input.closesAt ? new Date(input.closesAt) : stage.closes_at;
    if (stage.opened_at && opensAt.getTime() !== stage.opens_at.getTime()) throw invalidSchedule(`The ${stage.kind} stage is open already: only its close can move.`);
    if (!input.reason.trim()) throw invalidSchedule("Say why the window moves: the reason is shown on the cycle page.");
    checkSchedule(settled.stages.map((s) => (s.id === stageId ? { kind: s.kind, opensAt, closesAt } : { kind: s.kind, opensAt: s.opens_at, closesAt: s.closes_at })));
    await trx.updateTable("cycle_stages").set({ opens_at: opensAt, closes_at: closesAt }).where("id", "=", stageId).execute();
    await recordAudit(trx, {
      actorId: access.actor.user.id,
      standardId: access.standard.id,
      action: "cycle.stage_window",
      subjectType: "cycle",
      subjectId: id,
      details: {
        stage: stage.kind,
        reason: input.reason.trim(),
        from: { opensAt: stage.opens_at.toISOString(), closesAt: stage.closes_at.toISOString() },
        to: { opensAt: opensAt.toISOString(), closesAt: closesAt.toISOString() },
      },
    });
    await trx.updateTable("deadlines").set({ closes_at: closesAt, reminded_at: null }).where("subject_type", "=", "cycle_stage").where("subject_id", "=", stageId).execute();
    await settleCycle(trx, id, ctx.clock.now(), ctx.cycleEffects);
  });
  return { cycle: await settledView(ctx, actor, id) };
}

/** Cancels an active cycle, by an editor, with a reason. Throws 409 `stage_closed` for one that ended. */
export async function cancelCycle(ctx: DomainContext, actor: Actor | null, id: string, input: CancelCycleBody): Promise<CycleResponse> {
  await ctx.db.transaction().execute(async (trx) => {
    const { access, settled } = await editorsCycle(ctx, trx, actor, id);
    if (settled.cycle.state !== "active") throw stageClosed(`This cycle is ${settled.cycle.state} already.`);
    if (!input.reason.trim()) throw invalidSchedule("Say why the cycle is cancelled: the reason is part of its record.");
    const now = ctx.clock.now();
    await trx.updateTable("cycles").set({ state: "cancelled", ended_at: now, cancel_reason: input.reason.trim() }).where("id", "=", id).execute();
    await trx.deleteFrom("deadlines").where("subject_type", "=", "cycle_stage").where("subject_id", "in", settled.stages.map((s) => s.id)).where("reminded_at", "is", null).execute();
    await recordAudit(trx, { actorId: access.actor.user.id, standardId: access.standard.id, action: "cycle.cancel", subjectType: "cycle", subjectId: id, fromState: "active", toState: "cancelled", details: { reason: input.reason.trim() } });
  });
  return { cycle: await settledView(ctx, actor, id) };
}

/**
 * Closes the open stage early, by an editor, when what it owes is done; the next stage opens
 * when its window begins. Throws 409 `stage_requirements_unmet` with the blockers, 409
 * `stage_closed` when no stage is open (so two editors advancing at once advance once).
 */
export async function advanceCycle(ctx: DomainContext, actor: Actor | null, id: string): Promise<CycleResponse> {
  await ctx.db.transaction().execute(async (trx) => {
    const { access, settled } = await editorsCycle(ctx, trx, actor, id);
    const now = ctx.clock.now();
    const current = currentStage(settled.stages, now);
    if (settled.cycle.state !== "active" || !current || stageState(current, now) !== "open") {
      const blocked = current && stageState(current, now) === "blocked" ? current : undefined;
      if (blocked) {
        const before = settled.stages[settled.stages.indexOf(blocked) - 1]!;
        const blockers = await unmetRequirements(trx, settled.cycle, before.kind);
        throw stageRequirementsUnmet(`The ${blocked.kind} stage cannot open: the ${before.kind} stage is not done (${blockers.length} left).`, blockers);
      }
      throw stageClosed("No stage of this cycle is open now, so there is nothing to advance.");
    }
    const blockers = await unmetRequirements(trx, settled.cycle, current.kind);
    if (blockers.length > 0) throw stageRequirementsUnmet(`The ${current.kind} stage is not done: ${blockers.length} left (see the blockers).`, blockers);
    await recordAudit(trx, { actorId: access.actor.user.id, standardId: access.standard.id, action: "cycle.advance", subjectType: "cycle", subjectId: id, toState: current.kind });
    await settleCycle(trx, id, now, ctx.cycleEffects, current.id);
  });
  return { cycle: await settledView(ctx, actor, id) };
}

/**
 * Throws unless an action of `kind` may be taken now in the standard: with no active cycle,
 * anything goes as before cycles (returns null); with one, a stage of that kind must be the one
 * whose work is done now (open, or closed with the next stage blocked on its work). Throws 409
 * `stage_closed` naming the stage's window. Settles the cycle first; call in the action's transaction.
 */
export async function requireStage(ctx: DomainContext, db: Db, standard: StandardRow, kind: StageKind): Promise<SettledCycle | null> {
  const active = await db.selectFrom("cycles").select("id").where("standard_id", "=", standard.id).where("state", "=", "active").executeTakeFirst();
  if (!active) return null;
  const now = ctx.clock.now();
  const settled = (await settleCycle(db, active.id, now, ctx.cycleEffects))!;
  if (settled.cycle.state !== "active") return null;
  const working = workingStage(settled.stages, now);
  if (working?.kind === kind) return settled;
  const stage = settled.stages.find((s) => s.kind === kind);
  const zone = standard.time_zone;
  if (!stage) throw stageClosed(`The cycle “${settled.cycle.title}” has no ${kind} stage, so this cannot be done while it runs.`);
  throw stageClosed(
    `The ${kind} stage of “${settled.cycle.title}” is ${stageState(stage, now)}: its window is ${formatInZone(stage.opens_at, zone)} to ${formatInZone(stage.closes_at, zone)}.`,
  );
}

/** The active cycle of a standard, settled, or null. */
export async function activeCycle(ctx: DomainContext, db: Db, standardId: string): Promise<SettledCycle | null> {
  const active = await db.selectFrom("cycles").select("id").where("standard_id", "=", standardId).where("state", "=", "active").executeTakeFirst();
  if (!active) return null;
  const settled = (await settleCycle(db, active.id, ctx.clock.now(), ctx.cycleEffects))!;
  return settled.cycle.state === "active" ? settled : null;
}

/** Runs `work` in `db` when it is a transaction already, else in a transaction of its own (settling locks the cycle's row). */
function inTransaction<T>(ctx: DomainContext, db: Db, work: (trx: Db) => Promise<T>): Promise<T> {
  return db.isTransaction ? work(db) : ctx.db.transaction().execute(work);
}

/**
 * The working stage (see `workingStage`) of a cycle now, settled first; null when the cycle is not
 * active or no stage is being worked. What proposals' rules read about the cycle they are inputs to.
 */
export async function stageNow(ctx: DomainContext, db: Db, cycleId: string): Promise<StageKind | null> {
  return inTransaction(ctx, db, async (trx) => {
    const settled = await settleCycle(trx, cycleId, ctx.clock.now(), ctx.cycleEffects);
    if (!settled || settled.cycle.state !== "active") return null;
    return workingStage(settled.stages, ctx.clock.now())?.kind ?? null;
  });
}

/**
 * Whether the standard's active cycle takes inputs now, for what a page offers (`standardPermissions`).
 * One indexed read when the standard has no active cycle; otherwise the cycle is settled first.
 */
export async function proposalWindow(ctx: DomainContext, db: Db, standardId: string): Promise<ProposalWindow> {
  const active = await db.selectFrom("cycles").select("id").where("standard_id", "=", standardId).where("state", "=", "active").executeTakeFirst();
  if (!active) return NO_CYCLE;
  const stage = await stageNow(ctx, db, active.id);
  const still = await db.selectFrom("cycles").select("state").where("id", "=", active.id).executeTakeFirstOrThrow();
  return still.state === "active" ? { active: true, inputOpen: stage === "input" } : NO_CYCLE;
}

/** Settles every active cycle of every standard (the background worker). Returns how many changed state. */
export async function settleActiveCycles(ctx: DomainContext): Promise<number> {
  const ids = await ctx.db.selectFrom("cycles").select("id").where("state", "=", "active").execute();
  let changed = 0;
  for (const { id } of ids) {
    const before = await stagesOf(ctx.db, id);
    const after = await ctx.db.transaction().execute((trx) => settleCycle(trx, id, ctx.clock.now(), ctx.cycleEffects));
    if (after && (after.cycle.state !== "active" || after.stages.some((s, i) => s.opened_at?.getTime() !== before[i]?.opened_at?.getTime() || s.closed_at?.getTime() !== before[i]?.closed_at?.getTime()))) changed++;
  }
  return changed;
}

async function editorsCycle(ctx: DomainContext, trx: Db, actor: Actor | null, id: string): Promise<{ access: StandardAccess & { actor: Actor }; settled: SettledCycle }> {
  const cycle = await trx.selectFrom("cycles").selectAll().where("id", "=", id).executeTakeFirst();
  if (!cycle) throw notFound("cycle");
  const standard = await trx.selectFrom("standards").selectAll().where("id", "=", cycle.standard_id).executeTakeFirstOrThrow();
  const access = await standardAccess(trx, standard, actor);
  try {
    assertEditor(access);
  } catch (error) {
    // Those who may not read the standard are told the cycle does not exist.
    assertRead(access);
    throw error;
  }
  await lockCycle(trx, id);
  const settled = (await settleCycle(trx, id, ctx.clock.now(), ctx.cycleEffects))!;
  return { access, settled };
}

/** Settles the cycle in a transaction of its own, then reads it as the actor may see it. Throws 404. */
async function settledView(ctx: DomainContext, actor: Actor | null, id: string): Promise<Cycle> {
  const row = await ctx.db.selectFrom("cycles").selectAll().where("id", "=", id).executeTakeFirst();
  if (!row) throw notFound("cycle");
  const standard = await ctx.db.selectFrom("standards").selectAll().where("id", "=", row.standard_id).executeTakeFirstOrThrow();
  assertRead(await standardAccess(ctx.db, standard, actor));
  if (row.state === "active") await ctx.db.transaction().execute((trx) => settleCycle(trx, id, ctx.clock.now(), ctx.cycleEffects));
  const cycle = await ctx.db.selectFrom("cycles").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
  return cycleView(ctx.db, standard, cycle, await stagesOf(ctx.db, id), ctx.clock.now());
}

/** Watchers are reminded 48 hours before a comment period or a ballot closes. */
async function scheduleReminders(db: Db, standardId: string, cycleId: string, title: string, plan: StageWindowPlan[]): Promise<void> {
  const stages = await stagesOf(db, cycleId);
  const rows = stages
    .filter((s) => s.kind === "comment" || s.kind === "ballot")
    .map((s) => ({
      id: randomUUID(),
      standard_id: standardId,
      kind: s.kind === "comment" ? ("comment-period" as const) : ("ballot" as const),
      subject_type: "cycle_stage",
      subject_id: s.id,
      title: `${s.kind === "comment" ? "Comment period" : "Ballot"} of “${title}”`,
      closes_at: plan.find((p) => p.kind === s.kind)!.closesAt,
      reminded_at: null,
    }));
  if (rows.length > 0) await db.insertInto("deadlines").values(rows).execute();
}

/**
 * Throws 409 `stage_closed` unless the public comments on release `version` take work of `kind`
 * now: on a cycle's first draft, comments are taken only in that cycle's `comment` stage and
 * disposed of only in its `resolution` stage (and not at all once the cycle has ended). Comments
 * on editions keep the rules they had before cycles. Settles the standard's active cycle first;
 * call in the action's transaction, before looking the release up.
 */
export async function requireFirstDraftStage(ctx: DomainContext, db: Db, standard: StandardRow, version: string, kind: "comment" | "resolution"): Promise<void> {
  // Settled first: the first draft a comment names may be the one the comment stage opening publishes.
  const active = await activeCycle(ctx, db, standard.id);
  const release = await db.selectFrom("releases").select(["kind", "cycle_id"]).where("standard_id", "=", standard.id).where("version", "=", version).executeTakeFirst();
  if (!release || release.kind !== "first-draft" || !release.cycle_id) return;
  if (active?.cycle.id === release.cycle_id) {
    await requireStage(ctx, db, standard, kind);
    return;
  }
  const cycle = await db.selectFrom("cycles").select(["title", "state"]).where("id", "=", release.cycle_id).executeTakeFirstOrThrow();
  throw stageClosed(`${version} is the first draft of “${cycle.title}”, which is ${cycle.state}: its comments were ${kind === "comment" ? "taken" : "disposed of"} while the cycle ran.`);
}
