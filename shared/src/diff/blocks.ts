import type { PMJSON } from "../schema";
import type { BlockKind } from "./types";

/** A text block of a section body, as the word diff compares them. */
export interface TextBlock {
  kind: BlockKind;
  text: string;
}

/** Gives the number a cross-reference shows in one version, or undefined to show its stored label. */
export type NumberOf = (sectionId: string) => string | undefined;

/**
 * The text blocks of a section body in reading order: each paragraph and code block once,
 * its kind taken from the innermost list item, note or quote around it. Inline text reads
 * like the release's `text` (hard breaks as line breaks, cross-references as numbers).
 * Empty blocks are left out: they show nothing to compare. Reads the JSON without
 * validating it against the schema, so unknown nodes are read for their text.
 */
export function textBlocks(content: PMJSON, numberOf: NumberOf): TextBlock[] {
  const blocks: TextBlock[] = [];
  const visit = (node: PMJSON, kind: BlockKind): void => {
    switch (node.type) {
      case "paragraph": {
        const text = inlineText(node, numberOf);
        if (text !== "") blocks.push({ kind, text });
        return;
      }
      case "code_block": {
        const text = inlineText(node, numberOf);
        if (text !== "") blocks.push({ kind: "code", text });
        return;
      }
      case "list_item":
        return children(node, "list_item");
      case "note":
        return children(node, "note");
      case "blockquote":
        return children(node, "quote");
      default:
        return children(node, kind);
    }
  };
  const children = (node: PMJSON, kind: BlockKind) => {
    for (const child of node.content ?? []) visit(child, kind);
  };
  visit(content, "paragraph");
  return blocks;
}

function inlineText(node: PMJSON, numberOf: NumberOf): string {
  let text = "";
  for (const child of node.content ?? []) {
    if (child.type === "text") text += child.text ?? "";
    else if (child.type === "hard_break") text += "\n";
    else if (child.type === "xref") {
      const attrs = (child.attrs ?? {}) as { section?: unknown; label?: unknown };
      const number = typeof attrs.section === "string" ? numberOf(attrs.section) : undefined;
      text += number ?? (typeof attrs.label === "string" ? attrs.label : "");
    } else text += inlineText(child, numberOf);
  }
  return text;
}
