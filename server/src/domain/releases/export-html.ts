import { isSafeHref, narrowContent, sectionAnchor, type MarkName, type NodeName, type PMJSON, type PMMarkJSON, type Release, type ReleaseSection } from "@codewright/shared";
import { sectionIndex, type NumberOf } from "./export-markdown";

/**
 * A release as one self-contained, printable HTML page: title, version, digest and notes, a
 * table of contents, then every section with its number, title and label. Every text and
 * attribute is HTML-escaped; links keep only safe targets; the page loads nothing else.
 * Section anchors are `section-<id>`, as cross-references in the editor link them.
 */
export function releaseToHtml(release: Release): string {
  const { numberOf } = sectionIndex(release.sections);
  const title = `${release.standard.title} — version ${release.version}`;
  const facts = [`Version ${release.version}`, `published ${release.publishedAt}`];
  if (release.previousVersion) facts.push(`follows version ${release.previousVersion}`);
  const notes = release.notes
    .split(/\n\s*\n/)
    .filter((p) => p.trim())
    .map((p) => `<p>${escapeHtml(p.trim()).replace(/\n/g, "<br>")}</p>`)
    .join("\n");

  const toc = (sections: readonly ReleaseSection[]): string =>
    sections.length === 0
      ? ""
      : `<ol>${sections
          .map((s) => `<li><a href="#${attr(sectionAnchor(s.id))}"><span class="number">${escapeHtml(s.number)}</span> ${escapeHtml(s.title)}</a>${toc(s.children)}</li>`)
          .join("")}</ol>`;
  const body = (section: ReleaseSection, depth: number): string => {
    const h = `h${Math.min(depth + 1, 6)}`;
    return [
      `<section id="${attr(sectionAnchor(section.id))}" class="section depth-${depth}" data-label="${attr(section.label)}">`,
      `<${h}><span class="number">${escapeHtml(section.number)}</span> ${escapeHtml(section.title)} <span class="label">${escapeHtml(section.label)}</span></${h}>`,
      contentToHtml(section.content, numberOf),
      ...section.children.map((c) => body(c, depth + 1)),
      "</section>",
    ].join("\n");
  };

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>${escapeHtml(release.standard.title)}</h1>
<p class="facts">${escapeHtml(facts.join(" · "))}</p>
<p class="digest">Digest <code>${escapeHtml(release.digest)}</code></p>
${notes ? `<div class="notes">${notes}</div>` : ""}
</header>
<nav class="toc" aria-label="Contents">
<h2>Contents</h2>
${toc(release.sections)}
</nav>
<main>
${release.sections.map((s) => body(s, 1)).join("\n")}
</main>
<footer><p>${escapeHtml(release.standard.title)}, version ${escapeHtml(release.version)}. The signed JSON of this release is the authoritative text.</p></footer>
</body>
</html>
`;
}

/**
 * A section body as HTML, every text escaped. Throws `ContentError` `invalid_content` when a
 * node or mark names no type of the schema (see `narrowContent`).
 */
export function contentToHtml(content: PMJSON, numberOf: NumberOf): string {
  return blocksToHtml(narrowContent(content), numberOf);
}

type ToHtml = (node: PMJSON, numberOf: NumberOf) => string;

/** How each node is written in HTML. */
export const HTML_NODES = {
  doc: (node, numberOf) => blocksToHtml(node, numberOf),
  paragraph: (node, numberOf) => `<p>${inlineToHtml(node, numberOf)}</p>`,
  blockquote: (node, numberOf) => `<blockquote>${blocksToHtml(node, numberOf)}</blockquote>`,
  note: (node, numberOf) => `<aside class="note"><p class="note-label">Note</p>${blocksToHtml(node, numberOf)}</aside>`,
  code_block: (node) => `<pre><code>${escapeHtml((node.content ?? []).map((t) => t.text ?? "").join(""))}</code></pre>`,
  bullet_list: (node, numberOf) => `<ul>${blocksToHtml(node, numberOf)}</ul>`,
  ordered_list: (node, numberOf) => {
    const order = node.attrs?.order;
    return typeof order === "number" && order !== 1 ? `<ol start="${attr(String(order))}">${blocksToHtml(node, numberOf)}</ol>` : `<ol>${blocksToHtml(node, numberOf)}</ol>`;
  },
  list_item: (node, numberOf) => `<li>${blocksToHtml(node, numberOf)}</li>`,
  text: (node) => {
    let html = escapeHtml(node.text ?? "");
    for (const mark of [...(node.marks ?? [])].reverse()) html = HTML_MARKS[mark.type](mark, html);
    return html;
  },
  hard_break: () => "<br>",
  xref: (node, numberOf) => {
    const { section, label } = (node.attrs ?? {}) as { section?: string; label?: string };
    const number = section ? numberOf(section) : undefined;
    const text = escapeHtml(number ?? label ?? "");
    return section && number ? `<a class="xref" href="#${attr(sectionAnchor(section))}">${text}</a>` : `<span class="xref">${text}</span>`;
  },
} satisfies Record<NodeName, ToHtml>;

/** How each mark wraps the HTML of the text it is on. */
export const HTML_MARKS = {
  link: (mark, html) => {
    const { href, title } = (mark.attrs ?? {}) as { href?: string; title?: string | null };
    if (typeof href !== "string" || !isSafeHref(href)) return html;
    return `<a href="${attr(href)}"${title ? ` title="${attr(title)}"` : ""}>${html}</a>`;
  },
  em: (_, html) => `<em>${html}</em>`,
  strong: (_, html) => `<strong>${html}</strong>`,
  code: (_, html) => `<code>${html}</code>`,
} satisfies Record<MarkName, (mark: PMMarkJSON, html: string) => string>;

const toHtml: ToHtml = (node, numberOf) => HTML_NODES[node.type](node, numberOf);
const blocksToHtml: ToHtml = (node, numberOf) => (node.content ?? []).map((b) => toHtml(b, numberOf)).join("\n");
const inlineToHtml: ToHtml = (node, numberOf) => (node.content ?? []).map((b) => toHtml(b, numberOf)).join("");

const HTML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Text made safe for HTML content and quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}
const attr = escapeHtml;

const STYLE = `
:root { color-scheme: light; }
body { font: 11pt/1.5 Georgia, "Times New Roman", serif; color: #111; max-width: 46rem; margin: 2rem auto; padding: 0 1rem; }
h1, h2, h3, h4, h5, h6 { font-family: "Helvetica Neue", Arial, sans-serif; line-height: 1.25; }
h1 { font-size: 1.9rem; margin-bottom: 0.3rem; }
.facts, .digest { color: #444; margin: 0.2rem 0; font-size: 0.95rem; }
.digest code { font-size: 0.8rem; word-break: break-all; }
.notes { border-left: 3px solid #999; padding-left: 0.8rem; margin: 1rem 0; }
.toc ol { list-style: none; padding-left: 1.2rem; }
.toc > ol { padding-left: 0; }
.toc a { color: inherit; text-decoration: none; }
.number { font-variant-numeric: tabular-nums; margin-right: 0.3rem; }
.label { font-size: 0.7em; font-weight: normal; color: #555; border: 1px solid #bbb; border-radius: 3px; padding: 0 0.3em; vertical-align: middle; }
.note { background: #f4f4f4; border-left: 3px solid #777; padding: 0.3rem 0.9rem; margin: 0.8rem 0; }
.note-label { font-weight: bold; font-family: "Helvetica Neue", Arial, sans-serif; font-size: 0.85rem; margin: 0.3rem 0; }
pre { background: #f6f6f6; padding: 0.6rem; overflow-x: auto; white-space: pre-wrap; }
code { font-family: "SFMono-Regular", Consolas, monospace; font-size: 0.9em; }
blockquote { margin-left: 0; padding-left: 0.9rem; border-left: 3px solid #ccc; color: #333; }
footer { margin-top: 3rem; border-top: 1px solid #ccc; color: #555; font-size: 0.85rem; }
@page { margin: 2cm 2cm 2.2cm; }
@media print {
  body { margin: 0; max-width: none; font-size: 10.5pt; }
  .toc { break-after: page; }
  h1, h2, h3, h4, h5, h6 { break-after: avoid; }
  .note, pre, li { break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
  main a[href^="http"]::after { content: " (" attr(href) ")"; font-size: 0.85em; }
  section.depth-1 { break-before: page; }
}
`;
