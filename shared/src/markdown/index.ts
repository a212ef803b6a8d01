export { parseStandardMarkdown } from "./parse";
export { resolveReferences } from "./references";
export { isSectionLabel, SECTION_LABEL_PATTERN } from "./label";
export type { ParsedStandard, ParsedSection, ParsedReference } from "./types";
