import type { Blocker, CarriedOverComment, Cycle, UserRef, WindowChange } from "@codewright/shared";
import type { Db } from "../../db/database";
import type { CycleRow, CycleStageRow } from "../../db/tables/cycles";
import type { StandardRow } from "../../db/tables/standards";
import { currentStage, stageState } from "./schedule";
import { cycleComments, inputsOf, unmetRequirements } from "./requirements";

/**
 * A cycle as the API shows it: stages with their states now, the current stage, what blocks the
 * next one, every change of window with its reason, and the counts of the cycle page.
 */
export async function cycleView(db: Db, standard: StandardRow, cycle: CycleRow, stages: CycleStageRow[], now: Date): Promise<Cycle> {
  const active = cycle.state === "active";
  const current = active ? currentStage(stages, now) : undefined;
  let blockers: Blocker[] = [];
  if (current) {
    // A blocked stage is blocked by what the stage before it owes; an open one will block the next on what it owes itself.
    const owing = stageState(current, now) === "blocked" ? stages[stages.indexOf(current) - 1] : current;
    if (owing) blockers = await unmetRequirements(db, cycle, owing.kind);
  }
  const actions = await inputsOf(db, cycle.id).leftJoin("committee_actions", "committee_actions.proposal_id", "proposals.id").select(["proposals.id", "committee_actions.action"]).execute();
  const inputsByAction = { accept: 0, "accept-as-modified": 0, reject: 0, none: 0 };
  for (const a of actions) inputsByAction[a.action ?? "none"]++;
  const comments = await cycleComments(db, cycle);
  return {
    id: cycle.id,
    standard: standard.slug,
    title: cycle.title,
    baseVersion: cycle.base_version,
    state: cycle.state,
    timeZone: standard.time_zone,
    stages: stages.map((s) => ({
      id: s.id,
      kind: s.kind,
      opensAt: s.opens_at.toISOString(),
      closesAt: s.closes_at.toISOString(),
      state: active ? stageState(s, now) : s.closed_at ? "closed" : s.opened_at ? "closed" : "upcoming",
      openedAt: s.opened_at?.toISOString() ?? null,
      closedAt: s.closed_at?.toISOString() ?? null,
    })),
    currentStage: current?.kind ?? null,
    blockers,
    windowChanges: await windowChanges(db, cycle.id),
    carriedOver: await carriedOver(db, cycle),
    counts: {
      inputs: actions.length,
      inputsByAction,
      comments: comments.length,
      commentsWithoutDisposition: comments.filter((c) => c.disposition === null).length,
    },
    createdAt: cycle.created_at.toISOString(),
    endedAt: cycle.ended_at?.toISOString() ?? null,
    cancelReason: cycle.cancel_reason,
  };
}

async function windowChanges(db: Db, cycleId: string): Promise<WindowChange[]> {
  const rows = await db
    .selectFrom("audit_log")
    .leftJoin("users", "users.id", "audit_log.actor_id")
    .select(["audit_log.at", "audit_log.actor_id", "users.display_name", "users.affiliation", "audit_log.details"])
    .where("audit_log.subject_type", "=", "cycle")
    .where("audit_log.subject_id", "=", cycleId)
    .where("audit_log.action", "=", "cycle.stage_window")
    .orderBy("audit_log.id")
    .execute();
  return rows.map((r) => {
    const d = r.details as { stage: WindowChange["stage"]; reason: string; from: WindowChange["from"]; to: WindowChange["to"] };
    const by: UserRef | null = r.actor_id ? { id: r.actor_id, displayName: r.display_name ?? "", affiliation: r.affiliation ?? null } : null;
    return { stage: d.stage, at: new Date(r.at).toISOString(), by, reason: d.reason, from: d.from, to: d.to };
  });
}

const EXCERPT = 200;

/**
 * The comments deferred in the standard's cycle before this one (the latest created before it,
 * however it ended): comments on that cycle's releases disposed of as `deferred`.
 */
async function carriedOver(db: Db, cycle: CycleRow): Promise<CarriedOverComment[]> {
  const previous = await db
    .selectFrom("cycles")
    .select("id")
    .where("standard_id", "=", cycle.standard_id)
    .where("id", "!=", cycle.id)
    .where("created_at", "<=", cycle.created_at)
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .limit(1)
    .executeTakeFirst();
  if (!previous) return [];
  const rows = await db
    .selectFrom("comment_threads")
    .innerJoin("releases", (j) => j.onRef("releases.standard_id", "=", "comment_threads.standard_id").onRef("releases.version", "=", "comment_threads.release_version"))
    .select(["comment_threads.id", "comment_threads.body"])
    .where("comment_threads.target_kind", "=", "release_section")
    .where("releases.cycle_id", "=", previous.id)
    .where("comment_threads.disposition", "=", "deferred")
    .orderBy("comment_threads.created_at")
    .orderBy("comment_threads.id")
    .execute();
  return rows.map((r) => ({ comment: r.id, excerpt: excerptOf(r.body), fromCycle: previous.id }));
}

function excerptOf(body: string): string {
  const chars = [...body];
  return chars.length <= EXCERPT ? body : `${chars.slice(0, EXCERPT - 1).join("")}…`;
}
