/**
 * Absolute addresses of the web client's pages, for what leaves the server (feeds, webhook
 * payloads): `base` is `PUBLIC_URL` without its trailing slash. They follow the client's own
 * paths (client/src/lib/routes.ts), each segment encoded.
 */
const seg = encodeURIComponent;

export const pageLinks = {
  standard: (base: string, slug: string) => `${base}/standards/${seg(slug)}`,
  section: (base: string, slug: string, sectionId: string) => `${base}/standards/${seg(slug)}/sections/${seg(sectionId)}`,
  releases: (base: string, slug: string) => `${base}/standards/${seg(slug)}/releases`,
  release: (base: string, slug: string, version: string, sectionId?: string | null) =>
    `${base}/standards/${seg(slug)}/releases/${seg(version)}` + (sectionId ? `/sections/${seg(sectionId)}` : ""),
  proposal: (base: string, id: string, sectionId?: string | null) => `${base}/proposals/${seg(id)}` + (sectionId ? `/sections/${seg(sectionId)}` : ""),
} as const;

/** Addresses of the API, for machine-readable links (a release document, a feed). */
export const apiLinks = {
  release: (base: string, slug: string, version: string) => `${base}/api/standards/${seg(slug)}/releases/${seg(version)}`,
  releaseFeed: (base: string, slug: string) => `${base}/api/standards/${seg(slug)}/releases.atom`,
} as const;

/** Where a comment thread is shown: the page of what it is on. */
export function threadLink(
  base: string,
  slug: string,
  thread: { target: string; sectionId: string | null; proposalId: string | null; version: string | null },
): string {
  if (thread.target === "release_section" && thread.version !== null) return pageLinks.release(base, slug, thread.version, thread.sectionId);
  if ((thread.target === "proposal" || thread.target === "proposal_section") && thread.proposalId !== null) return pageLinks.proposal(base, thread.proposalId, thread.sectionId);
  if (thread.sectionId !== null) return pageLinks.section(base, slug, thread.sectionId);
  return pageLinks.standard(base, slug);
}
