import { Node } from "prosemirror-model";
import type { NodeName, PMJSON } from "../schema";
import { parseContent } from "./parse";

/** Gives the number a cross-reference shows today, or undefined to fall back on its label. */
export type XrefResolver = (sectionId: string) => string | undefined;

/**
 * Plain text of a section body, for search, diffs and the release's `text` field.
 * Blocks are separated by a blank line, list items by a line break, hard breaks become
 * line breaks. A cross-reference reads as `resolve(section)` when given and defined,
 * else as its stored label. JSON input is validated first (throws like `parseContent`).
 */
export function plainText(content: Node | PMJSON, resolve?: XrefResolver): string {
  const node = content instanceof Node ? content : parseContent(content);
  return textOf(node, resolve);
}

type TextOf = (node: Node, resolve: XrefResolver | undefined) => string;

/** How each node reads as plain text. */
export const PLAIN_TEXT = {
  doc: (node, resolve) => childTexts(node, resolve, "\n\n"),
  paragraph: (node, resolve) => childTexts(node, resolve, ""),
  blockquote: (node, resolve) => childTexts(node, resolve, "\n\n"),
  note: (node, resolve) => childTexts(node, resolve, "\n\n"),
  code_block: (node, resolve) => childTexts(node, resolve, ""),
  bullet_list: (node, resolve) => childTexts(node, resolve, "\n"),
  ordered_list: (node, resolve) => childTexts(node, resolve, "\n"),
  // The blocks of a list item are kept on consecutive lines, like the items themselves.
  list_item: (node, resolve) => childTexts(node, resolve, "\n"),
  text: (node) => node.text ?? "",
  hard_break: () => "\n",
  xref: (node, resolve) => {
    const { section, label } = node.attrs as { section: string; label: string };
    return resolve?.(section) ?? label;
  },
} satisfies Record<NodeName, TextOf>;

// Every node here is of `schema`, so its type's name is a `NodeName`.
const textOf: TextOf = (node, resolve) => PLAIN_TEXT[node.type.name as NodeName](node, resolve);

function childTexts(node: Node, resolve: XrefResolver | undefined, separator: string): string {
  const texts: string[] = [];
  node.forEach((child) => texts.push(textOf(child, resolve)));
  return texts.join(separator);
}
