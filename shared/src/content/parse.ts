import type { Node } from "prosemirror-model";
import { ContentError } from "../errors";
import { schema, type PMJSON } from "../schema";

/**
 * Validates ProseMirror JSON of a section body and returns it as a node of `schema`.
 * The top node must be a `doc`; every node, mark and attribute must fit the schema,
 * and link targets must be safe (see `isSafeHref`).
 * Throws `ContentError` `invalid_content` otherwise.
 */
export function parseContent(json: unknown): Node {
  if (json === null || typeof json !== "object" || Array.isArray(json)) {
    throw new ContentError("invalid_content", "Section content must be a ProseMirror JSON object.");
  }
  const { type, marks } = json as { type?: unknown; marks?: unknown };
  if (type !== "doc") {
    throw new ContentError("invalid_content", `Section content must be a "doc" node, not ${JSON.stringify(type) ?? "undefined"}.`);
  }
  if (marks !== undefined) {
    throw new ContentError("invalid_content", "Section content must not carry marks on its doc node.");
  }
  try {
    const node = schema.nodeFromJSON(json);
    node.check();
    return node;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ContentError("invalid_content", `Section content does not fit the schema: ${reason}`);
  }
}

/** A fresh empty section body: one empty paragraph. */
export function emptyContent(): PMJSON {
  return { type: "doc", content: [{ type: "paragraph" }] };
}
