import type { Release, ReleaseSummary } from "@codewright/shared";
import type { Db } from "../../db/database";
import type { ReleaseRow } from "../../db/tables/releases";
import { notFound } from "../errors";

export function toReleaseSummary(row: Pick<ReleaseRow, "version" | "published_at" | "previous_version" | "digest" | "notes">): ReleaseSummary {
  return {
    version: row.version,
    publishedAt: new Date(row.published_at).toISOString(),
    previousVersion: row.previous_version,
    digest: row.digest,
    notes: row.notes,
  };
}

/** The releases of a standard, newest first. */
export async function listReleases(db: Db, standardId: string): Promise<ReleaseSummary[]> {
  const rows = await db
    .selectFrom("releases")
    .select(["version", "published_at", "previous_version", "digest", "notes"])
    .where("standard_id", "=", standardId)
    .orderBy("sequence", "desc")
    .execute();
  return rows.map(toReleaseSummary);
}

/** One release of a standard, with its stored document. Throws 404 `not_found`. */
export async function findRelease(db: Db, standardId: string, version: string): Promise<ReleaseRow> {
  const row = await db.selectFrom("releases").selectAll().where("standard_id", "=", standardId).where("version", "=", version).executeTakeFirst();
  if (!row) throw notFound("release");
  return row;
}

/** The release document of a stored row. */
export function releaseDocument(row: Pick<ReleaseRow, "document">): Release {
  return JSON.parse(row.document) as Release;
}
