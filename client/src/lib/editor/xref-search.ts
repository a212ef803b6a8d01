import type { SectionSummary } from "@codewright/shared";

/** What the cross-reference search needs of a section. */
export type XrefCandidate = Pick<SectionSummary, "id" | "label" | "number" | "title">;

export interface XrefSearchOptions {
  /** A section not to offer, usually the one being edited. */
  exclude?: string;
  /** At most this many results; default 20. */
  limit?: number;
}

// Lower is better. A query that looks like a number or a label is meant exactly.
const EXACT = 0;
const PREFIX = 1;
const TITLE_START = 2;
const CONTAINS = 3;

const fold = (text: string) => text.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase();

function rank(section: XrefCandidate, query: string, words: string[]): number | null {
  const number = section.number.toLowerCase();
  const label = fold(section.label);
  if (number === query || label === query) return EXACT;
  if (number.startsWith(query) || label.startsWith(query)) return PREFIX;
  const title = fold(section.title);
  if (!words.every((word) => title.includes(word))) return null;
  return title.startsWith(words[0]!) ? TITLE_START : CONTAINS;
}

/**
 * The sections a cross-reference could point to, for `query` typed by the editor: matched
 * on number (`2.3`), label (`BC-2.3`) or every word of the title, case- and
 * accent-insensitive. Exact number or label matches come first, then prefixes, then titles
 * starting with the first word, then other title matches; ties keep outline order. An empty
 * query gives the outline from the start.
 */
export function searchXrefTargets<T extends XrefCandidate>(sections: readonly T[], query: string, options: XrefSearchOptions = {}): T[] {
  const limit = options.limit ?? 20;
  const needle = fold(query.trim());
  const candidates = sections.filter((s) => s.id !== options.exclude);
  if (needle === "") return candidates.slice(0, limit);
  const words = needle.split(/\s+/);
  const ranked: { section: T; rank: number; order: number }[] = [];
  candidates.forEach((section, order) => {
    const r = rank(section, needle, words);
    if (r !== null) ranked.push({ section, rank: r, order });
  });
  ranked.sort((a, b) => a.rank - b.rank || a.order - b.order);
  return ranked.slice(0, limit).map((r) => r.section);
}
