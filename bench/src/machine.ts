import { execFileSync } from "node:child_process";
import { cpus, freemem, loadavg, totalmem } from "node:os";

export interface Machine {
  nproc: number;
  cpuModel: string;
  node: string;
  memoryGiB: number;
  /** Whether the load generator and the server were pinned to different cores. */
  pinned: boolean;
  loadAverageAtStart: number[];
}

function hasTaskset(): boolean {
  try {
    execFileSync("taskset", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

const TASKSET = hasTaskset();
const NPROC = cpus().length;

/** The core the load generator runs on, and the one each server runs on. */
export const GENERATOR_CORE = 0;
export const SERVER_CORE = 1;

/** Whether pinning applies here: taskset exists and there are at least two cores. */
export const canPin = TASKSET && NPROC >= 2;

/** Pins every thread of this process to the generator's core; false when it cannot. */
export function pinSelf(): boolean {
  if (!canPin) return false;
  try {
    execFileSync("taskset", ["-a", "-p", "-c", String(GENERATOR_CORE), String(process.pid)], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** The command line that runs `command` on the server's core (unchanged when pinning is off). */
export function onServerCore(command: string, args: string[], pin: boolean): [string, string[]] {
  return pin && canPin ? ["taskset", ["-c", String(SERVER_CORE), command, ...args]] : [command, args];
}

export function describeMachine(pinned: boolean): Machine {
  return {
    nproc: NPROC,
    cpuModel: cpus()[0]?.model.trim() ?? "unknown",
    node: process.version,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    pinned,
    loadAverageAtStart: loadavg().map((n) => Math.round(n * 100) / 100),
  };
}

export const freeMemoryGiB = () => Math.round((freemem() / 2 ** 30) * 10) / 10;
