import type { Node } from "prosemirror-model";
import { ContentError } from "../errors";
import { isMarkName, isNodeName, schema, type PMJSON } from "../schema";

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

/**
 * Checks ProseMirror JSON as far as code that reads it node by node needs, and returns it
 * unchanged: every node is an object whose `type` names a node of the schema, its `content`
 * (when present) an array of such nodes, its `marks` an array of marks naming marks of the
 * schema, its `text` a string. Content rules and attributes are not checked (`parseContent`
 * does that). Throws `ContentError` `invalid_content` otherwise.
 */
export function narrowContent(json: unknown): PMJSON {
  const pending: unknown[] = [json];
  while (pending.length > 0) {
    const node = pending.pop();
    if (!isObject(node)) throw new ContentError("invalid_content", "Section content must be ProseMirror JSON: every node an object.");
    const { type, content, marks, text } = node;
    if (!isNodeName(type)) throw new ContentError("invalid_content", `Section content has a node of unknown type ${JSON.stringify(type) ?? "undefined"}.`);
    if (text != null && typeof text !== "string") throw new ContentError("invalid_content", `Section content has a "${type}" node whose text is not a string.`);
    if (marks != null) {
      if (!Array.isArray(marks)) throw new ContentError("invalid_content", `Section content has a "${type}" node whose marks are not a list.`);
      for (const mark of marks) {
        const name: unknown = isObject(mark) ? mark.type : undefined;
        if (!isMarkName(name)) throw new ContentError("invalid_content", `Section content has a mark of unknown type ${JSON.stringify(name) ?? "undefined"}.`);
      }
    }
    if (content != null) {
      if (!Array.isArray(content)) throw new ContentError("invalid_content", `Section content has a "${type}" node whose content is not a list.`);
      for (const child of content) pending.push(child);
    }
  }
  return json as PMJSON;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** A fresh empty section body: one empty paragraph. */
export function emptyContent(): PMJSON {
  return { type: "doc", content: [{ type: "paragraph" }] };
}
