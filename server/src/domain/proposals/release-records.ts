import type { ReleaseChange } from "@codewright/shared";
import type { Db } from "../../db/database";
import type { StandardRow } from "../../db/tables/standards";
import { commentDispositions } from "../comments/dispositions";

/**
 * The accepted proposals of a standard that no release lists yet, in the order they were
 * accepted, each with the sections it touched: the next release's `changes`. Read in the
 * publishing transaction, they are exactly the merges whose text its snapshot of the draft holds
 * (a merge and its decision commit together); timestamps play no part, so a decision committed
 * while a release was being published is listed by the next one.
 */
export async function unlistedChanges(db: Db, standardId: string): Promise<ReleaseChange[]> {
  const rows = await db
    .selectFrom("proposals")
    .innerJoin("proposal_decisions", "proposal_decisions.proposal_id", "proposals.id")
    .leftJoin("release_changes", "release_changes.proposal_id", "proposals.id")
    .select(["proposals.id", "proposals.title", "proposal_decisions.sections"])
    .where("proposals.standard_id", "=", standardId)
    .where("proposals.state", "=", "accepted")
    .where("release_changes.proposal_id", "is", null)
    .orderBy("proposal_decisions.decided_at")
    .orderBy("proposals.id")
    .execute();
  return rows.map((r) => ({ proposal: r.id, title: r.title, sections: r.sections }));
}

/**
 * What the release builder records from the workflow, read in its publishing transaction: the
 * proposals accepted and not yet listed, and the dispositions of the public comments on the
 * previous release. Once the release is stored, its changes are marked listed in the same transaction.
 */
export const workflowRecords = {
  changes(trx: Db, standard: StandardRow): Promise<ReleaseChange[]> {
    return unlistedChanges(trx, standard.id);
  },
  comments(trx: Db, standard: StandardRow, previousVersion: string | null) {
    return commentDispositions(trx, standard.id, previousVersion);
  },
  async listed(trx: Db, standard: StandardRow, version: string, changes: readonly ReleaseChange[]): Promise<void> {
    if (changes.length === 0) return;
    await trx
      .insertInto("release_changes")
      .values(changes.map((c) => ({ proposal_id: c.proposal, standard_id: standard.id, version })))
      .execute();
  },
};
