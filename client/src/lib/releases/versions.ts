import { DRAFT_VERSION, RELEASE_VERSION_PATTERN, type CommentDisposition } from "@codewright/shared";

/**
 * Why `version` cannot name a new release, as a sentence, or null when it can. `published`
 * lists the versions already taken; the server decides in the end (a race gives 409).
 */
export function versionProblem(version: string, published: readonly string[] = []): string | null {
  if (version === "") return "Enter a version, such as 1.0.0 or 2026.";
  if (!RELEASE_VERSION_PATTERN.test(version)) {
    return "A version starts with a letter or digit, then has up to 63 more letters, digits, dots, plus or minus signs (no spaces).";
  }
  if (version.toLowerCase() === DRAFT_VERSION) return "“draft” names the working draft; choose another version.";
  if (published.includes(version)) return `Version ${version} is already published, and releases never change. Choose a new version.`;
  return null;
}

/**
 * A likely next version after `latest`: its last number plus one (`1.0` → `1.1`,
 * `2026` → `2027`), or null when it ends in no number.
 */
export function nextVersion(latest: string | null): string | null {
  const match = latest === null ? null : /^(.*?)(\d+)$/.exec(latest);
  if (!match) return null;
  return match[1]! + String(Number(match[2]) + 1);
}

/** The first 12 hex digits of a `sha256:` digest, enough to tell releases apart at a glance. */
export function shortDigest(digest: string): string {
  const [algorithm, hex] = digest.includes(":") ? digest.split(":", 2) : ["", digest];
  return `${algorithm ? `${algorithm}:` : ""}${hex!.slice(0, 12)}`;
}

/** A publication instant for people, in their locale: "12 Mar 2026, 14:05". */
export function formatPublished(iso: string, locale?: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short" }).format(date);
}

/** A comment disposition as the disposition report reads it. */
export const DISPOSITION_LABELS: Readonly<Record<CommentDisposition, string>> = {
  accepted: "Accepted",
  accepted_in_principle: "Accepted in principle",
  accepted_with_modification: "Accepted with modification",
  rejected: "Rejected",
  deferred: "Deferred",
  duplicate: "Duplicate",
  not_related: "Not related",
  noted: "Noted",
};
