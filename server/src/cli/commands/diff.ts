import { parseArgs } from "node:util";
import { diffReleases, type DiffOp, type DiffableRelease, type ReleaseDiff, type SectionDiff } from "@codewright/shared";
import { readJsonFile } from "../files";
import { paint, say, wantsColour, type Paint } from "../terminal";

export const DIFF_USAGE = `usage: codewright diff <from.json> <to.json> [--json] [--all] [--no-color]

Compares two releases (or any two documents of the release format) section by section.
  --json       print the diff engine's output as JSON
  --all        list unchanged sections too
  --no-color   no colours (also: NO_COLOR set, or output not a terminal)`;

/** `codewright diff a.json b.json`: a coloured terminal diff, or the engine's JSON with `--json`. */
export async function diffCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    options: { json: { type: "boolean" }, all: { type: "boolean" }, "no-color": { type: "boolean" } },
    allowPositionals: true,
  });
  if (positionals.length !== 2) throw new Error(`diff needs two files.\n${DIFF_USAGE}`);
  const [from, to] = await Promise.all(positionals.map(readDiffable));
  let diff: ReleaseDiff;
  try {
    diff = diffReleases(from!, to!);
  } catch (error) {
    throw new Error(`cannot compare these files: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (values.json) {
    say(JSON.stringify(diff, null, 2));
    return;
  }
  for (const line of renderDiff(diff, paint(wantsColour(process.env, values["no-color"])), values.all === true)) say(line);
}

async function readDiffable(path: string): Promise<DiffableRelease> {
  const value = (await readJsonFile(path)) as { sections?: unknown; version?: unknown };
  if (value === null || typeof value !== "object" || !Array.isArray(value.sections)) {
    throw new Error(`${path}: not a release: it has no "sections" list.`);
  }
  return { version: typeof value.version === "string" ? value.version : path, sections: value.sections as DiffableRelease["sections"] };
}

const MARK = { added: "+", removed: "-" } as const;

/**
 * The diff as terminal lines: a summary, then each changed section with what happened to it
 * and, for a modified one, each changed block with its words marked. Without colour,
 * insertions read `{+…+}` and deletions `[-…-]`.
 */
export function renderDiff(diff: ReleaseDiff, p: Paint, all = false): string[] {
  const lines = [p.bold(`diff ${diff.from} → ${diff.to}`)];
  const counts = Object.entries(diff.summary)
    .filter(([status, n]) => n > 0 || status !== "unchanged")
    .map(([status, n]) => `${n} ${status}`);
  lines.push(p.dim(counts.join(" · ")), "");
  for (const section of diff.sections) {
    if (!all && section.status[0] === "unchanged") continue;
    lines.push(heading(section, p));
    lines.push(...blocks(section.changes, p));
  }
  if (diff.sections.every((s) => s.status[0] === "unchanged")) lines.push("no changes");
  return lines;
}

function heading(section: SectionDiff, p: Paint): string {
  const { before, after, status } = section;
  const side = (after ?? before)!;
  const number = before && after && before.number !== after.number ? `${before.number} → ${after.number}` : side.number;
  const title = before && after && before.title !== after.title ? `${p.removed(before.title)} → ${p.added(after.title)}` : side.title;
  const label = before && after && before.label !== after.label ? `[${before.label} → ${after.label}]` : `[${side.label}]`;
  const kind = status[0] as keyof typeof MARK | string;
  const mark = kind === "added" ? p.added(MARK.added) : kind === "removed" ? p.removed(MARK.removed) : kind === "unchanged" ? " " : p.changed("~");
  return `${mark} ${p.bold(number)} ${title} ${p.dim(label)}  ${p.dim(status.join(", "))}`;
}

// Only blocks with a change are shown; a whole added or removed section shows all of its text.
function blocks(changes: readonly DiffOp[], p: Paint): string[] {
  const out: string[] = [];
  for (let k = 0; k < changes.length; ) {
    const block = changes[k]!.block;
    let end = k;
    while (end < changes.length && changes[end]!.block === block) end++;
    const ops = changes.slice(k, end);
    k = end;
    if (ops.every((o) => o.op === "equal")) continue;
    const prefix = ops[0]!.kind === "list_item" ? "• " : ops[0]!.kind === "note" ? "Note: " : ops[0]!.kind === "quote" ? "> " : "";
    // Without colour, markers tell insertions from deletions.
    const text = ops
      .map((o) => (o.op === "equal" ? o.text : o.op === "insert" ? p.added(p.colour ? o.text : `{+${o.text}+}`) : p.removed(p.colour ? o.text : `[-${o.text}-]`)))
      .join("");
    out.push(...`${prefix}${text}`.split("\n").map((line) => `    ${line}`));
  }
  if (out.length > 0) out.push("");
  return out;
}
