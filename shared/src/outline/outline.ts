import { ContentError } from "../errors";

/** What numbering needs of a section: its id, its parent (null at top level) and its place among siblings. */
export interface OutlineSection {
  id: string;
  parentId: string | null;
  position: number;
}

/** A section with its outline number (`"2.3.1"`) and depth (1 at top level). */
export type NumberedSection<T extends OutlineSection> = T & { number: string; depth: number };

/** A section with its children, in outline order. */
export type OutlineTree<T extends OutlineSection> = T & { children: Array<OutlineTree<T>> };

/**
 * Numbers sections by their place in the outline and returns them depth-first (a
 * section, then its children), as new objects. Siblings are ordered by `position`,
 * ties by `id`. Top-level numbers start at 1; a child's number extends its parent's
 * (`"2"` → `"2.3"`). Throws `ContentError` `invalid_outline` on a repeated id, a missing
 * parent, a non-finite position or a cycle.
 */
export function numberOutline<T extends OutlineSection>(sections: readonly T[]): Array<NumberedSection<T>> {
  const children = childrenByParent(sections);
  const numbered: Array<NumberedSection<T>> = [];
  const stack = (children.get(null) ?? []).map((section, index) => ({ section, number: String(index + 1), depth: 1 })).reverse();
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const { section, number, depth } = next;
    numbered.push({ ...section, number, depth });
    const own = children.get(section.id) ?? [];
    for (let i = own.length - 1; i >= 0; i--) {
      stack.push({ section: own[i]!, number: `${number}.${i + 1}`, depth: depth + 1 });
    }
  }
  if (numbered.length < sections.length) {
    const reached = new Set(numbered.map((section) => section.id));
    const id = cycleMember(sections, sections.find((section) => !reached.has(section.id))!);
    throw new ContentError("invalid_outline", `Section ${id} is its own ancestor: the outline has a cycle.`, { section: id });
  }
  return numbered;
}

/**
 * Nests sections under their parents, siblings in outline order, as new objects with
 * a `children` array; returns the top-level sections. Throws like `numberOutline`.
 */
export function buildTree<T extends OutlineSection>(sections: readonly T[]): Array<OutlineTree<T>> {
  const byId = new Map<string, OutlineTree<T>>();
  const roots: Array<OutlineTree<T>> = [];
  const original = new Map(sections.map((section) => [section.id, section]));
  for (const { id } of numberOutline(sections)) {
    const section = original.get(id)!;
    const node: OutlineTree<T> = { ...section, children: [] };
    byId.set(id, node);
    if (section.parentId === null) roots.push(node);
    else byId.get(section.parentId)!.children.push(node);
  }
  return roots;
}

// Every unreachable section has a cycle among its ancestors; walk up until an id repeats.
function cycleMember(sections: readonly OutlineSection[], start: OutlineSection): string {
  const parentOf = new Map(sections.map((section) => [section.id, section.parentId]));
  const seen = new Set<string>();
  let id = start.id;
  while (!seen.has(id)) {
    seen.add(id);
    id = parentOf.get(id)!;
  }
  return id;
}

function childrenByParent<T extends OutlineSection>(sections: readonly T[]): Map<string | null, T[]> {
  const ids = new Set<string>();
  for (const section of sections) {
    if (ids.has(section.id)) {
      throw new ContentError("invalid_outline", `Section ${section.id} appears more than once in the outline.`, { section: section.id });
    }
    if (!Number.isFinite(section.position)) {
      throw new ContentError("invalid_outline", `Section ${section.id} has no valid position.`, { section: section.id });
    }
    ids.add(section.id);
  }
  const children = new Map<string | null, T[]>();
  for (const section of sections) {
    if (section.parentId !== null && !ids.has(section.parentId)) {
      throw new ContentError("invalid_outline", `Section ${section.id} names a parent, ${section.parentId}, that is not in the outline.`, {
        section: section.id,
      });
    }
    const siblings = children.get(section.parentId);
    if (siblings) siblings.push(section);
    else children.set(section.parentId, [section]);
  }
  for (const siblings of children.values()) {
    siblings.sort((a, b) => a.position - b.position || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }
  return children;
}
