import { MARK_NAMES, narrowContent, type MarkName, type NodeName, type PMJSON, type PMMarkJSON, type Release, type ReleaseSection } from "@codewright/shared";

/** Gives the number a cross-reference shows, or undefined to show its stored label. */
export type NumberOf = (sectionId: string) => string | undefined;
/** Gives the anchor a cross-reference links to (the target's label), or undefined for none. */
export type AnchorOf = (sectionId: string) => string | undefined;

/**
 * A release as a CommonMark document for reading: the title, version and notes, then each
 * section as a heading `## 2.3 Title {#BC-2.3}` (the label as the heading's id, as the importer
 * writes it) with its body. Cross-references read as the target's number, linked to its label.
 * Sections deeper than five levels keep the smallest heading.
 */
export function releaseToMarkdown(release: Release): string {
  const { numberOf, anchorOf } = sectionIndex(release.sections);
  const out: string[] = [`# ${escapeMarkdown(release.standard.title)}`];
  const facts = [`Version ${release.version}, published ${release.publishedAt}.`];
  if (release.previousVersion) facts.push(`Follows version ${release.previousVersion}.`);
  out.push(escapeMarkdown(facts.join(" ")), `Digest: \`${release.digest}\``);
  for (const paragraph of release.notes.split(/\n\s*\n/)) if (paragraph.trim()) out.push(escapeMarkdown(paragraph.trim()));
  const visit = (section: ReleaseSection, depth: number) => {
    out.push(`${"#".repeat(Math.min(depth + 1, 6))} ${section.number} ${escapeMarkdown(section.title)} {#${section.label}}`);
    const body = contentToMarkdown(section.content, numberOf, anchorOf);
    if (body) out.push(body);
    for (const child of section.children) visit(child, depth + 1);
  };
  for (const section of release.sections) visit(section, 1);
  return `${out.join("\n\n")}\n`;
}

/** Numbers and anchors of every section of a release tree, by id. */
export function sectionIndex(sections: readonly ReleaseSection[]): { numberOf: NumberOf; anchorOf: AnchorOf } {
  const numbers = new Map<string, string>();
  const labels = new Map<string, string>();
  const stack = [...sections];
  for (let s = stack.pop(); s; s = stack.pop()) {
    numbers.set(s.id, s.number);
    labels.set(s.id, s.label);
    stack.push(...s.children);
  }
  return { numberOf: (id) => numbers.get(id), anchorOf: (id) => labels.get(id) };
}

export interface MarkdownOptions {
  /** Which blocks to write: all (default), only notes (their paragraphs, without the note markup), or all but notes. */
  notes?: "include" | "only" | "exclude";
}

/**
 * A section body as CommonMark; empty when it has no text. Throws `ContentError`
 * `invalid_content` when a node or mark names no type of the schema (see `narrowContent`).
 */
export function contentToMarkdown(content: PMJSON, numberOf: NumberOf, anchorOf: AnchorOf, options: MarkdownOptions = {}): string {
  const mode = options.notes ?? "include";
  const top = (narrowContent(content).content ?? []).flatMap((block): PMJSON[] => {
    if (mode === "only") return block.type === "note" ? (block.content ?? []) : [];
    if (mode === "exclude" && block.type === "note") return [];
    return [block];
  });
  return blocksToMarkdown(top, { numberOf, anchorOf });
}

interface Context {
  numberOf: NumberOf;
  anchorOf: AnchorOf;
}

type ToMarkdown = (node: PMJSON, ctx: Context) => string;

/** How each node is written in CommonMark. */
export const MARKDOWN_NODES = {
  doc: (node, ctx) => blocksToMarkdown(node.content ?? [], ctx),
  paragraph: (node, ctx) => inlineToMarkdown(node.content ?? [], ctx),
  blockquote: (node, ctx) => quote(blocksToMarkdown(node.content ?? [], ctx)),
  note: (node, ctx) => quote(`**Note:** ${blocksToMarkdown(node.content ?? [], ctx)}`),
  code_block: (node) => {
    const code = (node.content ?? []).map((t) => t.text ?? "").join("");
    const fence = "`".repeat(Math.max(3, longestRun(code, "`") + 1));
    return `${fence}\n${code}\n${fence}`;
  },
  bullet_list: (node, ctx) => list(node, () => "- ", ctx),
  ordered_list: (node, ctx) => {
    const start = typeof node.attrs?.order === "number" ? node.attrs.order : 1;
    return list(node, (k) => `${start + k}. `, ctx);
  },
  list_item: (node, ctx) => blocksToMarkdown(node.content ?? [], ctx),
  text: (node) => {
    const text = node.text ?? "";
    if ((node.marks ?? []).some((m) => MARKDOWN_MARKS[m.type] === CODE_SPAN)) {
      const ticks = "`".repeat(longestRun(text, "`") + 1);
      const pad = text.startsWith("`") || text.endsWith("`") || /^ .* $/.test(text) ? " " : "";
      return `${ticks}${pad}${text}${pad}${ticks}`;
    }
    return escapeMarkdown(text);
  },
  hard_break: () => "\\\n",
  xref: (node, ctx) => {
    const { section, label } = (node.attrs ?? {}) as { section?: string; label?: string };
    const number = section ? ctx.numberOf(section) : undefined;
    const anchor = section ? ctx.anchorOf(section) : undefined;
    const text = escapeInline(number ?? label ?? "");
    return anchor ? `[${text}](#${anchor})` : text;
  },
} satisfies Record<NodeName, ToMarkdown>;

/** Delimiters a mark is written with around its text. */
interface Delimiters {
  open: string;
  close: (mark: PMMarkJSON) => string;
}
// Code is written by the text itself, as a code span, not as delimiters around other marks.
const CODE_SPAN = "code span";

/** How each mark is written in CommonMark. */
export const MARKDOWN_MARKS = {
  link: {
    open: "[",
    close: (mark) => {
      const { href, title } = (mark.attrs ?? {}) as { href?: string; title?: string | null };
      const target = (href ?? "").replace(/[<>\s]/g, (c) => encodeURIComponent(c));
      return title ? `](<${target}> "${title.replace(/["\\]/g, "\\$&")}")` : `](<${target}>)`;
    },
  },
  em: { open: "*", close: () => "*" },
  strong: { open: "**", close: () => "**" },
  code: CODE_SPAN,
} satisfies Record<MarkName, Delimiters | typeof CODE_SPAN>;

function blocksToMarkdown(blocks: readonly PMJSON[], ctx: Context): string {
  return blocks
    .map((b) => MARKDOWN_NODES[b.type](b, ctx))
    .filter((text) => text !== "")
    .join("\n\n");
}

function list(node: PMJSON, marker: (index: number) => string, ctx: Context): string {
  const items = (node.content ?? []).map((item, k) => {
    const prefix = marker(k);
    const body = MARKDOWN_NODES[item.type](item, ctx);
    return prefix + body.split("\n").map((line, n) => (n === 0 || line === "" ? line : " ".repeat(prefix.length) + line)).join("\n");
  });
  const tight = (node.content ?? []).every((item) => (item.content ?? []).length <= 1);
  return items.join(tight ? "\n" : "\n\n");
}

const quote = (text: string) =>
  text
    .split("\n")
    .map((line) => (line === "" ? ">" : `> ${line}`))
    .join("\n");

/** A mark written with delimiters, and how. */
interface Delimited {
  mark: PMMarkJSON;
  delimiters: Delimiters;
}

// Delimited marks are written in the schema's order (link, em, strong), opened and closed as a stack.
const MARK_ORDER: readonly MarkName[] = MARK_NAMES.filter((name) => MARKDOWN_MARKS[name] !== CODE_SPAN);

function delimited(marks: readonly PMMarkJSON[]): Delimited[] {
  const out: Delimited[] = [];
  for (const mark of marks) {
    const syntax: Delimiters | typeof CODE_SPAN = MARKDOWN_MARKS[mark.type];
    if (syntax !== CODE_SPAN) out.push({ mark, delimiters: syntax });
  }
  return out;
}

function inlineToMarkdown(nodes: readonly PMJSON[], ctx: Context): string {
  let out = "";
  const open: Delimited[] = [];
  const close = (keep: number) => {
    if (open.length <= keep) return;
    // Delimiters must touch text: move trailing whitespace outside them.
    const trailing = /\s*$/.exec(out)![0];
    out = out.slice(0, out.length - trailing.length);
    while (open.length > keep) {
      const { mark, delimiters } = open.pop()!;
      out += delimiters.close(mark);
    }
    out += trailing;
  };
  for (const node of nodes) {
    const wanted = delimited(node.marks ?? []);
    // Marks already open stay open (outermost first); only the others are opened, in schema order.
    let keep = 0;
    while (keep < open.length && wanted.some((m) => sameMark(m.mark, open[keep]!.mark))) keep++;
    close(keep);
    const fresh = wanted.filter((m) => !open.some((o) => sameMark(o.mark, m.mark))).sort((a, b) => MARK_ORDER.indexOf(a.mark.type) - MARK_ORDER.indexOf(b.mark.type));
    let text = MARKDOWN_NODES[node.type](node, ctx);
    if (fresh.length > 0) {
      const leading = /^\s*/.exec(text)![0];
      out += leading;
      text = text.slice(leading.length);
      for (const mark of fresh) {
        out += mark.delimiters.open;
        open.push(mark);
      }
    }
    out += text;
  }
  close(0);
  return out;
}

function sameMark(a: PMMarkJSON, b: PMMarkJSON): boolean {
  return a.type === b.type && JSON.stringify(a.attrs ?? {}) === JSON.stringify(b.attrs ?? {});
}

function longestRun(text: string, char: string): number {
  let longest = 0;
  let run = 0;
  for (const c of text) {
    run = c === char ? run + 1 : 0;
    longest = Math.max(longest, run);
  }
  return longest;
}

/** Plain text made safe inside a line of CommonMark: punctuation that could open markup is backslash-escaped. */
function escapeInline(text: string): string {
  return text.replace(/[\\`*_[\]{}<>&|~]/g, "\\$&");
}

/**
 * Plain text made safe to put in CommonMark: every punctuation mark that could start markup is
 * backslash-escaped, and a line that would open a list or a heading is defused.
 */
export function escapeMarkdown(text: string): string {
  return escapeInline(text)
    .replace(/^(\s*)([#=+-])/gm, "$1\\$2")
    .replace(/^(\s*)(\d+)([.)])/gm, "$1$2\\$3")
    .replace(/\n/g, "\\\n");
}
