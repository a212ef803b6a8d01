import type { DiffOp, ReleaseDiff, SectionDiff } from "@codewright/shared";
import { escapeHtml } from "./export-html";

/**
 * Redlines as printable HTML: the word operations of the diff engine, insertions in `<ins>`
 * (underlined), deletions in `<del>` (struck), every text escaped.
 */

/** One changed section: its heading as it reads after (or before, when removed), then its blocks. */
export function sectionRedline(s: SectionDiff): string {
  const side = s.after ?? s.before!;
  const blocks = new Map<number, DiffOp[]>();
  for (const op of s.changes) blocks.set(op.block, [...(blocks.get(op.block) ?? []), op]);
  const body = [...blocks.values()]
    .map(
      (ops) =>
        `<p>${ops
          .map((op) => {
            const t = escapeHtml(op.text);
            return op.op === "insert" ? `<ins>${t}</ins>` : op.op === "delete" ? `<del>${t}</del>` : t;
          })
          .join("")}</p>`,
    )
    .join("\n");
  return `<article class="redline-section"><h3>${escapeHtml(side.number)} ${escapeHtml(side.title)} <span class="label">${escapeHtml(side.label)}</span> <span class="status">${escapeHtml(s.status.join(", "))}</span></h3>\n${body}</article>`;
}

/** A whole diff of a standard as one self-contained printable page: every section that changed, in the reading order of `to`. */
export function diffToHtml(standardTitle: string, diff: ReleaseDiff): string {
  const e = escapeHtml;
  const changed = diff.sections.filter((s) => !s.status.includes("unchanged"));
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(standardTitle)} — changes from ${e(diff.from)} to ${e(diff.to)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>${e(standardTitle)}</h1>
<p class="facts">Changes from ${e(diff.from)} to ${e(diff.to)}: ${changed.length} section${changed.length === 1 ? "" : "s"} changed.</p>
</header>
<main>
${changed.map(sectionRedline).join("\n") || "<p>No changes.</p>"}
</main>
</body>
</html>
`;
}

const STYLE = `
:root { color-scheme: light; }
body { font: 11pt/1.5 Georgia, "Times New Roman", serif; color: #111; max-width: 46rem; margin: 2rem auto; padding: 0 1rem; }
h1, h2, h3 { font-family: "Helvetica Neue", Arial, sans-serif; line-height: 1.25; }
.facts { color: #444; font-size: 0.95rem; }
ins { text-decoration: underline; background: #e6ffec; }
del { text-decoration: line-through; background: #ffebe9; }
.label, .status { color: #666; font-size: 0.85em; }
article { margin: 0.8rem 0; break-inside: avoid; }
@media print { body { margin: 0; max-width: none; } }
`;
