import { narrowContent } from "../content/parse";
import type { NodeName, PMJSON } from "../schema";
import type { BlockKind } from "./types";

/** A text block of a section body, as the word diff compares them. */
export interface TextBlock {
  kind: BlockKind;
  text: string;
}

/** Gives the number a cross-reference shows in one version, or undefined to show its stored label. */
export type NumberOf = (sectionId: string) => string | undefined;

/**
 * How a node takes part in the text blocks: as a text block of its own (of the given kind, or
 * of the kind around it), as a container whose blocks take the given kind (or the kind around
 * it), or as inline content with the given text.
 */
export type TextBlockRule =
  | { block: BlockKind | "around" }
  | { container: BlockKind | "around" }
  | { inline: (node: PMJSON, numberOf: NumberOf) => string };

/** How each node takes part in the text blocks (see `TextBlockRule`). */
export const TEXT_BLOCK_RULES = {
  doc: { container: "around" },
  paragraph: { block: "around" },
  blockquote: { container: "quote" },
  note: { container: "note" },
  code_block: { block: "code" },
  bullet_list: { container: "around" },
  ordered_list: { container: "around" },
  list_item: { container: "list_item" },
  text: { inline: (node) => node.text ?? "" },
  hard_break: { inline: () => "\n" },
  xref: {
    inline: (node, numberOf) => {
      const attrs = (node.attrs ?? {}) as { section?: unknown; label?: unknown };
      const number = typeof attrs.section === "string" ? numberOf(attrs.section) : undefined;
      return number ?? (typeof attrs.label === "string" ? attrs.label : "");
    },
  },
} satisfies Record<NodeName, TextBlockRule>;

/**
 * The text blocks of a section body in reading order: each paragraph and code block once,
 * its kind taken from the innermost list item, note or quote around it. Inline text reads
 * like the release's `text` (hard breaks as line breaks, cross-references as numbers).
 * Empty blocks are left out: they show nothing to compare. Checks only that every node and
 * mark names a type of the schema (throws `ContentError` `invalid_content` otherwise, see
 * `narrowContent`), not the content rules.
 */
export function textBlocks(content: PMJSON, numberOf: NumberOf): TextBlock[] {
  const blocks: TextBlock[] = [];
  const visit = (node: PMJSON, around: BlockKind): void => {
    const rule: TextBlockRule = TEXT_BLOCK_RULES[node.type];
    if ("block" in rule) {
      const text = inlineText(node, numberOf);
      if (text !== "") blocks.push({ kind: rule.block === "around" ? around : rule.block, text });
    } else if ("container" in rule) {
      const kind = rule.container === "around" ? around : rule.container;
      for (const child of node.content ?? []) visit(child, kind);
    }
  };
  visit(narrowContent(content), "paragraph");
  return blocks;
}

function inlineText(node: PMJSON, numberOf: NumberOf): string {
  let text = "";
  for (const child of node.content ?? []) {
    const rule: TextBlockRule = TEXT_BLOCK_RULES[child.type];
    text += "inline" in rule ? rule.inline(child, numberOf) : inlineText(child, numberOf);
  }
  return text;
}
