import type { PMJSON } from "../schema";

/** The value of `format` in every release published now. */
export const RELEASE_FORMAT = "codewright.release/v2";
/** The format of releases published before releases had a kind; they are editions, and keep verifying. */
export const RELEASE_FORMAT_V1 = "codewright.release/v1";
/** Every format a reader may meet, oldest first. */
export const RELEASE_FORMATS = [RELEASE_FORMAT_V1, RELEASE_FORMAT] as const;
export type ReleaseFormat = (typeof RELEASE_FORMATS)[number];

/** An edition of a standard, or the first draft of a revision cycle (published for public comment). */
export type ReleaseKind = "edition" | "first-draft";

/** The revision cycle a release belongs to. */
export interface ReleaseCycle {
  id: string;
  title: string;
  /** The release the cycle revises. */
  baseVersion: string;
}

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

/**
 * How an editor disposed of a public comment on a release. `accepted_in_principle` is the old
 * word, found only in releases published before `accepted_with_modification` replaced it.
 */
export type CommentDisposition =
  | "accepted"
  | "accepted_in_principle"
  | "accepted_with_modification"
  | "rejected"
  | "deferred"
  | "duplicate"
  | "not_related"
  | "noted";

/** A public comment and its disposition. */
export interface ReleaseComment {
  id: string;
  /** The section commented on; null for a comment on the whole release. */
  section: string | null;
  disposition: CommentDisposition;
  response: string;
}

/** What every format of release holds. */
interface ReleaseContent {
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

/** A release in the format `codewright.release/v1` (before kinds): always an edition. */
export interface ReleaseV1 extends ReleaseContent {
  format: typeof RELEASE_FORMAT_V1;
}

/** A release in the format `codewright.release/v2`. */
export interface ReleaseV2 extends ReleaseContent {
  format: typeof RELEASE_FORMAT;
  kind: ReleaseKind;
  /** The cycle it belongs to; null for an edition made outside cycles. */
  cycle: ReleaseCycle | null;
  /**
   * The version its redline is drawn against (`GET /api/standards/:slug/diff?from=…&to=…`, from
   * two signed documents): the cycle's base version; null outside cycles (then `previousVersion`).
   */
  redlineFrom: string | null;
}

/**
 * A published release: an immutable, numbered snapshot of a standard's draft, as served at
 * `GET /api/standards/:slug/releases/:version` and described by `releaseSchemaFor(format)`.
 * `digest` is `digestOf` the document without it; the detached signature covers the whole document.
 */
export type Release = ReleaseV1 | ReleaseV2;

/** A release before its digest is computed. */
export type UndigestedRelease = Omit<ReleaseV1, "digest"> | Omit<ReleaseV2, "digest">;

/** The kind of a release of either format (v1 releases are editions). */
export function releaseKind(release: Release): ReleaseKind {
  return release.format === RELEASE_FORMAT ? release.kind : "edition";
}
