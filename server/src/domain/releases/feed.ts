import { Feed } from "feed";
import type { Actor } from "../auth";
import type { DomainContext } from "../context";
import { assertRead } from "../access";
import { accessToStandard } from "../standards";
import { apiLinks, pageLinks } from "../links";
import { escapeHtml } from "./export-html";

/** How many releases the feed lists, newest first. */
export const FEED_LENGTH = 50;

/**
 * The Atom feed of a standard's releases, newest first: each with its version, title, notes,
 * published time and a link to its page under `PUBLIC_URL`. Readable exactly when the standard
 * is: a members-only standard's feed answers outsiders 404, as its other reads do.
 */
export async function releaseFeed(ctx: DomainContext, actor: Actor | null, slug: string): Promise<{ xml: string; isPublic: boolean }> {
  const access = await accessToStandard(ctx.db, slug, actor);
  assertRead(access);
  const standard = access.standard;
  const rows = await ctx.db
    .selectFrom("releases")
    .select(["version", "published_at", "notes"])
    .where("standard_id", "=", standard.id)
    .orderBy("sequence", "desc")
    .limit(FEED_LENGTH)
    .execute();
  const base = ctx.publicUrl;
  const feed = new Feed({
    id: pageLinks.releases(base, standard.slug),
    title: `${standard.title}: releases`,
    description: standard.description || undefined,
    link: pageLinks.releases(base, standard.slug),
    feedLinks: { atom: apiLinks.releaseFeed(base, standard.slug) },
    updated: rows[0] ? new Date(rows[0].published_at) : new Date(standard.created_at),
    generator: "Codewright",
  });
  for (const row of rows) {
    const link = pageLinks.release(base, standard.slug, row.version);
    // Atom's title and summary are written as `type="html"`: every piece of text is escaped,
    // so notes and titles stay text in any reader, and cannot close the CDATA around them.
    feed.addItem({
      id: link,
      title: escapeHtml(`${standard.title} ${row.version}`),
      link,
      date: new Date(row.published_at),
      published: new Date(row.published_at),
      description: row.notes ? notesHtml(row.notes) : undefined,
    });
  }
  return { xml: feed.atom1(), isPublic: standard.is_public };
}

/** Release notes as HTML: escaped, one paragraph per blank-line-separated block, line breaks kept. */
function notesHtml(notes: string): string {
  return notes
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => `<p>${escapeHtml(p).replace(/\n/g, "<br>")}</p>`)
    .join("");
}
