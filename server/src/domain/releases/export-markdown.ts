import { isSafeHref, isSectionLabel, MARK_NAMES, narrowContent, type MarkName, type NodeName, type PMJSON, type PMMarkJSON, type Release, type ReleaseSection } from "@codewright/shared";

/** Gives the number a cross-reference shows, or undefined to show its stored label. */
export type NumberOf = (sectionId: string) => string | undefined;
/** Gives the anchor a cross-reference links to (the target's label), or undefined for none. */
export type AnchorOf = (sectionId: string) => string | undefined;

/**
 * A release as a CommonMark document for reading: the title, version and notes, then each
 * section as a heading `## 2.3 Title {#BC-2.3}` (the label as the heading's id, as the importer
 * writes it) with its body. Cross-references read as the target's number, linked to its label.
 * Sections deeper than five levels keep the smallest heading. Titles are written on one line.
 */
export function releaseToMarkdown(release: Release): string {
  const { numberOf, anchorOf } = sectionIndex(release.sections);
  const out: string[] = [`# ${escapeMarkdownLine(release.standard.title)}`];
  const facts = [`Version ${release.version}, published ${release.publishedAt}.`];
  if (release.previousVersion) facts.push(`Follows version ${release.previousVersion}.`);
  out.push(escapeMarkdown(facts.join(" ")), `Digest: ${codeSpan(release.digest)}`);
  out.push(...notesToMarkdown(release.notes));
  const visit = (section: ReleaseSection, depth: number) => {
    // A label the importer could not read back is written as text.
    const label = isSectionLabel(section.label) ? section.label : escapeText(section.label);
    out.push(`${"#".repeat(Math.min(depth + 1, 6))} ${escapeText(section.number)} ${escapeMarkdownLine(section.title)} {#${label}}`);
    const body = contentToMarkdown(section.content, numberOf, anchorOf);
    if (body) out.push(body);
    for (const child of section.children) visit(child, depth + 1);
  };
  for (const section of release.sections) visit(section, 1);
  return `${out.join("\n\n")}\n`;
}

/** Release notes as CommonMark paragraphs: one per run of text between blank lines. */
export function notesToMarkdown(notes: string): string[] {
  return notes
    .replace(LINE_ENDING, "\n")
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean)
    .map(escapeMarkdown);
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
  // Leading whitespace would indent the paragraph into a code block, and breaks at its end show as a backslash.
  paragraph: (node, ctx) => escapeLineStarts(inlineToMarkdown(node.content ?? [], ctx).replace(/^[ \t]+/, "").replace(TRAILING_BLANK, "")),
  blockquote: (node, ctx) => quote(blocksToMarkdown(node.content ?? [], ctx)),
  note: (node, ctx): string => {
    const blocks: PMJSON[] = (node.content ?? []).filter((b) => MARKDOWN_NODES[b.type](b, ctx) !== "");
    const body = blocksToMarkdown(blocks, ctx);
    // The label runs into a first paragraph; any other block would read as text after it.
    return quote(blocks.length === 0 || blocks[0]!.type === "paragraph" ? `**Note:** ${body}` : `**Note:**\n\n${body}`);
  },
  code_block: (node) => {
    const code = (node.content ?? []).map((t) => t.text ?? "").join("").replace(LINE_ENDING, "\n");
    const fence = "`".repeat(Math.max(3, longestRun(code, "`") + 1));
    return code === "" ? `${fence}\n${fence}` : `${fence}\n${code}\n${fence}`;
  },
  bullet_list: (node, ctx) => list(node, () => "- ", ctx),
  ordered_list: (node, ctx) => {
    const order = node.attrs?.order;
    const start = typeof order === "number" && Number.isInteger(order) && order >= 0 ? order : 1;
    // CommonMark reads at most nine digits as a list number.
    return list(node, (k) => `${Math.min(start + k, MAX_LIST_NUMBER)}. `, ctx);
  },
  list_item: (node, ctx) => blocksToMarkdown(node.content ?? [], ctx),
  // Line starts are escaped by the paragraph, where runs meet.
  text: (node) => {
    const text = node.text ?? "";
    return (node.marks ?? []).some((m) => MARKDOWN_MARKS[m.type] === CODE_SPAN) ? codeSpan(text) : escapeText(text);
  },
  hard_break: () => HARD_BREAK,
  xref: (node, ctx) => {
    const { section, label } = (node.attrs ?? {}) as { section?: string; label?: string };
    const number = section ? ctx.numberOf(section) : undefined;
    const anchor = section ? ctx.anchorOf(section) : undefined;
    const text = escapeText(number ?? label ?? "");
    // A link cannot hold another link: inside one, the reference is its text.
    const inLink = (node.marks ?? []).some((m) => m.type === "link");
    return anchor && isSectionLabel(anchor) && !inLink ? `[${text}](#${anchor})` : text;
  },
} satisfies Record<NodeName, ToMarkdown>;

/** Delimiters a mark is written with around its text. */
interface Delimiters {
  open: string;
  close: (mark: PMMarkJSON) => string;
  /** Whether the mark is written at all (default yes); its text is written either way. */
  writes?: (mark: PMMarkJSON) => boolean;
}
// Code is written by the text itself, as a code span, not as delimiters around other marks.
const CODE_SPAN = "code span";

/** How each mark is written in CommonMark. */
export const MARKDOWN_MARKS = {
  link: {
    open: "[",
    close: (mark) => {
      const { href, title } = (mark.attrs ?? {}) as { href?: string; title?: string | null };
      return title ? `](<${linkDestination(href ?? "")}> "${linkTitle(title)}")` : `](<${linkDestination(href ?? "")}>)`;
    },
    // Like the HTML export, a link to an unsafe target (`javascript:` …) is written as its text.
    writes: (mark) => {
      const href: unknown = mark.attrs?.href;
      return typeof href === "string" && isSafeHref(href);
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
    if (syntax !== CODE_SPAN && (syntax.writes?.(mark) ?? true)) out.push({ mark, delimiters: syntax });
  }
  return out;
}

function inlineToMarkdown(nodes: readonly PMJSON[], ctx: Context): string {
  let out = "";
  const open: Delimited[] = [];
  // `![` would turn a link into an image: a bang right before an opening bracket is escaped.
  const append = (markdown: string) => {
    out = (markdown.startsWith("[") && out.endsWith("!") ? `${out.slice(0, -1)}\\!` : out) + markdown;
  };
  const close = (keep: number) => {
    if (open.length <= keep) return;
    // Delimiters must touch text: move trailing whitespace and breaks outside them.
    const trailing = TRAILING_BLANK.exec(out)![0];
    out = out.slice(0, out.length - trailing.length);
    while (open.length > keep) {
      const { mark, delimiters } = open.pop()!;
      out += delimiters.close(mark);
    }
    out += trailing;
  };
  for (const node of mergeRuns(nodes)) {
    const wanted = delimited(node.marks ?? []);
    // Marks already open stay open (outermost first); only the others are opened, in schema order.
    let keep = 0;
    while (keep < open.length && wanted.some((m) => sameMark(m.mark, open[keep]!.mark))) keep++;
    close(keep);
    const fresh = wanted.filter((m) => !open.some((o) => sameMark(o.mark, m.mark))).sort((a, b) => MARK_ORDER.indexOf(a.mark.type) - MARK_ORDER.indexOf(b.mark.type));
    let text = MARKDOWN_NODES[node.type](node, ctx);
    // Delimiters around nothing visible would stand alone (`****` is a thematic break): they wait for text.
    if (fresh.length > 0 && !BLANK.test(text)) {
      const leading = /^\s*/.exec(text)![0];
      out += leading;
      text = text.slice(leading.length);
      for (const mark of fresh) {
        append(mark.delimiters.open);
        open.push(mark);
      }
    }
    append(text);
  }
  close(0);
  return out;
}

/**
 * Adjacent text written alike joined into one run, as ProseMirror would have stored it: two code
 * spans side by side would otherwise run their fences together into one longer fence.
 */
function mergeRuns(nodes: readonly PMJSON[]): PMJSON[] {
  const out: PMJSON[] = [];
  const written = (node: PMJSON) => ({ code: (node.marks ?? []).some((m) => MARKDOWN_MARKS[m.type] === CODE_SPAN), marks: delimited(node.marks ?? []).map((d) => d.mark) });
  for (const node of nodes) {
    const last = out.at(-1);
    if (last?.type === "text" && node.type === "text") {
      const [a, b] = [written(last), written(node)];
      if (a.code === b.code && a.marks.length === b.marks.length && a.marks.every((m) => b.marks.some((n) => sameMark(m, n)))) {
        out[out.length - 1] = { ...last, text: (last.text ?? "") + (node.text ?? "") };
        continue;
      }
    }
    out.push(node);
  }
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

/** A code span holding `text` as it is: a fence longer than any run of backticks inside, on one line. */
function codeSpan(text: string): string {
  // CommonMark reads a line ending in a code span as a space; a real one could end the paragraph.
  const code = text.replace(LINE_ENDING, " ");
  if (code === "") return "";
  const ticks = "`".repeat(longestRun(code, "`") + 1);
  // One space each side is stripped from a span that is not all spaces, so such a span gets one more.
  const pad = code.startsWith("`") || code.endsWith("`") || (/^ [^]* $/.test(code) && /[^ ]/.test(code)) ? " " : "";
  return `${ticks}${pad}${code}${pad}${ticks}`;
}

/** A link target inside `<…>`: no `<`, `>`, whitespace or line ending, and nothing read as an escape or entity. */
function linkDestination(href: string): string {
  return href
    .replace(/[<>\s]/g, (c) => encodeURIComponent(c))
    .replace(/\\/g, "\\\\")
    .replace(ENTITY_START, "\\&");
}

/** A link title inside `"…"`: escapes and entities, and line endings as character references, since a blank line would end the link. */
function linkTitle(title: string): string {
  return title
    .replace(/["\\&]/g, "\\$&")
    .replace(/\r/g, "&#13;")
    .replace(/\n/g, "&#10;");
}

/** Plain text made safe inside a line of CommonMark: punctuation that could open markup is backslash-escaped, line endings become hard breaks. */
function escapeText(text: string): string {
  return text.replace(/[\\`*_[\]{}<>&|~]/g, "\\$&").replace(LINE_ENDING, HARD_BREAK);
}

/** Defuses every line of inline CommonMark that would open a heading, a list item, a setext underline or a thematic break. */
function escapeLineStarts(markdown: string): string {
  return markdown
    .split("\n")
    .map((line) => line.replace(/^([ \t]*)([#=+-])/, "$1\\$2").replace(/^([ \t]*)(\d+)([.)])/, "$1$2\\$3"))
    .join("\n");
}

/**
 * Plain text made safe to put in CommonMark: every punctuation mark that could start markup is
 * backslash-escaped, a line that would open a list or a heading is defused, and line endings
 * are hard breaks.
 */
export function escapeMarkdown(text: string): string {
  return escapeLineStarts(escapeText(text));
}

/** Plain text as one line of CommonMark (a heading, an OSCAL title): whitespace runs, line endings too, become one space. */
export function escapeMarkdownLine(text: string): string {
  return escapeMarkdown(text.replace(/\s+/g, " ").trim());
}

const LINE_ENDING = /\r\n?|\n/g;
const HARD_BREAK = "\\\n";
// Whitespace and hard breaks at the end of inline Markdown, and inline Markdown of nothing else.
const TRAILING_BLANK = /(?:\\\n|\s)*$/;
const BLANK = /^(?:\\\n|\s)*$/;
// `&` that would start a character reference (`&lt;`, `&#60;`) in a link target.
const ENTITY_START = /&(?=[A-Za-z][A-Za-z0-9]*;|#[0-9]+;|#[xX][0-9A-Fa-f]+;)/g;
const MAX_LIST_NUMBER = 999_999_999;
