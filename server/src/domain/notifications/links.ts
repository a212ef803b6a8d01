import type { CommentThreadRow } from "../../db/tables/comments";

/**
 * Paths of the web client's pages that notifications and watches link to, spelled as the
 * client's `paths` (client/src/lib/routes.ts) spells them. Mail makes them absolute with the
 * site's public address.
 */
const seg = encodeURIComponent;

export const pagePaths = {
  standard: (slug: string) => `/standards/${seg(slug)}`,
  section: (slug: string, sectionId: string) => `/standards/${seg(slug)}/sections/${seg(sectionId)}`,
  release: (slug: string, version: string, sectionId?: string | null) =>
    `/standards/${seg(slug)}/releases/${seg(version)}` + (sectionId ? `/sections/${seg(sectionId)}` : ""),
  proposal: (id: string, sectionId?: string | null) => `/proposals/${seg(id)}` + (sectionId ? `/sections/${seg(sectionId)}` : ""),
  account: () => "/account",
  /** The notifications inbox (the client's page for it is to come at this path). */
  inbox: () => "/notifications",
  /**
   * A comment thread: the page of what it is on, with the thread named in the fragment
   * (`#comment-<id>`), which a page may use to bring it into view.
   */
  thread: (slug: string, thread: Pick<CommentThreadRow, "id" | "target_kind" | "section_id" | "proposal_id" | "release_version">) => {
    const page = (() => {
      switch (thread.target_kind) {
        case "section":
          return pagePaths.section(slug, thread.section_id!);
        case "proposal":
          return pagePaths.proposal(thread.proposal_id!);
        case "proposal_section":
          return pagePaths.proposal(thread.proposal_id!, thread.section_id);
        case "release_section":
          return pagePaths.release(slug, thread.release_version!, thread.section_id);
      }
    })();
    return `${page}#comment-${thread.id}`;
  },
} as const;

/** A path made absolute for mail: the site's public address (no trailing slash) and the path. */
export const absolute = (publicUrl: string, path: string) => `${publicUrl}${path}`;
