import { Node } from "prosemirror-model";
import type { PMJSON } from "../schema";
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
  return blockText(node, resolve);
}

function blockText(node: Node, resolve: XrefResolver | undefined): string {
  if (node.isTextblock) return inlineText(node, resolve);
  if (node.type.name === "bullet_list" || node.type.name === "ordered_list") {
    return childTexts(node, resolve, (item) => childTexts(item, resolve).join("\n")).join("\n");
  }
  return childTexts(node, resolve).join("\n\n");
}

function childTexts(node: Node, resolve: XrefResolver | undefined, map = (child: Node) => blockText(child, resolve)): string[] {
  const texts: string[] = [];
  node.forEach((child) => texts.push(map(child)));
  return texts;
}

function inlineText(node: Node, resolve: XrefResolver | undefined): string {
  let text = "";
  node.forEach((child) => {
    if (child.isText) text += child.text;
    else if (child.type.name === "hard_break") text += "\n";
    else if (child.type.name === "xref") {
      const { section, label } = child.attrs as { section: string; label: string };
      text += resolve?.(section) ?? label;
    }
  });
  return text;
}
