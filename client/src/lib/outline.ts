/** What an outline needs of a section: its id, and what a reader sees of it. */
export interface OutlineSection {
  readonly id: string;
  /** From the section's place in the outline, e.g. `2.3`. */
  readonly number: string;
  readonly title: string;
  /** Survives renumbering, e.g. `BC-2.3`. */
  readonly label: string;
}

/** A section's place in the outline tree, with its subsections in order. */
export interface OutlineNode<T extends OutlineSection> {
  readonly section: T;
  /** The enclosing section's node; null at top level. */
  readonly parent: OutlineNode<T> | null;
  /** 1 at top level. */
  readonly depth: number;
  readonly children: readonly OutlineNode<T>[];
}

interface MutableNode<T extends OutlineSection> extends OutlineNode<T> {
  readonly children: MutableNode<T>[];
}

/**
 * The sections of a standard, a release or a proposal as the reader sees them: the tree for
 * the table of contents, and lookups by id for cross-references, breadcrumbs and
 * previous/next. Immutable; build a new one when the outline changes.
 */
export class Outline<T extends OutlineSection> {
  /** Top-level sections' nodes. */
  readonly roots: readonly OutlineNode<T>[];
  /** Every section in reading order (a section, then its subsections). */
  readonly sections: readonly T[];
  readonly #nodes = new Map<string, OutlineNode<T>>();
  readonly #index = new Map<string, number>();

  /**
   * From a flat list in reading order where each section names its parent, as the API lists a
   * standard's. A section whose parent is not before it in the list (it should not happen) is
   * shown at top level rather than lost.
   */
  static fromList<T extends OutlineSection & { readonly parentId: string | null }>(sections: readonly T[]): Outline<T> {
    return new Outline(sections.map((section) => ({ section, parentId: section.parentId })));
  }

  /** From a tree where each section holds its subsections, as a release does. */
  static fromTree<T extends OutlineSection & { readonly children: readonly T[] }>(roots: readonly T[]): Outline<T> {
    const entries: { section: T; parentId: string | null }[] = [];
    const walk = (list: readonly T[], parentId: string | null) => {
      for (const section of list) {
        entries.push({ section, parentId });
        walk(section.children, section.id);
      }
    };
    walk(roots, null);
    return new Outline(entries);
  }

  private constructor(entries: readonly { section: T; parentId: string | null }[]) {
    const roots: MutableNode<T>[] = [];
    const nodes = new Map<string, MutableNode<T>>();
    for (const { section, parentId } of entries) {
      const parent = parentId === null ? null : (nodes.get(parentId) ?? null);
      const node: MutableNode<T> = { section, parent, depth: parent ? parent.depth + 1 : 1, children: [] };
      nodes.set(section.id, node);
      if (parent) parent.children.push(node);
      else roots.push(node);
    }
    this.roots = roots;
    this.sections = entries.map((entry) => entry.section);
    this.#nodes = nodes;
    this.sections.forEach((section, i) => this.#index.set(section.id, i));
  }

  get size(): number {
    return this.sections.length;
  }

  /** The section with this id, or undefined when it is not (or no longer) in the outline. */
  get(id: string): T | undefined {
    return this.#nodes.get(id)?.section;
  }

  /** The section's place in the tree, or undefined for an unknown id. */
  node(id: string): OutlineNode<T> | undefined {
    return this.#nodes.get(id);
  }

  /** The section's subsections in order; empty for an unknown id. */
  children(id: string): T[] {
    return this.#nodes.get(id)?.children.map((child) => child.section) ?? [];
  }

  /** The section's ancestors, outermost first; empty at top level or for an unknown id. */
  ancestors(id: string): T[] {
    const chain: T[] = [];
    for (let parent = this.#nodes.get(id)?.parent ?? null; parent !== null; parent = parent.parent) chain.unshift(parent.section);
    return chain;
  }

  /** The section read before this one, or undefined at the start. */
  previous(id: string): T | undefined {
    const i = this.#index.get(id);
    return i === undefined ? undefined : this.sections[i - 1];
  }

  /** The section read after this one, or undefined at the end. */
  next(id: string): T | undefined {
    const i = this.#index.get(id);
    return i === undefined ? undefined : this.sections[i + 1];
  }
}
