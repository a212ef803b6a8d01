import type { ReleaseChange } from "@codewright/shared";
import type { Db } from "../../db/database";
import type { StandardRow } from "../../db/tables/standards";
import type { DomainContext } from "../context";
import type { ReleasePlan, ReleaseRecords } from "../releases/publish";
import { ballotNotPassed } from "../errors";
import { lastRoundPassed } from "./ballot/rounds";
import { activeCycle, requireStage } from "./cycles";
import { settleCycle, type StageEffects } from "./settle";

/**
 * The edition of a revision cycle. While a cycle is active, an edition is published only once
 * the cycle's last ballot round passed as final (409 `ballot_not_passed`), and only while
 * `publication` is its working stage (409 `stage_closed`). It belongs to the cycle, its `changes`
 * are the cycle's accepted inputs, and publishing it closes the cycle (the `publication` stage is
 * over once an edition of its cycle exists, whatever its window says). Outside cycles, editions
 * are published as before.
 */

/** How the edition about to be published in `standard` is made. Call in the publishing transaction. Throws 409 `ballot_not_passed`, 409 `stage_closed`. */
export async function editionPlan(ctx: DomainContext, trx: Db, standard: StandardRow, workflow: ReleaseRecords): Promise<Pick<ReleasePlan, "kind" | "cycle" | "records" | "after">> {
  const active = await activeCycle(ctx, trx, standard.id);
  if (!active) return { kind: "edition", cycle: null, records: workflow };
  const { cycle } = active;
  if (!(await lastRoundPassed(trx, cycle.id))) {
    throw ballotNotPassed(`The edition of “${cycle.title}” cannot be published yet: the last ballot round of the cycle has not passed as final.`);
  }
  await requireStage(ctx, trx, standard, "publication");
  return {
    kind: "edition",
    cycle: { id: cycle.id, title: cycle.title, baseVersion: cycle.base_version },
    records: cycleRecords(cycle.id, workflow, { list: true }),
    // The edition is stored: the publication stage is over, and the cycle closes with it.
    after: async (db) => {
      await settleCycle(db, cycle.id, ctx.clock.now(), ctx.cycleEffects);
    },
  };
}

/** The publication stage is over once its cycle has an edition. */
export const publicationEffects: StageEffects = {
  over: async (db, cycle) => Boolean(await db.selectFrom("releases").select("version").where("cycle_id", "=", cycle.id).where("kind", "=", "edition").executeTakeFirst()),
};

/**
 * A cycle's release records: its `changes` are the cycle's accepted inputs (proposals submitted
 * to it that the committee accepted, as accepted or as modified), in the order the committee
 * acted; comments as the workflow records them (the dispositions of comments on the previous
 * release). With `list`, the inputs are marked as listed by this release (the edition), so no
 * later release lists them again; a first draft lists them without marking them.
 */
export function cycleRecords(cycleId: string, workflow: ReleaseRecords, opts: { list: boolean }): ReleaseRecords {
  return {
    changes: (trx) => acceptedInputs(trx, cycleId),
    comments: (trx, standard, previousVersion) => workflow.comments(trx, standard, previousVersion),
    async listed(trx, standard, version, changes) {
      if (!opts.list || changes.length === 0) return;
      const listed = await trx.selectFrom("release_changes").select("proposal_id").where("proposal_id", "in", changes.map((c) => c.proposal)).execute();
      const already = new Set(listed.map((r) => r.proposal_id));
      const rows = changes.filter((c) => !already.has(c.proposal)).map((c) => ({ proposal_id: c.proposal, standard_id: standard.id, version }));
      if (rows.length > 0) await trx.insertInto("release_changes").values(rows).execute();
    },
  };
}

/** The inputs of a cycle the committee accepted, with the sections each touched (as decided, else as forked). */
export async function acceptedInputs(db: Db, cycleId: string): Promise<ReleaseChange[]> {
  const rows = await db
    .selectFrom("proposals")
    .innerJoin("committee_actions", "committee_actions.proposal_id", "proposals.id")
    .leftJoin("proposal_decisions", "proposal_decisions.proposal_id", "proposals.id")
    .select(["proposals.id", "proposals.title", "proposal_decisions.sections"])
    .where("proposals.cycle_id", "=", cycleId)
    .where("committee_actions.cycle_id", "=", cycleId)
    .where("committee_actions.action", "in", ["accept", "accept-as-modified"])
    .orderBy("committee_actions.acted_at")
    .orderBy("proposals.id")
    .execute();
  if (rows.length === 0) return [];
  const forked = await db
    .selectFrom("proposal_rooms")
    .select(["proposal_id", "section_id"])
    .where("proposal_id", "in", rows.map((r) => r.id))
    .orderBy("section_id")
    .execute();
  return rows.map((r) => ({ proposal: r.id, title: r.title, sections: r.sections ?? forked.filter((f) => f.proposal_id === r.id).map((f) => f.section_id) }));
}
