import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describeMachine, pinSelf } from "./machine";
import { FULL_PLAN, QUICK_PLAN, TARGETS, type Plan } from "./plan";
import { computeRatios, renderMarkdown, type BenchResult, type TargetInfo } from "./report";
import { CodewrightTarget, postgresReachable } from "./servers/codewright";
import { PEERS, PeerTarget } from "./servers/peers";
import { setServerNodeArgs } from "./servers/process";
import type { Target } from "./servers/target";
import type { Metric, Row, RunContext, WorkloadId } from "./workloads/common";
import { runColdLoad } from "./workloads/cold-load";
import { runFlood } from "./workloads/flood";
import { runIdle } from "./workloads/idle";
import { runReconnectStorm } from "./workloads/reconnect-storm";
import { runStandards } from "./workloads/standards";
import { runTyping } from "./workloads/typing";

const BENCH_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const REPO_ROOT = resolve(BENCH_DIR, "..");
const ALL_WORKLOADS: WorkloadId[] = ["hot-room", "many-rooms", "idle", "cold-load", "reconnect-storm", "standards", "flood"];
/** Workloads that need Codewright's HTTP API. */
const CODEWRIGHT_ONLY: WorkloadId[] = ["standards", "flood"];
const QUICK_TARGETS = ["codewright-pglite", "y-websocket-server-0.1.1"];
const ALL_TARGETS = ["codewright-pglite", "codewright-postgres", ...Object.keys(PEERS)];
/** Known but not run unless named with --servers. */
const OPTIONAL_TARGETS = ["codewright-pglite-flush5"];
const DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/test";

export interface BenchOptions {
  quick: boolean;
  /** Server ids to run (default: all, or Codewright on PGlite and the y-websocket server when quick). */
  targets?: string[];
  workloads?: WorkloadId[];
  /** Pin the generator and each server to different cores (default true). */
  pin?: boolean;
  /** Replaces the sizes of the hot-room and many-rooms ramps. */
  sizes?: number[];
  /** Write a V8 CPU profile of every server process into this directory. */
  profileDir?: string;
  /** Where latest.md / latest.json go; default bench/results (quick: bench/results/tmp). */
  outDir?: string;
  log?: (line: string) => void;
}

/**
 * Runs every chosen workload against every chosen server, one server process at a time,
 * and writes the Markdown and JSON results. Never throws for a failed workload: failures
 * are rows with an error and entries in `failures`.
 */
export async function runBench(options: BenchOptions): Promise<BenchResult> {
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const ctx: RunContext = { quick: options.quick, log };
  const basePlan = options.quick ? QUICK_PLAN : FULL_PLAN;
  const plan: Plan = options.sizes?.length ? { ...basePlan, hotRoomEditors: options.sizes, manyRooms: options.sizes } : basePlan;
  const pinned = options.pin === false ? false : pinSelf();
  const machine = describeMachine(pinned);
  const startedAt = new Date().toISOString();
  setServerNodeArgs(options.profileDir ? ["--cpu-prof", `--cpu-prof-dir=${resolve(options.profileDir)}`] : []);
  const notes: string[] = [];
  const failures: string[] = [];
  const rows: Row[] = [];
  const workloads = (options.workloads ?? ALL_WORKLOADS).filter((w) => {
    if (w === "many-rooms") return plan.manyRooms.length > 0;
    if (w === "reconnect-storm") return plan.storm !== null;
    if (w === "standards") return plan.standards !== null;
    return true;
  });
  const ids = options.targets ?? (options.quick ? QUICK_TARGETS : ALL_TARGETS);
  const targets: Target[] = [];
  for (const id of ids) {
    if (id === "codewright-pglite") targets.push(new CodewrightTarget({ repo: REPO_ROOT, database: "pglite", pin: pinned }));
    else if (id === "codewright-pglite-flush5") targets.push(new CodewrightTarget({ repo: REPO_ROOT, database: "pglite", pin: pinned, flushDelayMs: 5 }));
    else if (id === "codewright-postgres") {
      const url = process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL || DEFAULT_DATABASE_URL;
      if (await postgresReachable(url)) targets.push(new CodewrightTarget({ repo: REPO_ROOT, database: "postgres", adminDatabaseUrl: url, pin: pinned }));
      else notes.push("Codewright on PostgreSQL skipped: no PostgreSQL answered (set BENCH_DATABASE_URL).");
    } else if (PEERS[id]) targets.push(new PeerTarget(PEERS[id], pinned));
    else throw new RangeError(`unknown server "${id}"; known: ${[...ALL_TARGETS, ...OPTIONAL_TARGETS].join(", ")}`);
  }
  log(`benchmark (${options.quick ? "quick" : "full"}): ${targets.map((t) => t.id).join(", ")} × ${workloads.join(", ")}`);
  const cacheDir = join(BENCH_DIR, ".cache");

  // Workload by workload, every server in turn, so that the figures compared with each other
  // are taken close together in time. A full run gives each workload a fresh server process,
  // so memory figures do not carry over; a quick run keeps one process per server.
  const running = new Set<Target>();
  const stop = async (target: Target) => {
    running.delete(target);
    await target.stop().catch((err: unknown) => log(`  stopping ${target.id} failed: ${(err as Error).message}`));
  };
  const order: Array<[WorkloadId, Target]> = options.quick
    ? targets.flatMap((t) => workloads.map((w): [WorkloadId, Target] => [w, t]))
    : workloads.flatMap((w) => targets.map((t): [WorkloadId, Target] => [w, t]));
  for (const [workload, target] of order) {
    if (CODEWRIGHT_ONLY.includes(workload) && target.kind !== "codewright") continue;
    log(`${target.id}: ${workload}`);
    if (!running.has(target)) {
      try {
        await target.start();
        running.add(target);
      } catch (err) {
        rows.push({ workload, target: target.id, size: "-", metrics: {}, error: `${target.id} did not start: ${(err as Error).message.split("\n")[0]}` });
        await target.stop().catch(() => {});
        continue;
      }
    }
    try {
      await runWorkload(workload, target, plan, rows, ctx, cacheDir);
    } finally {
      const last = order.filter(([, t]) => t === target).pop()?.[0] === workload;
      if (!options.quick || last) await stop(target);
    }
  }
  for (const target of running) await stop(target);

  for (const row of rows) {
    const where = `${row.workload} ${row.size} on ${row.target}`;
    if (row.error) failures.push(`${where}: ${row.error}`);
    if (typeof row.metrics.lostUpdates === "number" && row.metrics.lostUpdates > 0) failures.push(`${where}: ${row.metrics.lostUpdates} lost updates`);
    if (row.metrics.converged === false) failures.push(`${where}: clients did not converge`);
    if (typeof row.metrics.healthErrors === "number" && row.metrics.healthErrors > 0) failures.push(`${where}: ${row.metrics.healthErrors} health checks failed`);
  }
  notes.push(
    "Latency is from a typist's send to a probe's applied update, both in the one load-generator process; most simulated clients only read frames, two probes per measured room apply every update.",
    "Server CPU µs/update is the server process's user+system time over the measured window divided by the updates the typists sent in it (awareness handling included in the time, not in the count). Codewright on PostgreSQL does part of its work in the database server, which is not counted there (it shows in other processes CPU %).",
    "Peers run with their defaults (Yjs gc on); Codewright keeps deleted content in draft rooms (gc off) so that past versions can be rebuilt.",
    "Hocuspocus peers store into memory through onStoreDocument (debounced, as their database extensions are), so a document unloaded after its last client leaves can be loaded again; the y-websocket server keeps every document in memory.",
    `Targets from the issue: hot-room p99 under ${TARGETS.hotRoomP99Ms} ms at ${TARGETS.hotRoomEditorsAtTarget} editors; idle under ${TARGETS.idleKiBPerConnection} KiB/connection; cold load first sync under ${TARGETS.coldFirstSyncMs} ms; publish under ${TARGETS.publishMs} ms; diff under ${TARGETS.diffMs} ms.`,
    "A generator CPU near 100 % means the load generator, not the server, limited that step. \"Other processes CPU %\" is what everything else on the machine used during the window (out of 100 % per core): when it is high, the cores were shared and the figures are pessimistic.",
  );

  const infos: TargetInfo[] = targets.map((t) => ({ id: t.id, label: t.label, kind: t.kind, durability: t.durability }));
  const result: BenchResult = {
    startedAt,
    finishedAt: new Date().toISOString(),
    mode: options.quick ? "quick" : "full",
    command: options.quick ? "pnpm bench --quick" : "pnpm bench",
    machine,
    targets: infos,
    rows,
    ratios: computeRatios(rows, infos),
    capacity: targets.map((t) => ({
      target: t.id,
      hotRoomEditorsAtP99Target: capacity(rows, t.id, "hot-room", "editors"),
      roomsAtP99Target: capacity(rows, t.id, "many-rooms", "rooms"),
    })),
    notes,
    failures,
  };
  const outDir = options.outDir ?? join(BENCH_DIR, "results", options.quick ? "tmp" : "");
  const name = options.quick ? "quick" : "latest";
  await mkdir(outDir, { recursive: true });
  await writeFile(join(outDir, `${name}.json`), `${JSON.stringify(result, null, 2)}\n`);
  await writeFile(join(outDir, `${name}.md`), renderMarkdown(result));
  log(`results: ${join(outDir, `${name}.md`)}`);
  return result;
}

/** The largest size of a ramp whose p99 stayed under the target, with nothing lost. */
function capacity(rows: readonly Row[], target: string, workload: WorkloadId, key: string): number | null {
  let best: number | null = null;
  for (const row of rows) {
    if (row.target !== target || row.workload !== workload || row.error) continue;
    const p99 = row.metrics.p99Ms;
    if (typeof p99 === "number" && p99 < TARGETS.hotRoomP99Ms && row.metrics.lostUpdates === 0 && row.metrics.converged === true) {
      const size = row.metrics[key];
      if (typeof size === "number" && (best === null || size > best)) best = size;
    }
  }
  return best;
}

async function runWorkload(workload: WorkloadId, target: Target, plan: Plan, rows: Row[], ctx: RunContext, cacheDir: string): Promise<void> {
  const record = async (size: string, body: () => Promise<Record<string, Metric> | { metrics: Record<string, Metric>; notes: string[] }>) => {
    try {
      const out = await body();
      const row: Row = "metrics" in out && typeof out.metrics === "object" && !Array.isArray(out.metrics) && "notes" in out
        ? { workload, target: target.id, size, metrics: out.metrics as Record<string, Metric>, notes: out.notes as string[] }
        : { workload, target: target.id, size, metrics: out as Record<string, Metric> };
      rows.push(row);
      return row;
    } catch (err) {
      const message = (err as Error).message.split("\n")[0]!;
      ctx.log(`  ${target.id} ${workload} ${size}: ${message}`);
      const row: Row = { workload, target: target.id, size, metrics: {}, error: message };
      rows.push(row);
      return row;
    }
  };
  const ramp = async (sizes: number[], unit: string, shape: (n: number) => Parameters<typeof runTyping>[1]) => {
    let saturatedAt: number | null = null;
    for (const n of sizes) {
      const size = `${n} ${unit}`;
      if (saturatedAt !== null) {
        rows.push({ workload, target: target.id, size, metrics: {}, notes: [`skipped: saturated at ${saturatedAt} ${unit}`] });
        continue;
      }
      const row = await record(size, () => runTyping(target, shape(n), ctx));
      const p50 = row.metrics.p50Ms;
      if (row.error || (typeof p50 === "number" && p50 > plan.saturatedP50Ms) || row.metrics.converged === false) saturatedAt = n;
    }
  };
  const typing = { charsPerSecond: 5, awarenessPerSecond: 1, warmupMs: plan.warmupMs, measureMs: plan.measureMs };
  switch (workload) {
    case "hot-room":
      await ramp(plan.hotRoomEditors, "editors", (n) => ({
        rooms: 1,
        editorsPerRoom: n,
        readersPerRoom: plan.probesPerHotRoom,
        probesPerRoom: plan.probesPerHotRoom,
        probeRooms: 1,
        ...typing,
      }));
      break;
    case "many-rooms":
    {
      // Rooms are made once for the whole ramp (a Codewright section takes a while to create).
      let roomPool: string[];
      try {
        roomPool = await target.rooms(Math.max(...plan.manyRooms), "rooms");
      } catch (err) {
        await record(`${plan.manyRooms[0]} rooms`, () => Promise.reject(err));
        break;
      }
      await ramp(plan.manyRooms, "rooms", (n) => ({ rooms: n, editorsPerRoom: 3, readersPerRoom: 2, probesPerRoom: 2, probeRooms: plan.probeRooms, roomPool, ...typing }));
    }
      break;
    case "idle":
      await record(`${plan.idle.connections} connections`, () => runIdle(target, plan.idle.connections, plan.idle.rooms, plan.idle.settleMs, ctx));
      break;
    case "cold-load":
      await record(`${plan.coldLoad.ops} ops, ${plan.coldLoad.joins} joins`, () => runColdLoad(target, plan.coldLoad.ops, plan.coldLoad.joins, cacheDir, ctx));
      break;
    case "reconnect-storm":
      await record(`${plan.storm!.clients} clients / ${plan.storm!.rooms} rooms`, () => runReconnectStorm(target, plan.storm!.clients, plan.storm!.rooms, ctx));
      break;
    case "standards":
      await record(`${plan.standards!.sections} sections`, () => runStandards(target as CodewrightTarget, plan.standards!, ctx));
      break;
    case "flood":
      await record(`${plan.flood.editors} editors`, () => runFlood(target, (target as CodewrightTarget).baseUrl, plan.flood, ctx));
      break;
  }
}
