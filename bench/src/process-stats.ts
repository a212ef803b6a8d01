import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

let ticksPerSecond: number | null = null;

function clockTicks(): number {
  if (ticksPerSecond === null) {
    try {
      ticksPerSecond = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** User + system CPU time of a process, in ms (from /proc/<pid>/stat); null when it is gone. */
export function cpuMs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name, which may contain spaces, start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return ((utime + stime) * 1000) / clockTicks();
  } catch {
    return null;
  }
}

/** Resident set size of a process in KiB (VmRSS); null when it is gone. */
export function rssKb(pid: number): number | null {
  try {
    const match = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

/** CPU used by this process (all threads) in ms. */
export function selfCpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

/** CPU time all processes on the machine have used (every core), in ms, from /proc/stat. */
export function machineBusyMs(): number {
  try {
    const line = readFileSync("/proc/stat", "utf8").split("\n")[0]!;
    const [, ...values] = line.trim().split(/\s+/);
    const [user, nice, system, , , irq, softirq, steal] = values.map(Number) as number[];
    return ((user! + nice! + system! + irq! + softirq! + steal!) * 1000) / clockTicks();
  } catch {
    return 0;
  }
}

/**
 * A CPU meter over an interval: ms of CPU of the server, of this process (the load
 * generator), and of everything else on the machine (other work competing for the cores).
 */
export class CpuMeter {
  private serverStart: number;
  private selfStart: number;
  private machineStart: number;
  private wallStart: number;

  constructor(private readonly pid: number) {
    this.serverStart = cpuMs(pid) ?? 0;
    this.selfStart = selfCpuMs();
    this.machineStart = machineBusyMs();
    this.wallStart = performance.now();
  }

  read(): { serverCpuMs: number; generatorCpuMs: number; otherCpuMs: number; wallMs: number } {
    const serverCpuMs = (cpuMs(this.pid) ?? this.serverStart) - this.serverStart;
    const generatorCpuMs = selfCpuMs() - this.selfStart;
    const machine = machineBusyMs() - this.machineStart;
    return {
      serverCpuMs,
      generatorCpuMs,
      otherCpuMs: Math.max(0, machine - serverCpuMs - generatorCpuMs),
      wallMs: performance.now() - this.wallStart,
    };
  }
}
