import type { PMJSON, PMMarkJSON, Release, ReleaseSection } from "@codewright/shared";

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

/** A section body as CommonMark; empty when it has no text. */
export function contentToMarkdown(content: PMJSON, numberOf: NumberOf, anchorOf: AnchorOf, options: MarkdownOptions = {}): string {
  const mode = options.notes ?? "include";
  const top = (content.content ?? []).flatMap((block): PMJSON[] => {
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

function blocksToMarkdown(blocks: readonly PMJSON[], ctx: Context): string {
  return blocks
    .map((b) => blockToMarkdown(b, ctx))
    .filter((text) => text !== "")
    .join("\n\n");
}

function blockToMarkdown(block: PMJSON, ctx: Context): string {
  switch (block.type) {
    case "paragraph":
      return inlineToMarkdown(block.content ?? [], ctx);
    case "code_block": {
      const code = (block.content ?? []).map((t) => t.text ?? "").join("");
      const fence = "`".repeat(Math.max(3, longestRun(code, "`") + 1));
      return `${fence}\n${code}\n${fence}`;
    }
    case "blockquote":
      return quote(blocksToMarkdown(block.content ?? [], ctx));
    case "note": {
      const paragraphs = blocksToMarkdown(block.content ?? [], ctx);
      return quote(`**Note:** ${paragraphs}`);
    }
    case "bullet_list":
    case "ordered_list": {
      const start = typeof block.attrs?.order === "number" ? block.attrs.order : 1;
      const items = (block.content ?? []).map((item, k) => {
        const marker = block.type === "bullet_list" ? "- " : `${start + k}. `;
        const body = blocksToMarkdown(item.content ?? [], ctx);
        return marker + body.split("\n").map((line, n) => (n === 0 || line === "" ? line : " ".repeat(marker.length) + line)).join("\n");
      });
      const tight = (block.content ?? []).every((item) => (item.content ?? []).length <= 1);
      return items.join(tight ? "\n" : "\n\n");
    }
    default:
      return blocksToMarkdown(block.content ?? [], ctx);
  }
}

const quote = (text: string) =>
  text
    .split("\n")
    .map((line) => (line === "" ? ">" : `> ${line}`))
    .join("\n");

// Marks are written in the schema's order (link, em, strong outside code), opened and closed as a stack.
const MARK_ORDER = ["link", "em", "strong"];

function inlineToMarkdown(nodes: readonly PMJSON[], ctx: Context): string {
  let out = "";
  const open: PMMarkJSON[] = [];
  const close = (keep: number) => {
    if (open.length <= keep) return;
    // Delimiters must touch text: move trailing whitespace outside them.
    const trailing = /\s*$/.exec(out)![0];
    out = out.slice(0, out.length - trailing.length);
    while (open.length > keep) out += closing(open.pop()!);
    out += trailing;
  };
  for (const node of nodes) {
    const wanted = (node.marks ?? []).filter((m) => MARK_ORDER.includes(m.type));
    // Marks already open stay open (outermost first); only the others are opened, in schema order.
    let keep = 0;
    while (keep < open.length && wanted.some((m) => sameMark(m, open[keep]!))) keep++;
    close(keep);
    const fresh = wanted.filter((m) => !open.some((o) => sameMark(o, m))).sort((a, b) => MARK_ORDER.indexOf(a.type) - MARK_ORDER.indexOf(b.type));
    const marks = [...open, ...fresh];
    let text = inlineNode(node, ctx);
    if (marks.length > open.length) {
      const leading = /^\s*/.exec(text)![0];
      out += leading;
      text = text.slice(leading.length);
      for (const mark of marks.slice(open.length)) {
        out += opening(mark);
        open.push(mark);
      }
    }
    out += text;
  }
  close(0);
  return out;
}

function inlineNode(node: PMJSON, ctx: Context): string {
  if (node.type === "hard_break") return "\\\n";
  if (node.type === "xref") {
    const { section, label } = (node.attrs ?? {}) as { section?: string; label?: string };
    const number = section ? ctx.numberOf(section) : undefined;
    const anchor = section ? ctx.anchorOf(section) : undefined;
    const text = escapeInline(number ?? label ?? "");
    return anchor ? `[${text}](#${anchor})` : text;
  }
  const text = node.text ?? "";
  if ((node.marks ?? []).some((m) => m.type === "code")) {
    const ticks = "`".repeat(longestRun(text, "`") + 1);
    const pad = text.startsWith("`") || text.endsWith("`") || /^ .* $/.test(text) ? " " : "";
    return `${ticks}${pad}${text}${pad}${ticks}`;
  }
  return escapeMarkdown(text);
}

function opening(mark: PMMarkJSON): string {
  return mark.type === "link" ? "[" : mark.type === "em" ? "*" : "**";
}

function closing(mark: PMMarkJSON): string {
  if (mark.type !== "link") return mark.type === "em" ? "*" : "**";
  const { href, title } = (mark.attrs ?? {}) as { href?: string; title?: string | null };
  const target = (href ?? "").replace(/[<>\s]/g, (c) => encodeURIComponent(c));
  return title ? `](<${target}> "${title.replace(/["\\]/g, "\\$&")}")` : `](<${target}>)`;
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
