import type { Blocker, StageKind } from "@codewright/shared";
import type { Db } from "../../db/database";
import type { CycleRow } from "../../db/tables/cycles";

/**
 * What a stage owes before the stage after it may open, as blockers, each naming what to open to
 * fix it. Stages not listed owe nothing: `input`, `comment` (its comments are answered in
 * `resolution`) and `publication` (the last).
 */
const REQUIREMENTS: Partial<Record<StageKind, (db: Db, cycle: CycleRow) => Promise<Blocker[]>>> = {
  committee: committeeBlockers,
  resolution: resolutionBlockers,
  ballot: ballotBlockers,
};

/** The blockers of the stage after one of kind `kind`: what `kind` still owes. Empty when done. */
export async function unmetRequirements(db: Db, cycle: CycleRow, kind: StageKind): Promise<Blocker[]> {
  return (await REQUIREMENTS[kind]?.(db, cycle)) ?? [];
}

/** The inputs of a cycle: proposals submitted to it and not withdrawn (drafts never submitted are not inputs). */
export function inputsOf(db: Db, cycleId: string) {
  return db
    .selectFrom("proposals")
    .where("proposals.cycle_id", "=", cycleId)
    .where("proposals.submitted_at", "is not", null)
    .where("proposals.state", "!=", "withdrawn");
}

async function committeeBlockers(db: Db, cycle: CycleRow): Promise<Blocker[]> {
  const rows = await inputsOf(db, cycle.id)
    .leftJoin("committee_actions", "committee_actions.proposal_id", "proposals.id")
    .select(["proposals.id", "proposals.title", "committee_actions.action", "committee_actions.statement"])
    .orderBy("proposals.submitted_at")
    .orderBy("proposals.id")
    .execute();
  const blockers: Blocker[] = [];
  for (const r of rows) {
    if (!r.action) blockers.push({ kind: "input-without-action", message: `“${r.title}” has no committee action yet.`, target: { kind: "proposal", id: r.id } });
    else if (!r.statement?.trim()) blockers.push({ kind: "action-without-statement", message: `The committee action on “${r.title}” has no statement.`, target: { kind: "proposal", id: r.id } });
  }
  return blockers;
}

/** The version of the cycle's first draft, when it has been published. */
export async function firstDraftVersion(db: Db, cycleId: string): Promise<string | null> {
  const row = await db.selectFrom("releases").select("version").where("cycle_id", "=", cycleId).where("kind", "=", "first-draft").orderBy("sequence", "desc").limit(1).executeTakeFirst();
  return row?.version ?? null;
}

/** The public comments on the cycle's first draft. */
export async function cycleComments(db: Db, cycle: CycleRow) {
  const version = await firstDraftVersion(db, cycle.id);
  if (version === null) return [];
  return db
    .selectFrom("comment_threads")
    .select(["id", "body", "disposition"])
    .where("standard_id", "=", cycle.standard_id)
    .where("target_kind", "=", "release_section")
    .where("release_version", "=", version)
    .orderBy("created_at")
    .orderBy("id")
    .execute();
}

async function resolutionBlockers(db: Db, cycle: CycleRow): Promise<Blocker[]> {
  return (await cycleComments(db, cycle))
    .filter((c) => c.disposition === null)
    .map((c) => ({ kind: "comment-without-disposition" as const, message: `The comment “${excerpt(c.body)}” has no disposition yet.`, target: { kind: "comment" as const, id: c.id } }));
}

async function ballotBlockers(db: Db, cycle: CycleRow): Promise<Blocker[]> {
  const last = await db.selectFrom("ballot_rounds").select(["round", "closed_at", "result"]).where("cycle_id", "=", cycle.id).orderBy("round", "desc").limit(1).executeTakeFirst();
  const target = { kind: "cycle" as const, id: cycle.id };
  if (!last || !last.closed_at) return [{ kind: "ballot-open", message: last ? `Ballot round ${last.round} is still open.` : "The ballot has not opened yet.", target }];
  const result = last.result as { passed?: boolean; final?: boolean } | null;
  if (result?.passed && result.final) return [];
  return [{ kind: "ballot-not-passed", message: `Ballot round ${last.round} did not pass as final.`, target }];
}

function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > 60 ? `${flat.slice(0, 57)}…` : flat;
}
