import { LEAF, type BlockSpan } from "./anchors";

/**
 * A rendered section body (the reader's or the editor's DOM) read as the text blocks of
 * `anchors.ts`: the same blocks in the same order, one character per ProseMirror position.
 */

// Paragraphs and code blocks are the schema's only text blocks.
const BLOCK = "p, pre";
// Inline leaves: one position each, whatever text they show (a cross-reference shows a number).
const LEAF_ELEMENT = ".xref, .xref-missing, br:not(.ProseMirror-trailingBreak)";
// Not part of the text: others' carets, the editor's helpers and the label of a note.
const OUTSIDE = ".ProseMirror-yjs-cursor, .ProseMirror-trailingBreak, .ProseMirror-separator, .ProseMirror-widget, .note-label, [data-comment-ui]";

/** The text blocks under `root`, in reading order. */
export function textBlocks(root: Element): Element[] {
  return [...root.querySelectorAll(BLOCK)].filter((block) => !block.parentElement?.closest(BLOCK) && !block.closest(OUTSIDE));
}

type Visit = (node: Node, offset: number) => boolean;

/** Walks a block's text in order, calling `visit` for each text node and leaf with the offset where it starts; stops when it returns true. */
function walk(block: Element, visit: Visit): number {
  let offset = 0;
  const go = (node: Node): boolean => {
    if (node.nodeType === Node.TEXT_NODE) {
      if (visit(node, offset)) return true;
      offset += (node as Text).length;
      return false;
    }
    if (!(node instanceof Element)) return false;
    if (node !== block && node.matches(OUTSIDE)) return false;
    if (node !== block && node.matches(LEAF_ELEMENT)) {
      if (visit(node, offset)) return true;
      offset += 1;
      return false;
    }
    for (const child of node.childNodes) if (go(child)) return true;
    return false;
  };
  go(block);
  return offset;
}

/** A block's text, leaves as U+FFFC. */
export function blockText(block: Element): string {
  let text = "";
  walk(block, (node) => {
    text += node.nodeType === Node.TEXT_NODE ? (node as Text).data : LEAF;
    return false;
  });
  return text;
}

/** The offset in the block's text of a DOM point inside it; null when the point is not in the block. */
export function pointOffset(block: Element, node: Node, offset: number): number | null {
  if (!block.contains(node)) return null;
  // Everything from the block's start to the point: what lies wholly inside it counts.
  const before = block.ownerDocument.createRange();
  before.setStart(block, 0);
  before.setEnd(node, offset);
  let result = 0;
  walk(block, (n, at) => {
    if (n === node) {
      result = at + offset;
      return true;
    }
    if (n.nodeType !== Node.TEXT_NODE && n.contains(node)) {
      // A point inside a leaf's own text: before the leaf, or after it past its first character.
      result = at + (offset > 0 ? 1 : 0);
      return true;
    }
    const length = n.nodeType === Node.TEXT_NODE ? (n as Text).length : 1;
    const endsInside = n.nodeType === Node.TEXT_NODE ? before.comparePoint(n, length) === 0 : before.comparePoint(n.parentNode!, indexOf(n) + 1) === 0;
    if (!endsInside) return true;
    result = at + length;
    return false;
  });
  return result;
}

function indexOf(node: Node): number {
  return Array.prototype.indexOf.call(node.parentNode!.childNodes, node);
}

/** The DOM point at an offset of the block's text, preferring a place inside a text node. */
function pointAt(block: Element, target: number): { node: Node; offset: number } {
  let point: { node: Node; offset: number } | null = null;
  const end = walk(block, (n, at) => {
    if (n.nodeType === Node.TEXT_NODE) {
      const length = (n as Text).length;
      if (target <= at + length && length > 0) point = { node: n, offset: target - at };
    } else if (target === at) {
      point = { node: n.parentNode!, offset: indexOf(n) };
    }
    return point !== null;
  });
  if (point) return point;
  if (target > end) throw new RangeError(`The block's text has no offset ${target}.`);
  return { node: block, offset: block.childNodes.length };
}

/** A DOM range over `start`..`end` of a block's text. Throws RangeError past its end. */
export function blockRange(block: Element, start: number, end: number): Range {
  const range = block.ownerDocument.createRange();
  const from = pointAt(block, start);
  const to = pointAt(block, end);
  range.setStart(from.node, from.offset);
  range.setEnd(to.node, to.offset);
  return range;
}

/**
 * The span a selection covers in the text blocks under `root`: both ends in the same block and
 * some text between them. Null otherwise (nothing selected, outside the body, or across blocks:
 * an anchor lies within one paragraph).
 */
export function selectionSpan(root: Element, selection: Selection | null): BlockSpan | null {
  if (!selection || selection.rangeCount === 0 || selection.isCollapsed) return null;
  const range = selection.getRangeAt(0);
  const blocks = textBlocks(root);
  const startBlock = blocks.findIndex((b) => b.contains(range.startContainer));
  const endBlock = blocks.findIndex((b) => b.contains(range.endContainer));
  if (startBlock < 0 || startBlock !== endBlock) return null;
  const block = blocks[startBlock]!;
  const start = pointOffset(block, range.startContainer, range.startOffset);
  const end = pointOffset(block, range.endContainer, range.endOffset);
  if (start === null || end === null || end <= start) return null;
  return { block: startBlock, start, end };
}
