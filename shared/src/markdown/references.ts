import { ContentError } from "../errors";
import type { PMJSON } from "../schema";
import type { ParsedStandard } from "./types";

/**
 * Gives every cross-reference of `parsed` the id of the section its label names,
 * returning a new `ParsedStandard` (the input is left as it was). `labelToId` may hold
 * sections outside the file too. Throws `ContentError` `unknown_reference`, with the
 * line, for the first label it does not hold.
 */
export function resolveReferences(parsed: ParsedStandard, labelToId: ReadonlyMap<string, string>): ParsedStandard {
  for (const reference of parsed.references) {
    if (!labelToId.has(reference.label)) {
      throw new ContentError(
        "unknown_reference",
        `The cross-reference [[${reference.label}]] at line ${reference.line} (in ${reference.from}) names no known section.`,
        { line: reference.line },
      );
    }
  }
  return {
    ...parsed,
    sections: parsed.sections.map((section) => ({ ...section, content: resolveNode(section.content, labelToId, section.line) })),
    references: parsed.references.map((reference) => ({ ...reference })),
  };
}

function resolveNode(node: PMJSON, labelToId: ReadonlyMap<string, string>, line: number): PMJSON {
  if (node.type === "xref") {
    const label = String(node.attrs?.label ?? "");
    const section = labelToId.get(label);
    if (section === undefined) {
      throw new ContentError("unknown_reference", `The cross-reference [[${label}]] in the section at line ${line} names no known section.`, { line });
    }
    return { ...node, attrs: { ...node.attrs, section, label } };
  }
  return node.content ? { ...node, content: node.content.map((child) => resolveNode(child, labelToId, line)) } : node;
}
