import type { ReleaseChange } from "@codewright/shared";
import type { Db } from "../../db/database";
import type { StandardRow } from "../../db/tables/standards";
import { commentDispositions } from "../comments/dispositions";

/**
 * The proposals of a standard accepted after `since` (all of them when null), in the order they
 * were accepted, each with the sections it touched: a release's `changes`.
 */
export async function changesSincePreviousRelease(db: Db, standardId: string, since: Date | null): Promise<ReleaseChange[]> {
  let q = db
    .selectFrom("proposals")
    .innerJoin("proposal_decisions", "proposal_decisions.proposal_id", "proposals.id")
    .select(["proposals.id", "proposals.title", "proposal_decisions.sections"])
    .where("proposals.standard_id", "=", standardId)
    .where("proposals.state", "=", "accepted");
  if (since) q = q.where("proposal_decisions.decided_at", ">", since);
  const rows = await q.orderBy("proposal_decisions.decided_at").orderBy("proposals.id").execute();
  return rows.map((r) => ({ proposal: r.id, title: r.title, sections: r.sections }));
}

/**
 * What the release builder records from the workflow, read in its publishing transaction: the
 * proposals accepted since the previous release, and the dispositions of the public comments on it.
 */
export const workflowRecords = {
  async changes(trx: Db, standard: StandardRow, previousVersion: string | null): Promise<ReleaseChange[]> {
    const previous = previousVersion
      ? await trx.selectFrom("releases").select("published_at").where("standard_id", "=", standard.id).where("version", "=", previousVersion).executeTakeFirst()
      : undefined;
    return changesSincePreviousRelease(trx, standard.id, previous ? new Date(previous.published_at) : null);
  },
  comments(trx: Db, standard: StandardRow, previousVersion: string | null) {
    return commentDispositions(trx, standard.id, previousVersion);
  },
};
