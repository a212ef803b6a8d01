import { DRAFT_VERSION, diffReleases, type DiffableRelease, type ReleaseDiff } from "@codewright/shared";
import type { Kysely } from "kysely";
import type { Database } from "../../db/database";
import type { StandardRow } from "../../db/tables/standards";
import { findRelease, releaseDocument } from "./read";
import { snapshotDraft } from "./snapshot";

/** True when `version` names the current draft rather than a release. */
export const isDraft = (version: string) => version === DRAFT_VERSION;

/**
 * The diff between two versions of a standard: release versions, or `draft` for the draft as
 * it is now (one consistent snapshot). Does not check who may see the draft: the caller does.
 * Throws 404 `not_found` for a version that was never published.
 */
export async function diffVersions(db: Kysely<Database>, standard: StandardRow, from: string, to: string): Promise<ReleaseDiff> {
  const load = async (version: string): Promise<DiffableRelease> => {
    if (isDraft(version)) {
      const sections = await db.transaction().setIsolationLevel("repeatable read").execute((trx) => snapshotDraft(trx, standard.id));
      return { version: DRAFT_VERSION, sections };
    }
    return releaseDocument(await findRelease(db, standard.id, version));
  };
  const [before, after] = await Promise.all([load(from), load(to)]);
  return diffReleases(before, after);
}
