import { digestOf } from "./canonical";
import { RELEASE_FORMAT, isReleaseVersion, type ReleaseChange, type ReleaseComment, type ReleaseCycle, type ReleaseKind, type ReleaseSection, type ReleaseV2 } from "./types";

/** Everything a release is made of; the builder adds the format and the digest. */
export interface ReleaseInput {
  standard: { slug: string; title: string };
  version: string;
  publishedAt: Date | string;
  previousVersion: string | null;
  notes: string;
  sections: ReleaseSection[];
  /** Proposals merged since the previous release; empty until proposals are recorded. */
  changes?: ReleaseChange[];
  /** Dispositions of public comments; empty until comments are recorded. */
  comments?: ReleaseComment[];
  /** Default `edition`. */
  kind?: ReleaseKind;
  /** The revision cycle it belongs to; default none. Its base version is what the redline is drawn against. */
  cycle?: ReleaseCycle | null;
}

/**
 * Assembles a release document and computes its digest. Throws a `RangeError` when the
 * version does not fit `RELEASE_VERSION_PATTERN` (or is `draft`) or `publishedAt` is not a time.
 */
export async function buildRelease(input: ReleaseInput): Promise<ReleaseV2> {
  if (!isReleaseVersion(input.version)) {
    throw new RangeError(`"${input.version}" is not a release version: use letters, digits, ".", "+" and "-" (up to 64), e.g. 1.0.0.`);
  }
  const publishedAt = new Date(input.publishedAt);
  if (Number.isNaN(publishedAt.getTime())) throw new RangeError("publishedAt must be a valid time.");
  const undigested = {
    format: RELEASE_FORMAT,
    kind: input.kind ?? "edition",
    cycle: input.cycle ? { id: input.cycle.id, title: input.cycle.title, baseVersion: input.cycle.baseVersion } : null,
    redlineFrom: input.cycle?.baseVersion ?? null,
    standard: { slug: input.standard.slug, title: input.standard.title },
    version: input.version,
    publishedAt: publishedAt.toISOString(),
    previousVersion: input.previousVersion,
    notes: input.notes,
    sections: input.sections,
    changes: input.changes ?? [],
    comments: input.comments ?? [],
  } satisfies Omit<ReleaseV2, "digest">;
  return { ...undigested, digest: await digestOf(undigested) };
}
