import { diffArrays } from "diff";
import type { DiffableSection } from "./types";

/** A section with where it sits in its version's outline. */
export interface Placed {
  section: DiffableSection;
  parentId: string | null;
  /** Depth-first reading order, 0-based. */
  order: number;
}

/**
 * Every section of a tree by id, with its parent and reading order. Throws a `RangeError`
 * when an id appears twice, since sections are matched by id.
 */
export function placeSections(roots: readonly DiffableSection[]): Map<string, Placed> {
  const placed = new Map<string, Placed>();
  const stack: Array<{ section: DiffableSection; parentId: string | null }> = [];
  for (let k = roots.length - 1; k >= 0; k--) stack.push({ section: roots[k]!, parentId: null });
  while (stack.length > 0) {
    const { section, parentId } = stack.pop()!;
    if (placed.has(section.id)) throw new RangeError(`Section ${section.id} appears twice in one version; sections are matched by id.`);
    placed.set(section.id, { section, parentId, order: placed.size });
    for (let k = section.children.length - 1; k >= 0; k--) stack.push({ section: section.children[k]!, parentId: section.id });
  }
  return placed;
}

/**
 * Ids of the sections that moved: those with a new parent, and those whose place among the
 * siblings kept on both sides changed. Among siblings, the longest common subsequence of
 * the two orders stays put and the rest moved, so inserting or removing a section moves
 * none of its siblings, and swapping two marks one of them.
 */
export function movedSections(from: ReadonlyMap<string, Placed>, to: ReadonlyMap<string, Placed>): Set<string> {
  const moved = new Set<string>();
  const siblingsBefore = new Map<string | null, string[]>();
  const siblingsAfter = new Map<string | null, string[]>();
  const push = (map: Map<string | null, string[]>, parent: string | null, id: string) => {
    const list = map.get(parent);
    if (list) list.push(id);
    else map.set(parent, [id]);
  };
  // Maps iterate in insertion order, which is reading order, so sibling lists come out ordered.
  for (const [id, before] of from) {
    const after = to.get(id);
    if (!after) continue;
    if (after.parentId !== before.parentId) moved.add(id);
    else push(siblingsBefore, before.parentId, id);
  }
  for (const [id, after] of to) {
    const before = from.get(id);
    if (before && before.parentId === after.parentId) push(siblingsAfter, after.parentId, id);
  }
  for (const [parent, before] of siblingsBefore) {
    const after = siblingsAfter.get(parent)!;
    if (before.length === after.length && before.every((id, k) => id === after[k])) continue;
    for (const run of diffArrays(before, after)) if (run.removed) for (const id of run.value) moved.add(id);
  }
  return moved;
}
