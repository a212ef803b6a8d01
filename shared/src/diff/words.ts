import { Diff, diffArrays } from "diff";
import type { TextBlock } from "./blocks";
import type { DiffOp } from "./types";

// Word diffs beyond this many edits read as a rewrite anyway; stop early and show delete + insert.
const MAX_WORD_EDITS = 2000;
// Aligning blocks inside one changed region is quadratic; past this many pairs, pair in order.
const MAX_PAIRING_CELLS = 10_000;
// Below this similarity two blocks are shown as one deleted and one inserted, not as an edit.
const MIN_SIMILARITY = 0.3;

/**
 * Word-level operations from `before` to `after`, block by block (see `DiffOp`). Blocks are
 * first aligned as wholes (identical blocks are equal); inside a changed stretch, a deleted
 * and an inserted block of the same kind that share enough words are diffed word by word.
 */
export function blockDiff(before: readonly TextBlock[], after: readonly TextBlock[]): DiffOp[] {
  const ops: DiffOp[] = [];
  let block = 0;
  const whole = (op: DiffOp["op"], b: TextBlock) => ops.push({ op, text: b.text, block: block++, kind: b.kind });
  const edited = (a: TextBlock, b: TextBlock) => {
    for (const part of wordOps(a.text, b.text)) ops.push({ ...part, block, kind: b.kind });
    block++;
  };

  const key = (b: TextBlock) => `${b.kind}\u0000${b.text}`;
  const runs = diffArrays(before.map(key), after.map(key));
  let i = 0;
  let j = 0;
  for (let r = 0; r < runs.length; r++) {
    const run = runs[r]!;
    if (!run.added && !run.removed) {
      for (let k = 0; k < run.count; k++) whole("equal", after[j + k]!);
      i += run.count;
      j += run.count;
      continue;
    }
    // A changed stretch: the removed run and the added run next to it, in either order.
    let removed = 0;
    let added = 0;
    for (; r < runs.length && (runs[r]!.added || runs[r]!.removed); r++) {
      if (runs[r]!.removed) removed += runs[r]!.count;
      else added += runs[r]!.count;
    }
    r--;
    const gone = before.slice(i, i + removed);
    const come = after.slice(j, j + added);
    let gi = 0;
    let ci = 0;
    for (const [p, q] of pairBlocks(gone, come)) {
      while (gi < p) whole("delete", gone[gi++]!);
      while (ci < q) whole("insert", come[ci++]!);
      edited(gone[gi++]!, come[ci++]!);
    }
    while (gi < gone.length) whole("delete", gone[gi++]!);
    while (ci < come.length) whole("insert", come[ci++]!);
    i += removed;
    j += added;
  }
  return ops;
}

// A token is a word (letters and digits, joined by inner `.`, `,`, `-`, `'`, `’` or `_`, so that
// 2.1, BC-2.3, 1,000 and memory-safe are each one word), a run of whitespace, or one other character.
const TOKEN = /[\p{L}\p{N}]+(?:[.,\-'’_][\p{L}\p{N}]+)*|\s+|[^\p{L}\p{N}\s]/gu;

class WordDiff extends Diff<string, string> {
  override tokenize(value: string): string[] {
    return value.match(TOKEN) ?? [];
  }
  override join(tokens: string[]): string {
    return tokens.join("");
  }
}
const wordDiff = new WordDiff();

/**
 * Word operations inside one block; adjacent operations of the same kind are merged. Every
 * character is kept: `equal` + `delete` texts make `before`, `equal` + `insert` texts `after`.
 */
export function wordOps(before: string, after: string): Array<Pick<DiffOp, "op" | "text">> {
  const changes = wordDiff.diff(before, after, { maxEditLength: MAX_WORD_EDITS });
  const ops: Array<Pick<DiffOp, "op" | "text">> = [];
  const push = (op: DiffOp["op"], text: string) => {
    if (text === "") return;
    const last = ops[ops.length - 1];
    if (last?.op === op) last.text += text;
    else ops.push({ op, text });
  };
  if (!changes) {
    push("delete", before);
    push("insert", after);
    return ops;
  }
  for (const change of changes) push(change.added ? "insert" : change.removed ? "delete" : "equal", change.value);
  return ops;
}

/**
 * Which deleted block became which inserted block: index pairs, increasing on both sides,
 * of blocks of the same kind, chosen to share the most words. A lone pair of the same kind
 * is always an edit.
 */
function pairBlocks(gone: readonly TextBlock[], come: readonly TextBlock[]): Array<[number, number]> {
  if (gone.length === 0 || come.length === 0) return [];
  if (gone.length === 1 && come.length === 1) return gone[0]!.kind === come[0]!.kind ? [[0, 0]] : [];
  if (gone.length * come.length > MAX_PAIRING_CELLS) {
    const pairs: Array<[number, number]> = [];
    for (let k = 0; k < Math.min(gone.length, come.length); k++) if (gone[k]!.kind === come[k]!.kind) pairs.push([k, k]);
    return pairs;
  }
  const goneWords = gone.map(wordBag);
  const comeWords = come.map(wordBag);
  const n = gone.length;
  const m = come.length;
  // best[p][q]: the best total similarity pairing gone[p..] with come[q..].
  const best = Array.from({ length: n + 1 }, () => new Float64Array(m + 1));
  const sim = (p: number, q: number) => (gone[p]!.kind === come[q]!.kind ? similarity(goneWords[p]!, comeWords[q]!) : 0);
  for (let p = n - 1; p >= 0; p--) {
    for (let q = m - 1; q >= 0; q--) {
      const s = sim(p, q);
      best[p]![q] = Math.max(best[p + 1]![q]!, best[p]![q + 1]!, s >= MIN_SIMILARITY ? s + best[p + 1]![q + 1]! : 0);
    }
  }
  const pairs: Array<[number, number]> = [];
  for (let p = 0, q = 0; p < n && q < m; ) {
    const s = sim(p, q);
    if (s >= MIN_SIMILARITY && best[p]![q] === s + best[p + 1]![q + 1]!) pairs.push([p++, q++]);
    else if (best[p]![q] === best[p + 1]![q]) p++;
    else q++;
  }
  return pairs;
}

function wordBag(block: TextBlock): Map<string, number> {
  const bag = new Map<string, number>();
  for (const word of block.text.toLowerCase().split(/[^\p{L}\p{N}]+/u)) if (word) bag.set(word, (bag.get(word) ?? 0) + 1);
  return bag;
}

// Dice coefficient over word counts: 1 for the same words, 0 for none in common.
function similarity(a: Map<string, number>, b: Map<string, number>): number {
  let common = 0;
  let total = 0;
  for (const [word, count] of a) {
    total += count;
    common += Math.min(count, b.get(word) ?? 0);
  }
  for (const count of b.values()) total += count;
  return total === 0 ? 1 : (2 * common) / total;
}
