import type { Machine } from "./machine";
import type { Metric, Row, WorkloadId } from "./workloads/common";

export interface TargetInfo {
  id: string;
  label: string;
  kind: "codewright" | "peer";
  durability: string;
}

export interface Ratio {
  workload: WorkloadId;
  size: string;
  metric: string;
  codewright: string;
  peer: string;
  /** Codewright's value divided by the peer's (below 1: Codewright is lower). */
  ratio: number;
}

export interface BenchResult {
  startedAt: string;
  finishedAt: string;
  mode: "full" | "quick";
  command: string;
  machine: Machine;
  targets: TargetInfo[];
  rows: Row[];
  ratios: Ratio[];
  /** Per server: the most editors in one room (and rooms) whose p99 stayed under the target. */
  capacity: Array<{ target: string; hotRoomEditorsAtP99Target: number | null; roomsAtP99Target: number | null }>;
  notes: string[];
  /** Lost updates, failed convergence or failed workloads; empty means the run is clean. */
  failures: string[];
}

/** Lower is better for each of these; the ratio is Codewright ÷ peer. */
export const HEADLINE: Record<WorkloadId, string[]> = {
  "hot-room": ["p99Ms", "cpuUsPerUpdate", "rssMiB"],
  "many-rooms": ["p99Ms", "cpuUsPerUpdate", "rssMiB"],
  idle: ["rssPerConnectionKiB"],
  "cold-load": ["firstSyncedMs", "allSyncedMs"],
  "reconnect-storm": ["allSyncedMs"],
  standards: [],
  flood: [],
};

export function computeRatios(rows: readonly Row[], targets: readonly TargetInfo[]): Ratio[] {
  const ratios: Ratio[] = [];
  const codewright = targets.filter((t) => t.kind === "codewright");
  const peers = targets.filter((t) => t.kind === "peer");
  for (const row of rows) {
    if (!codewright.some((c) => c.id === row.target) || row.error) continue;
    for (const peer of peers) {
      const other = rows.find((r) => r.workload === row.workload && r.size === row.size && r.target === peer.id && !r.error);
      if (!other) continue;
      for (const metric of HEADLINE[row.workload]) {
        const a = row.metrics[metric];
        const b = other.metrics[metric];
        if (typeof a === "number" && typeof b === "number" && a >= 0 && b > 0) {
          ratios.push({ workload: row.workload, size: row.size, metric, codewright: row.target, peer: peer.id, ratio: Math.round((a / b) * 100) / 100 });
        }
      }
    }
  }
  return ratios;
}

const TITLES: Record<WorkloadId, string> = {
  "hot-room": "Hot room: N editors in one room, 5 characters/s each, awareness 1/s",
  "many-rooms": "Many rooms: R rooms × (3 editors + 2 readers), 5 characters/s per editor, awareness 1/s",
  idle: "Idle connections",
  "cold-load": "Cold load: a section with a long editing history, then concurrent joins",
  "reconnect-storm": "Reconnect storm: every socket dropped at once, every client reconnects",
  standards: "Standards work over HTTP (Codewright only)",
  flood: "Flood: one connection floods its own room (reconnecting when closed) while N editors type in another (Codewright only)",
};

const COLUMNS: Record<WorkloadId, Array<[string, string]>> = {
  "hot-room": [
    ["p50Ms", "p50 ms"],
    ["p99Ms", "p99 ms"],
    ["p999Ms", "p99.9 ms"],
    ["lostUpdates", "lost"],
    ["converged", "converged"],
    ["updatesPerSec", "updates/s in"],
    ["framesOutPerSec", "frames/s out"],
    ["cpuUsPerUpdate", "server CPU µs/update"],
    ["serverCpuPct", "server CPU %"],
    ["rssMiB", "RSS MiB"],
    ["generatorCpuPct", "generator CPU %"],
    ["otherCpuPct", "other processes CPU %"],
  ],
  "many-rooms": [
    ["p50Ms", "p50 ms"],
    ["p99Ms", "p99 ms"],
    ["p999Ms", "p99.9 ms"],
    ["lostUpdates", "lost"],
    ["converged", "converged"],
    ["updatesPerSec", "updates/s in"],
    ["cpuUsPerUpdate", "server CPU µs/update"],
    ["serverCpuPct", "server CPU %"],
    ["rssMiB", "RSS MiB"],
    ["generatorCpuPct", "generator CPU %"],
    ["otherCpuPct", "other processes CPU %"],
  ],
  idle: [
    ["rssPerConnectionKiB", "RSS KiB/connection (second half)"],
    ["rssPerConnectionOverallKiB", "RSS KiB/connection (all)"],
    ["rssMiB", "RSS MiB"],
    ["connectSeconds", "connect s"],
    ["failures", "failures"],
  ],
  "cold-load": [
    ["historyBytes", "history bytes"],
    ["firstFrameBytes", "bytes to first client"],
    ["firstSyncedMs", "first synced ms"],
    ["allSyncedMs", "all synced ms"],
    ["converged", "converged"],
    ["rssAfterMiB", "RSS MiB"],
  ],
  "reconnect-storm": [
    ["allSyncedMs", "all synced ms"],
    ["p50SyncedMs", "median synced ms"],
    ["errors", "errors"],
    ["lostUpdates", "lost"],
    ["converged", "converged"],
  ],
  flood: [
    ["baselineP50Ms", "p50 ms without"],
    ["baselineP99Ms", "p99 ms without"],
    ["floodP50Ms", "p50 ms during"],
    ["floodP99Ms", "p99 ms during"],
    ["p99Ratio", "p99 during ÷ without (goal ≤ 2)"],
    ["healthP50Ms", "health p50 ms"],
    ["healthP99Ms", "health p99 ms"],
    ["healthMaxMs", "health max ms (goal < 100)"],
    ["healthRequests", "health requests"],
    ["quietHealthP99Ms", "health p99 ms without"],
    ["floodFramesSent", "flood frames sent"],
    ["floodConnections", "flood connections"],
    ["floodClosedTooMany", "closed 4429"],
    ["lostUpdates", "lost"],
    ["converged", "converged"],
    ["serverCpuPct", "server CPU %"],
    ["generatorCpuPct", "generator CPU %"],
    ["otherCpuPct", "other processes CPU %"],
  ],
  standards: [
    ["importMs", "import ms"],
    ["publishMs", "publish ms"],
    ["diffMs", "diff ms (median of 5)"],
    ["readRequestsPerSec", "reads req/s"],
    ["readP99Ms", "read p99 ms"],
    ["outlineP99Ms", "outline p99 ms"],
    ["sectionP99Ms", "section p99 ms"],
    ["readErrors", "read errors"],
  ],
};

function cell(value: Metric | undefined): string {
  if (value === undefined || value === null) return "–";
  if (typeof value === "boolean") return value ? "yes" : "**NO**";
  return String(value);
}

export function renderMarkdown(result: BenchResult): string {
  const m = result.machine;
  const label = new Map(result.targets.map((t) => [t.id, t.label]));
  const codewright = result.targets.filter((t) => t.kind === "codewright");
  const out: string[] = [];
  out.push(`# Benchmark results (${result.mode})`, "");
  out.push(
    `Machine: ${m.nproc} cores (${m.cpuModel}), ${m.memoryGiB} GiB, Node ${m.node}; ` +
      `load generator and server ${m.pinned ? "pinned to different cores with taskset" : "not pinned"}; ` +
      `load average at start ${m.loadAverageAtStart.join(" / ")}. Run ${result.startedAt} – ${result.finishedAt}.`,
    "",
    `Reproduce: \`${result.command}\``,
    "",
  );
  out.push("## Servers and durability", "", "| server | what a broadcast update has survived |", "| --- | --- |");
  for (const t of result.targets) out.push(`| ${t.label} | ${t.durability} |`);
  out.push("");

  const workloads = [...new Set(result.rows.map((r) => r.workload))];
  for (const workload of workloads) {
    const rows = result.rows.filter((r) => r.workload === workload);
    const columns = COLUMNS[workload];
    const headline = HEADLINE[workload][0];
    const ratioHeads = headline ? codewright.map((c) => `${c.label} ÷ this (${headline})`) : [];
    out.push(`## ${TITLES[workload]}`, "");
    out.push(`| size | server | ${columns.map((c) => c[1]).join(" | ")}${ratioHeads.map((h) => ` | ${h}`).join("")} |`);
    out.push(`| --- | --- | ${columns.map(() => "---").join(" | ")}${ratioHeads.map(() => " | ---").join("")} |`);
    for (const row of rows) {
      const values = row.error ? columns.map((_, i) => (i === 0 ? `error: ${(row.error ?? "").replace(/\|/g, "/").slice(0, 160)}` : "")) : columns.map((c) => cell(row.metrics[c[0]]));
      const ratioCells = headline
        ? codewright.map((c) => {
            if (c.id === row.target) return "";
            const r = result.ratios.find((x) => x.workload === workload && x.size === row.size && x.metric === headline && x.codewright === c.id && x.peer === row.target);
            return r ? String(r.ratio) : "–";
          })
        : [];
      out.push(`| ${row.size} | ${label.get(row.target) ?? row.target} | ${values.join(" | ")}${ratioCells.map((v) => ` | ${v}`).join("")} |`);
    }
    const notes = rows.flatMap((r) => (r.notes ?? []).map((n) => `${label.get(r.target) ?? r.target}, ${r.size}: ${n}`));
    if (notes.length) out.push("", ...notes.map((n) => `- ${n}`));
    out.push("");
  }

  if (result.capacity.length) {
    out.push("## Capacity at p99 under 50 ms", "", "| server | editors in one room | rooms (3 editors + 2 readers) |", "| --- | --- | --- |");
    for (const c of result.capacity) out.push(`| ${label.get(c.target) ?? c.target} | ${cell(c.hotRoomEditorsAtP99Target)} | ${cell(c.roomsAtP99Target)} |`);
    out.push("");
  }
  if (result.notes.length) out.push("## Notes", "", ...result.notes.map((n) => `- ${n}`), "");
  out.push(result.failures.length ? `## Failures\n\n${result.failures.map((f) => `- ${f}`).join("\n")}\n` : "No lost updates; every checked room converged.\n");
  return out.join("\n");
}
