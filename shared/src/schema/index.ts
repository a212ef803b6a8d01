export { schema, sectionAnchor, type NodeName, type MarkName } from "./schema";
export { isSafeHref } from "./href";
export type { PMJSON, PMMarkJSON } from "./json";
