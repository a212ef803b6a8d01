import type { ReleaseSection } from "@codewright/shared";

/** A section of a release in its outline, with its place in the tree. */
export interface ReleaseOutlineNode {
  readonly section: ReleaseSection;
  readonly id: string;
  readonly parentId: string | null;
  /** 1 at top level. */
  readonly depth: number;
  readonly children: readonly ReleaseOutlineNode[];
}

/**
 * The outline of one release: its tree for the table of contents, and lookups by id for
 * cross-references, breadcrumbs and previous/next. Releases never change, so neither does this.
 */
export class ReleaseOutline {
  readonly roots: readonly ReleaseOutlineNode[];
  /** Every section in reading order (a section, then its subsections). */
  readonly sections: readonly ReleaseOutlineNode[];
  readonly #byId = new Map<string, ReleaseOutlineNode>();
  readonly #index = new Map<string, number>();

  constructor(sections: readonly ReleaseSection[]) {
    const ordered: ReleaseOutlineNode[] = [];
    const build = (list: readonly ReleaseSection[], parentId: string | null, depth: number): ReleaseOutlineNode[] =>
      list.map((section) => {
        const children: ReleaseOutlineNode[] = [];
        const node: ReleaseOutlineNode = { section, id: section.id, parentId, depth, children };
        ordered.push(node);
        this.#byId.set(node.id, node);
        children.push(...build(section.children, section.id, depth + 1));
        return node;
      });
    this.roots = build(sections, null, 1);
    this.sections = ordered;
    ordered.forEach((node, i) => this.#index.set(node.id, i));
  }

  get size(): number {
    return this.sections.length;
  }

  /** The section with this id, or undefined when the release has none. */
  get(id: string): ReleaseOutlineNode | undefined {
    return this.#byId.get(id);
  }

  /** The section's ancestors, outermost first; empty at top level or for an unknown id. */
  ancestors(id: string): ReleaseOutlineNode[] {
    const chain: ReleaseOutlineNode[] = [];
    for (let parentId = this.get(id)?.parentId ?? null; parentId !== null; ) {
      const parent = this.get(parentId);
      if (!parent) break;
      chain.unshift(parent);
      parentId = parent.parentId;
    }
    return chain;
  }

  /** The section read before this one, or undefined at the start. */
  previous(id: string): ReleaseOutlineNode | undefined {
    const i = this.#index.get(id);
    return i === undefined ? undefined : this.sections[i - 1];
  }

  /** The section read after this one, or undefined at the end. */
  next(id: string): ReleaseOutlineNode | undefined {
    const i = this.#index.get(id);
    return i === undefined ? undefined : this.sections[i + 1];
  }
}
