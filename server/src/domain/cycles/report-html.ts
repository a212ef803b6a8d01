import type { CycleReport, ReportComment, ReportPerson } from "@codewright/shared";
import { escapeHtml } from "../releases/export-html";
import { sectionRedline } from "../releases/redline-html";

/**
 * A cycle report as one self-contained, printable HTML page: a cover, a table of contents, the
 * schedule with every change of window, the inputs with the committee's actions and named votes,
 * the comments grouped by section in outline order, the ballot rounds, and the redline from the
 * base version (insertions in `<ins>`, deletions in `<del>`). Every text is HTML-escaped; the page
 * loads nothing else. The signed JSON report is the authoritative record.
 */
export function cycleReportToHtml(report: CycleReport): string {
  const e = escapeHtml;
  const { cycle, standard } = report;
  const title = `${standard.title} — report of “${cycle.title}”`;
  const who = (p: ReportPerson | null) => (p ? `${e(p.name)}${p.affiliation ? ` <span class="affiliation">(${e(p.affiliation)})</span>` : ""}` : "the platform");
  const text = (t: string | null) => (t ? e(t).replace(/\n/g, "<br>") : "");

  const stages = cycle.stages
    .map((s) => `<tr><td>${e(s.kind)}</td><td>${e(s.plannedOpensAt)}</td><td>${e(s.plannedClosesAt)}</td><td>${e(s.openedAt ?? "")}</td><td>${e(s.closedAt ?? "")}</td></tr>`)
    .join("\n");
  const changes = cycle.windowChanges
    .map((c) => `<li>${e(c.at)}: the ${e(c.stage)} window moved from ${e(c.from.opensAt)}–${e(c.from.closesAt)} to ${e(c.to.opensAt)}–${e(c.to.closesAt)}, by ${who(c.by)}: ${text(c.reason)}</li>`)
    .join("\n");

  const inputs = report.inputs
    .map((i) => {
      const action = i.committeeAction;
      const votes = action?.votes.map((v) => `<li>${who(v)}: ${e(v.vote)}${v.reason ? ` — ${text(v.reason)}` : ""}</li>`).join("") ?? "";
      return [
        `<article class="input">`,
        `<h3>${e(i.title)}</h3>`,
        `<p>Submitted by ${who(i.submitter)}.</p>`,
        action ? `<p class="action">Committee action: <strong>${e(action.action)}</strong> (${e(action.actedAt)}). ${text(action.statement)}</p>` : `<p class="action">No committee action.</p>`,
        votes ? `<ul class="votes">${votes}</ul>` : "",
        `</article>`,
      ].join("\n");
    })
    .join("\n");

  const groups = commentsBySection(report);
  const comments = groups
    .map(
      (g) =>
        `<section class="comment-group"><h3>${e(g.heading)}</h3>\n${g.comments
          .map((c) =>
            [
              `<article class="comment" id="comment-${e(c.id)}">`,
              `<p class="meta">${who(c.commenter)}${c.kind ? ` · ${e(c.kind)}` : ""}</p>`,
              c.quotedText ? `<blockquote>${text(c.quotedText)}</blockquote>` : "",
              `<p>${text(c.body)}</p>`,
              c.proposedText ? `<p class="proposed">Proposed: <ins>${text(c.proposedText)}</ins></p>` : "",
              `<p class="disposition">Disposition: <strong>${e(c.disposition ?? "none")}</strong>${c.response ? ` — ${text(c.response)}` : ""}</p>`,
              c.answer ? `<p class="answer">Commenter's answer: ${e(c.answer)}</p>` : "",
              `</article>`,
            ].join("\n"),
          )
          .join("\n")}</section>`,
    )
    .join("\n");

  const ballot = report.ballot
    .map((r) => {
      const result = r.result ? `${r.result.passed ? "passed" : "failed"}${r.result.final ? ", final" : ""}` : r.state;
      const votes = r.votes.map((v) => `<li>${who(v)}: ${e(v.vote)}${v.reason ? ` — ${text(v.reason)}` : ""}${v.response ? ` <em>Response: ${text(v.response)}</em>` : ""}</li>`).join("");
      return `<article class="round"><h3>Round ${r.round} (${e(r.kind)}): ${e(result)}</h3><p>${e(r.opensAt)} to ${e(r.closesAt)}</p><ul class="votes">${votes}</ul></article>`;
    })
    .join("\n");

  const redline = report.redline
    ? `<p>From ${e(report.redline.from)} to ${e(report.redline.to)}.</p>\n${report.redline.diff.sections
        .filter((s) => !s.status.includes("unchanged"))
        .map(sectionRedline)
        .join("\n")}`
    : "<p>No text to compare yet.</p>";

  const toc = [
    ["schedule", "Schedule"],
    ["inputs", "Inputs"],
    ["comments", "Comments"],
    ["ballot", "Ballot"],
    ["redline", "Redline"],
  ];
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header class="cover">
<h1>${e(standard.title)}</h1>
<p class="subtitle">Report of the revision cycle “${e(cycle.title)}”</p>
<p class="facts">Revising ${e(cycle.baseVersion)} · ${e(cycle.state)}${cycle.endedAt ? ` ${e(cycle.endedAt)}` : ""} · ${report.final ? "final report" : "live view: the cycle is active and this report will change"}</p>
${cycle.cancelReason ? `<p class="facts">Cancelled: ${text(cycle.cancelReason)}</p>` : ""}
<p class="digest">Digest <code>${e(report.digest)}</code></p>
</header>
<nav class="toc" aria-label="Contents">
<h2>Contents</h2>
<ol>${toc.map(([id, label]) => `<li><a href="#${id}">${label}</a></li>`).join("")}</ol>
</nav>
<main>
<section id="schedule"><h2>Schedule</h2>
<table><thead><tr><th>stage</th><th>planned opening</th><th>planned close</th><th>opened</th><th>closed</th></tr></thead><tbody>
${stages}
</tbody></table>
${changes ? `<h3>Changes of window</h3><ul>${changes}</ul>` : ""}
</section>
<section id="inputs"><h2>Inputs (${report.inputs.length})</h2>
${inputs || "<p>No inputs.</p>"}
</section>
<section id="comments"><h2>Comments (${report.comments.length})</h2>
${comments || "<p>No comments.</p>"}
</section>
<section id="ballot"><h2>Ballot</h2>
${ballot || "<p>No ballot round yet.</p>"}
</section>
<section id="redline"><h2>Redline</h2>
${redline}
</section>
</main>
<footer><p>The signed JSON of this report is the authoritative record.</p></footer>
</body>
</html>
`;
}

/** The comments grouped by section, sections in the outline order of the redline (else by number), whole-draft comments last. */
function commentsBySection(report: CycleReport): { heading: string; comments: ReportComment[] }[] {
  const order = new Map<string, number>((report.redline?.diff.sections ?? []).map((s, i) => [s.id, i]));
  const groups = new Map<string, { heading: string; rank: number; number: string; comments: ReportComment[] }>();
  for (const c of report.comments) {
    const key = c.section?.id ?? "";
    let group = groups.get(key);
    if (!group) {
      const s = c.section;
      group = {
        heading: s ? `${s.number ?? ""} ${s.title ?? ""}${s.label ? ` (${s.label})` : ""}`.trim() : "The whole draft",
        rank: s ? (order.get(s.id) ?? Number.MAX_SAFE_INTEGER - 1) : Number.MAX_SAFE_INTEGER,
        number: s?.number ?? "",
        comments: [],
      };
      groups.set(key, group);
    }
    group.comments.push(c);
  }
  const byNumber = (a: string, b: string) => a.localeCompare(b, "en", { numeric: true });
  return [...groups.values()].sort((a, b) => a.rank - b.rank || byNumber(a.number, b.number));
}

const STYLE = `
:root { color-scheme: light; }
body { font: 11pt/1.5 Georgia, "Times New Roman", serif; color: #111; max-width: 46rem; margin: 2rem auto; padding: 0 1rem; }
h1, h2, h3 { font-family: "Helvetica Neue", Arial, sans-serif; line-height: 1.25; }
.cover { page-break-after: always; }
.subtitle { font-size: 1.3rem; }
.facts, .digest, .meta { color: #444; font-size: 0.95rem; }
.digest code { font-size: 0.8rem; word-break: break-all; }
table { border-collapse: collapse; font-size: 0.9rem; }
th, td { border: 1px solid #bbb; padding: 0.2rem 0.4rem; text-align: left; }
blockquote { border-left: 3px solid #999; margin: 0.5rem 0; padding-left: 0.8rem; color: #333; }
ins { text-decoration: underline; background: #e6ffec; }
del { text-decoration: line-through; background: #ffebe9; }
.label, .status, .affiliation { color: #666; font-size: 0.85em; }
article { margin: 0.8rem 0; break-inside: avoid; }
@media print { body { margin: 0; max-width: none; } a { color: inherit; text-decoration: none; } }
`;
