import type { CommentAnchor } from "@codewright/shared";
import type { Node } from "prosemirror-model";

/**
 * Comment anchors in terms of a section body's text blocks (paragraphs, code blocks), in
 * reading order. A block's text has one character per ProseMirror position: inline leaves
 * (cross-references, line breaks) read as U+FFFC, as the server reads them when it finds an
 * anchor by its quote.
 */

/** The stand-in character of an inline leaf. */
export const LEAF = "\ufffc";
/** How much text on each side of the quote an anchor keeps, to tell repeated quotes apart. */
export const CONTEXT = 32;

/** A range of text inside one block: `start`..`end` are offsets in the block's text. */
export interface BlockSpan {
  block: number;
  start: number;
  end: number;
}

/**
 * The quote-and-context part of an anchor for a span. Throws RangeError for an empty span or
 * one outside its block.
 */
export function quoteAnchor(blocks: readonly string[], span: BlockSpan): CommentAnchor {
  const text = blocks[span.block];
  if (text === undefined || !(span.start >= 0 && span.start < span.end && span.end <= text.length)) {
    throw new RangeError(`No text at block ${span.block}, ${span.start}..${span.end}.`);
  }
  return {
    quote: text.slice(span.start, span.end),
    prefix: text.slice(Math.max(0, span.start - CONTEXT), span.start),
    suffix: text.slice(span.end, span.end + CONTEXT),
  };
}

/**
 * Where an anchor's text is in `blocks` now: the occurrence of `text` (the anchor's text as the
 * server last found it, else its quote) whose surroundings fit the anchor's context best, the
 * first one on a tie. Null when the text is in no block.
 */
export function locateAnchor(blocks: readonly string[], anchor: Pick<CommentAnchor, "quote" | "prefix" | "suffix">, text: string = anchor.quote): BlockSpan | null {
  if (text.length === 0) return null;
  const prefix = anchor.prefix?.split("\n").pop() ?? "";
  const suffix = anchor.suffix?.split("\n")[0] ?? "";
  let best: BlockSpan | null = null;
  let bestScore = -1;
  for (const [index, block] of blocks.entries()) {
    for (let i = block.indexOf(text); i >= 0; i = block.indexOf(text, i + 1)) {
      const score = (prefix && block.slice(0, i).endsWith(prefix) ? 1 : 0) + (suffix && block.slice(i + text.length).startsWith(suffix) ? 1 : 0);
      if (score > bestScore) {
        best = { block: index, start: i, end: i + text.length };
        bestScore = score;
      }
    }
  }
  return best;
}

/** The texts of a ProseMirror body's text blocks, in reading order, leaves as `LEAF`. */
export function docBlocks(doc: Node): string[] {
  const blocks: string[] = [];
  doc.descendants((node) => {
    if (!node.isTextblock) return true;
    blocks.push(node.textBetween(0, node.content.size, undefined, LEAF));
    return false;
  });
  return blocks;
}

/**
 * The ProseMirror positions of a span in `doc`: the `block`-th text block's content start plus
 * the offsets. Throws RangeError when the document has no such block or the span overruns it.
 */
export function docRange(doc: Node, span: BlockSpan): { from: number; to: number } {
  const starts: Array<{ pos: number; size: number }> = [];
  doc.descendants((node, pos) => {
    if (!node.isTextblock) return true;
    starts.push({ pos: pos + 1, size: node.content.size });
    return false;
  });
  const block = starts[span.block];
  if (!block || span.start < 0 || span.end > block.size) throw new RangeError(`The text has no block ${span.block} long enough for ${span.start}..${span.end}.`);
  return { from: block.pos + span.start, to: block.pos + span.end };
}
