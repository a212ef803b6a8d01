export { schema, sectionAnchor, NODE_NAMES, MARK_NAMES, isNodeName, isMarkName, type NodeName, type MarkName } from "./schema";
export { isSafeHref } from "./href";
export type { PMJSON, PMMarkJSON } from "./json";
