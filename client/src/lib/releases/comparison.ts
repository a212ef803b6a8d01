import { DRAFT_VERSION, type ReleaseSummary } from "@codewright/shared";
import { paths } from "../routes";

/** Two versions to compare; `draft` names the working draft. */
export interface Comparison {
  from: string;
  to: string;
}

/**
 * What the diff page compares when the address names no versions: the newest release and
 * the one before it. Null with fewer than two releases. `releases` is newest first.
 */
export function defaultComparison(releases: readonly ReleaseSummary[]): Comparison | null {
  const [latest, second] = releases;
  if (!latest) return null;
  const from = latest.previousVersion ?? second?.version;
  return from ? { from, to: latest.version } : null;
}

/** One choice in a version picker. */
export interface VersionChoice {
  value: string;
  label: string;
}

/**
 * The versions a reader can pick from, newest first: every release, then the draft for
 * those allowed to see it. A version in `keep` that is not listed (e.g. from an old link)
 * is added, so the picker shows what the page compares.
 */
export function versionChoices(releases: readonly ReleaseSummary[], draftAllowed: boolean, keep: readonly (string | null)[] = []): VersionChoice[] {
  const choices: VersionChoice[] = [];
  if (draftAllowed) choices.push({ value: DRAFT_VERSION, label: "Draft (current working text)" });
  releases.forEach((release, i) => choices.push({ value: release.version, label: i === 0 ? `${release.version} (latest)` : release.version }));
  for (const version of keep) {
    if (version !== null && !choices.some((c) => c.value === version)) choices.push({ value: version, label: version === DRAFT_VERSION ? "Draft" : version });
  }
  return choices;
}

/** Where a section reads in one version: a release's stable section address, or the live section for the draft. */
export function sectionHref(slug: string, version: string, sectionId: string): string {
  return version === DRAFT_VERSION ? paths.section(slug, sectionId) : paths.release(slug, version, sectionId);
}

/** A version as a sentence names it: "release 1.0", "the draft". */
export function versionName(version: string): string {
  return version === DRAFT_VERSION ? "the draft" : version;
}
