import type { MarkName, NodeName } from "./schema";

/** A mark in ProseMirror's JSON form. */
export interface PMMarkJSON {
  type: MarkName;
  attrs?: Record<string, unknown>;
}

/**
 * A node in ProseMirror's JSON form (`Node.toJSON()`), as stored and published.
 * The type only describes the shape; `parseContent` checks it against the schema.
 */
export interface PMJSON {
  type: NodeName;
  attrs?: Record<string, unknown>;
  content?: PMJSON[];
  marks?: PMMarkJSON[];
  text?: string;
}
