import type { SectionSummary } from "@codewright/shared";

/** A section in the outline tree, with its subsections in order. */
export interface OutlineNode extends SectionSummary {
  /** 1 at top level. */
  depth: number;
  children: OutlineNode[];
}

/**
 * A standard's outline as the reader sees it: the tree for the table of contents, and
 * lookups by id for cross-references, breadcrumbs and previous/next. Immutable; build a
 * new one when the outline changes.
 */
export class Outline {
  /** Top-level sections. */
  readonly roots: readonly OutlineNode[];
  /** Every section in reading order (a section, then its subsections). */
  readonly sections: readonly OutlineNode[];
  readonly #byId: Map<string, OutlineNode>;
  readonly #index: Map<string, number>;

  /**
   * From the API's list, which is in reading order. A section whose parent is not in the
   * list (it should not happen) is shown at top level rather than lost.
   */
  constructor(sections: readonly SectionSummary[]) {
    const byId = new Map<string, OutlineNode>();
    const roots: OutlineNode[] = [];
    const ordered: OutlineNode[] = [];
    for (const section of sections) {
      const parent = section.parentId === null ? undefined : byId.get(section.parentId);
      const node: OutlineNode = { ...section, depth: parent ? parent.depth + 1 : 1, children: [] };
      byId.set(node.id, node);
      ordered.push(node);
      if (parent) parent.children.push(node);
      else roots.push(node);
    }
    this.roots = roots;
    this.sections = ordered;
    this.#byId = byId;
    this.#index = new Map(ordered.map((node, i) => [node.id, i]));
  }

  get size(): number {
    return this.sections.length;
  }

  /** The section with this id, or undefined when it is not (or no longer) in the outline. */
  get(id: string): OutlineNode | undefined {
    return this.#byId.get(id);
  }

  /** The section's ancestors, outermost first; empty at top level or for an unknown id. */
  ancestors(id: string): OutlineNode[] {
    const chain: OutlineNode[] = [];
    let parentId = this.#byId.get(id)?.parentId ?? null;
    while (parentId !== null) {
      const parent = this.#byId.get(parentId);
      if (!parent || chain.includes(parent)) break;
      chain.unshift(parent);
      parentId = parent.parentId;
    }
    return chain;
  }

  /** The section read before this one, or undefined at the start. */
  previous(id: string): OutlineNode | undefined {
    const i = this.#index.get(id);
    return i === undefined ? undefined : this.sections[i - 1];
  }

  /** The section read after this one, or undefined at the end. */
  next(id: string): OutlineNode | undefined {
    const i = this.#index.get(id);
    return i === undefined ? undefined : this.sections[i + 1];
  }
}
