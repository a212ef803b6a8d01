import type { ReleaseComment } from "@codewright/shared";
import type { Db } from "../../db/database";

/**
 * The public comments on release `version` of a standard that an editor has disposed of, oldest
 * first, as a release lists them. Comments still awaiting a disposition are left out (the release
 * format has no word for "pending"). None for a first release (`version` null).
 */
export async function commentDispositions(db: Db, standardId: string, version: string | null): Promise<ReleaseComment[]> {
  if (version === null) return [];
  const rows = await db
    .selectFrom("comment_threads")
    .select(["id", "section_id", "disposition", "disposition_response"])
    .where("standard_id", "=", standardId)
    .where("target_kind", "=", "release_section")
    .where("release_version", "=", version)
    .where("disposition", "is not", null)
    .orderBy("created_at")
    .orderBy("id")
    .execute();
  return rows.map((r) => ({
    id: r.id,
    section: r.section_id,
    // The API spells dispositions with hyphens; the release format uses underscores.
    disposition: r.disposition!.replaceAll("-", "_") as ReleaseComment["disposition"],
    response: r.disposition_response ?? "",
  }));
}
