import type { Release, ReleaseList, ReleaseSummary } from "@codewright/shared";
import type { Db } from "../../db/database";
import type { ReleaseRow } from "../../db/tables/releases";
import type { Actor } from "../auth";
import type { DomainContext } from "../context";
import { assertRead } from "../access";
import { notFound } from "../errors";
import { accessToStandard } from "../standards";

export function toReleaseSummary(row: Pick<ReleaseRow, "version" | "kind" | "cycle_id" | "published_at" | "previous_version" | "digest" | "notes">): ReleaseSummary {
  return {
    version: row.version,
    kind: row.kind,
    cycleId: row.cycle_id,
    publishedAt: new Date(row.published_at).toISOString(),
    previousVersion: row.previous_version,
    digest: row.digest,
    notes: row.notes,
  };
}

/** The releases of a standard, newest first, for whoever may read it. Throws 404. */
export async function listReleases(ctx: DomainContext, actor: Actor | null, slug: string): Promise<ReleaseList> {
  const access = await accessToStandard(ctx.db, slug, actor);
  assertRead(access);
  const rows = await ctx.db
    .selectFrom("releases")
    .select(["version", "kind", "cycle_id", "published_at", "previous_version", "digest", "notes"])
    .where("standard_id", "=", access.standard.id)
    .orderBy("sequence", "desc")
    .execute();
  return { releases: rows.map(toReleaseSummary) };
}

/**
 * One release of a standard, for whoever may read it: the stored row (its document is sent as the
 * exact bytes that were signed), and whether the standard is public (for caching). Throws 404.
 */
export async function readRelease(ctx: DomainContext, actor: Actor | null, slug: string, version: string): Promise<{ release: ReleaseRow; isPublic: boolean }> {
  const access = await accessToStandard(ctx.db, slug, actor);
  assertRead(access);
  return { release: await findRelease(ctx.db, access.standard.id, version), isPublic: access.standard.is_public };
}

/** One release of a standard, with its stored document. Throws 404 `not_found`. Does not check access. */
export async function findRelease(db: Db, standardId: string, version: string): Promise<ReleaseRow> {
  const row = await db.selectFrom("releases").selectAll().where("standard_id", "=", standardId).where("version", "=", version).executeTakeFirst();
  if (!row) throw notFound("release");
  return row;
}

/** The release document of a stored row. */
export function releaseDocument(row: Pick<ReleaseRow, "document">): Release {
  return JSON.parse(row.document) as Release;
}
