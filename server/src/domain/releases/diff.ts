import { DRAFT_VERSION, diffReleases, type DiffableRelease, type ReleaseDiff } from "@codewright/shared";
import type { Actor } from "../auth";
import type { DomainContext } from "../context";
import { assertMember, assertRead } from "../access";
import { accessToStandard } from "../standards";
import { findRelease, releaseDocument } from "./read";
import { snapshotDraft } from "./snapshot";
import { diffToHtml } from "./redline-html";

/** True when `version` names the current draft rather than a release. */
export const isDraft = (version: string) => version === DRAFT_VERSION;

/**
 * The diff between two versions of a standard: release versions, or `draft` for the draft as
 * it is now (one consistent snapshot). Releases are as public as their standard; the draft is
 * for its members (401/403). Throws 404 for a hidden standard or a version never published.
 */
export async function diffVersions(ctx: DomainContext, actor: Actor | null, slug: string, from: string, to: string): Promise<ReleaseDiff> {
  const access = await accessToStandard(ctx.db, slug, actor);
  if (isDraft(from) || isDraft(to)) assertMember(access);
  else assertRead(access);
  const standard = access.standard;
  const load = async (version: string): Promise<DiffableRelease> => {
    if (isDraft(version)) {
      const sections = await ctx.db.transaction().setIsolationLevel("repeatable read").execute((trx) => snapshotDraft(trx, standard.id));
      return { version: DRAFT_VERSION, sections };
    }
    return releaseDocument(await findRelease(ctx.db, standard.id, version));
  };
  const [before, after] = await Promise.all([load(from), load(to)]);
  return diffReleases(before, after);
}

/** The diff between two versions as a printable redline page, for whoever may read both (as `diffVersions`). */
export async function diffVersionsHtml(ctx: DomainContext, actor: Actor | null, slug: string, from: string, to: string): Promise<string> {
  const diff = await diffVersions(ctx, actor, slug, from, to);
  const standard = await ctx.db.selectFrom("standards").select("title").where("slug", "=", slug).executeTakeFirstOrThrow();
  return diffToHtml(standard.title, diff);
}
