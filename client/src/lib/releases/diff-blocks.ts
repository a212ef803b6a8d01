import type { BlockKind, DiffOp } from "@codewright/shared";

/** One word-level piece of a block's text. */
export interface WordChange {
  op: DiffOp["op"];
  text: string;
}

/**
 * How a block fared: `equal` (same text), `insert` (only in the newer version), `delete`
 * (only in the older one) or `edit` (both, with word changes).
 */
export type BlockChange = "equal" | "insert" | "delete" | "edit";

/** One text block of a section in the diff: a paragraph, list item, note paragraph, quote or code block. */
export interface DiffBlock {
  /** The engine's block number, unique within the section. */
  index: number;
  kind: BlockKind;
  change: BlockChange;
  words: WordChange[];
}

/** Blocks that read as one container: consecutive list items in one list, note paragraphs in one note. */
export interface BlockGroup {
  kind: BlockKind;
  blocks: DiffBlock[];
}

/**
 * A section's word operations split back into its blocks, in reading order. Relies on the
 * engine's contract that the operations of one block are consecutive.
 */
export function diffBlocks(changes: readonly DiffOp[]): DiffBlock[] {
  const blocks: DiffBlock[] = [];
  let current: DiffBlock | undefined;
  for (const { op, text, block, kind } of changes) {
    if (current?.index !== block) {
      current = { index: block, kind, change: op, words: [] };
      blocks.push(current);
    } else if (current.change !== op) {
      current.change = "edit";
    }
    current.words.push({ op, text });
  }
  return blocks;
}

/** The block's text in the older version: its `equal` and `delete` pieces (empty for an inserted block). */
export function wordsBefore(block: DiffBlock): WordChange[] {
  return block.words.filter((w) => w.op !== "insert");
}

/** The block's text in the newer version: its `equal` and `insert` pieces (empty for a deleted block). */
export function wordsAfter(block: DiffBlock): WordChange[] {
  return block.words.filter((w) => w.op !== "delete");
}

// Kinds whose consecutive blocks belong to one container element.
const CONTAINED: ReadonlySet<BlockKind> = new Set<BlockKind>(["list_item", "note", "quote"]);

/**
 * Consecutive list items, note paragraphs or quote paragraphs grouped into one container
 * each, so a list renders as one list; paragraphs and code blocks stand alone. The diff
 * does not say where one list ends and the next begins, so adjacent lists read as one.
 */
export function groupBlocks(blocks: readonly DiffBlock[]): BlockGroup[] {
  const groups: BlockGroup[] = [];
  for (const block of blocks) {
    const last = groups[groups.length - 1];
    if (last && last.kind === block.kind && CONTAINED.has(block.kind)) last.blocks.push(block);
    else groups.push({ kind: block.kind, blocks: [block] });
  }
  return groups;
}
