import type { PMJSON } from "../schema";

/** The value of `format` in every release document of this version of the format. */
export const RELEASE_FORMAT = "codewright.release/v1";

/** What a release version looks like: `1.0.0`, `2026`, `2.0.0-rc.1`, `1.0+errata`. */
export const RELEASE_VERSION_PATTERN = /^[0-9A-Za-z][0-9A-Za-z.+-]{0,63}$/;

/** The word that names the current draft where a version is expected (diffs); never a release version. */
export const DRAFT_VERSION = "draft";

/** Whether `version` may name a new release: it fits the pattern and is not the reserved word `draft`. */
export function isReleaseVersion(version: string): boolean {
  return RELEASE_VERSION_PATTERN.test(version) && version.toLowerCase() !== DRAFT_VERSION;
}

/** One section of a release, with its sub-sections in outline order. */
export interface ReleaseSection {
  /** Stable id, never reused. */
  id: string;
  /** Survives renumbering, e.g. `BC-2.3`. */
  label: string;
  /** From the section's place in the outline at publication, e.g. `2.3`. */
  number: string;
  title: string;
  /** The body as ProseMirror JSON in the shared schema. */
  content: PMJSON;
  /** Plain text of the body; cross-references read as the target's number in this release. */
  text: string;
  children: ReleaseSection[];
}

/** A proposal merged into the draft since the previous release. */
export interface ReleaseChange {
  proposal: string;
  title: string;
  /** Ids of the sections it touched. */
  sections: string[];
}

/** How an editor disposed of a public comment on a release. */
export type CommentDisposition = "accepted" | "accepted_in_principle" | "rejected" | "noted";

/** A public comment and its disposition. */
export interface ReleaseComment {
  id: string;
  /** The section commented on; null for a comment on the whole release. */
  section: string | null;
  disposition: CommentDisposition;
  response: string;
}

/**
 * A published release: an immutable, numbered snapshot of a standard's draft, as served at
 * `GET /api/standards/:slug/releases/:version` and described by `releaseSchema`.
 * `digest` is `digestOf` the document without it; the detached signature covers the whole document.
 */
export interface Release {
  format: typeof RELEASE_FORMAT;
  standard: { slug: string; title: string };
  version: string;
  /** ISO 8601 instant, UTC. */
  publishedAt: string;
  /** The release this one follows; null for the first. */
  previousVersion: string | null;
  notes: string;
  sections: ReleaseSection[];
  changes: ReleaseChange[];
  comments: ReleaseComment[];
  /** `sha256:<64 hex>`. */
  digest: string;
}

/** A release before its digest is computed. */
export type UndigestedRelease = Omit<Release, "digest">;
