import type { PMJSON } from "../schema";

/** A section read from a standard's Markdown source. */
export interface ParsedSection {
  label: string;
  /** Plain text. */
  title: string;
  /** 1 for `##`, 2 for `###`, and so on. */
  depth: number;
  /** Label of the enclosing section; null at depth 1. */
  parentLabel: string | null;
  /** 1-based line of the section's heading. */
  line: number;
  /** The body, valid for `schema`; xrefs carry `section: ""` until `resolveReferences`. */
  content: PMJSON;
}

/** A `[[LABEL]]` cross-reference found in a section body. */
export interface ParsedReference {
  /** The label referred to. */
  label: string;
  /** 1-based line where the reference is written. */
  line: number;
  /** Label of the section whose body holds the reference. */
  from: string;
}

/** A standard read from Markdown: title, plain-text description and sections in outline order. */
export interface ParsedStandard {
  title: string;
  description: string;
  sections: ParsedSection[];
  /** Every cross-reference, in source order, still to be resolved to section ids. */
  references: ParsedReference[];
}
