import { Schema, type DOMOutputSpec, type MarkSpec, type NodeSpec } from "prosemirror-model";
import { isSafeHref } from "./href";

function validateHref(value: unknown): void {
  if (typeof value !== "string") throw new RangeError("A link href must be a string.");
  if (!isSafeHref(value)) throw new RangeError(`The link target "${value}" is not allowed; use http(s), mailto or a relative address.`);
}

function validateOrder(value: unknown): void {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
    throw new RangeError("An ordered list must start at a whole number of 0 or more.");
  }
}

/** Element id of a section's anchor in rendered pages: `section-<id>`. */
export function sectionAnchor(sectionId: string): string {
  return `section-${sectionId}`;
}

const nodes = {
  doc: { content: "block+" },

  paragraph: {
    content: "inline*",
    group: "block",
    parseDOM: [{ tag: "p" }],
    toDOM: (): DOMOutputSpec => ["p", 0],
  },

  blockquote: {
    content: "block+",
    group: "block",
    defining: true,
    parseDOM: [{ tag: "blockquote" }],
    toDOM: (): DOMOutputSpec => ["blockquote", 0],
  },

  // Informative, not normative: readers must be able to tell a note from a requirement.
  note: {
    content: "paragraph+",
    group: "block",
    defining: true,
    parseDOM: [{ tag: "aside.note" }],
    toDOM: (): DOMOutputSpec => ["aside", { class: "note" }, 0],
  },

  code_block: {
    content: "text*",
    marks: "",
    group: "block",
    code: true,
    defining: true,
    parseDOM: [{ tag: "pre", preserveWhitespace: "full" }],
    toDOM: (): DOMOutputSpec => ["pre", ["code", 0]],
  },

  bullet_list: {
    content: "list_item+",
    group: "block",
    parseDOM: [{ tag: "ul" }],
    toDOM: (): DOMOutputSpec => ["ul", 0],
  },

  ordered_list: {
    content: "list_item+",
    group: "block",
    attrs: { order: { default: 1, validate: validateOrder } },
    parseDOM: [
      {
        tag: "ol",
        getAttrs: (dom: HTMLElement) => {
          const start = dom.getAttribute("start");
          const order = start === null ? 1 : Number.parseInt(start, 10);
          return { order: Number.isInteger(order) && order >= 0 ? order : 1 };
        },
      },
    ],
    toDOM: (node): DOMOutputSpec => (node.attrs.order === 1 ? ["ol", 0] : ["ol", { start: node.attrs.order }, 0]),
  },

  list_item: {
    content: "paragraph block*",
    defining: true,
    parseDOM: [{ tag: "li" }],
    toDOM: (): DOMOutputSpec => ["li", 0],
  },

  text: { group: "inline" },

  hard_break: {
    inline: true,
    group: "inline",
    selectable: false,
    leafText: () => "\n",
    parseDOM: [{ tag: "br" }],
    toDOM: (): DOMOutputSpec => ["br"],
  },

  // The schema keeps only the target's stable id; the view shows its current number.
  // `label` is the text at insertion time, shown when the target cannot be resolved.
  xref: {
    inline: true,
    group: "inline",
    atom: true,
    attrs: { section: { validate: "string" }, label: { validate: "string" } },
    leafText: (node) => node.attrs.label as string,
    parseDOM: [
      {
        tag: "a.xref[data-section]",
        priority: 60,
        getAttrs: (dom: HTMLElement) => ({
          section: dom.getAttribute("data-section") ?? "",
          label: dom.textContent ?? "",
        }),
      },
    ],
    toDOM: (node): DOMOutputSpec => [
      "a",
      {
        class: "xref",
        "data-section": node.attrs.section,
        href: `#${sectionAnchor(node.attrs.section as string)}`,
      },
      node.attrs.label as string,
    ],
  },
} satisfies Record<string, NodeSpec>;

const marks = {
  link: {
    attrs: { href: { validate: validateHref }, title: { default: null, validate: "string|null" } },
    inclusive: false,
    parseDOM: [
      {
        tag: "a[href]",
        getAttrs: (dom: HTMLElement) => {
          const href = dom.getAttribute("href");
          if (dom.classList.contains("xref") || href === null || !isSafeHref(href)) return false;
          return { href, title: dom.getAttribute("title") };
        },
      },
    ],
    toDOM: (mark): DOMOutputSpec => {
      const { href, title } = mark.attrs as { href: string; title: string | null };
      return ["a", title === null ? { href } : { href, title }, 0];
    },
  },

  em: {
    parseDOM: [{ tag: "i" }, { tag: "em" }, { style: "font-style=italic" }, { style: "font-style=normal", clearMark: (m) => m.type.name === "em" }],
    toDOM: (): DOMOutputSpec => ["em", 0],
  },

  strong: {
    parseDOM: [
      { tag: "strong" },
      // Google Docs wraps whole documents in <b style="font-weight: normal">.
      { tag: "b", getAttrs: (dom: HTMLElement) => dom.style.fontWeight !== "normal" && null },
      { style: "font-weight=400", clearMark: (m) => m.type.name === "strong" },
      { style: "font-weight", getAttrs: (value: string) => /^(bold(er)?|[5-9]\d{2,})$/.test(value) && null },
    ],
    toDOM: (): DOMOutputSpec => ["strong", 0],
  },

  code: {
    parseDOM: [{ tag: "code" }],
    toDOM: (): DOMOutputSpec => ["code", 0],
  },
} satisfies Record<string, MarkSpec>;

/**
 * Name of a node type in the section-body schema. Code that handles nodes one by one keys a
 * table by it (`satisfies Record<NodeName, …>`), so a node added here fails to compile until
 * every such table handles it.
 */
export type NodeName = keyof typeof nodes;
/** Name of a mark type in the section-body schema; tables of marks are keyed by it like `NodeName`. */
export type MarkName = keyof typeof marks;

/** Every node name, in the schema's order. */
export const NODE_NAMES: readonly NodeName[] = Object.freeze(Object.keys(nodes) as NodeName[]);
/** Every mark name, in the schema's order (the order ProseMirror keeps a node's marks in). */
export const MARK_NAMES: readonly MarkName[] = Object.freeze(Object.keys(marks) as MarkName[]);

/** Whether `name` is the name of a node type of the schema. */
export function isNodeName(name: unknown): name is NodeName {
  return typeof name === "string" && Object.hasOwn(nodes, name);
}

/** Whether `name` is the name of a mark type of the schema. */
export function isMarkName(name: unknown): name is MarkName {
  return typeof name === "string" && Object.hasOwn(marks, name);
}

/**
 * The one ProseMirror schema of a section body, shared by the editor, the server and
 * the release format. Link marks accept only safe targets (see `isSafeHref`): creating
 * one with another target throws a `RangeError`, and pasted HTML drops it.
 */
export const schema: Schema<NodeName, MarkName> = new Schema<NodeName, MarkName>({ nodes, marks });
