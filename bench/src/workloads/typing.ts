import { SyncClient } from "../protocol/client";
import { Keyboard } from "../protocol/keyboard";
import { Ledger } from "../protocol/ledger";
import { Typist, newClientId } from "../protocol/typist";
import { CpuMeter, rssKb } from "../process-stats";
import type { Target } from "../servers/target";
import { mapPool, round, sleep, summarize } from "../stats";
import { checkRoom, connectAll, drain, withClients, type Metric, type RoomUnderLoad, type RunContext } from "./common";

export interface TypingShape {
  rooms: number;
  editorsPerRoom: number;
  /** Readers that only count frames. */
  readersPerRoom: number;
  /** Readers that apply every update and measure latency, in the first `probeRooms` rooms. */
  probesPerRoom: number;
  probeRooms: number;
  charsPerSecond: number;
  awarenessPerSecond: number;
  warmupMs: number;
  measureMs: number;
  /** Rooms to use (the first `rooms` of them) instead of fresh ones. */
  roomPool?: readonly string[];
}

/**
 * Editors type into rooms at a steady rate while probes measure how long each keystroke
 * takes to reach them. Afterwards a fresh client checks every room: no update lost, and
 * every probe holds the same state.
 */
export async function runTyping(target: Target, shape: TypingShape, ctx: RunContext): Promise<Record<string, Metric>> {
  const ledger = new Ledger();
  const names = shape.roomPool ? shape.roomPool.slice(0, shape.rooms) : await target.rooms(shape.rooms, shape.rooms === 1 ? "hot" : "rooms");
  const rooms: RoomUnderLoad[] = [];
  const typingClients: SyncClient[] = [];
  const readers: SyncClient[] = [];
  const all: SyncClient[] = [];
  names.forEach((room, r) => {
    const url = target.url(room);
    const framing = target.framing(room);
    const probes = r < shape.probeRooms ? Array.from({ length: shape.probesPerRoom }, () => new SyncClient({ url, framing, probe: ledger })) : [];
    const plain = Array.from({ length: shape.readersPerRoom - (r < shape.probeRooms ? shape.probesPerRoom : 0) }, () => new SyncClient({ url, framing }));
    const typists = Array.from({ length: shape.editorsPerRoom }, () => new Typist(newClientId(), ledger));
    const editors = typists.map((typist) => new SyncClient({ url, framing, typist }));
    rooms.push({ room, typists, probes });
    typingClients.push(...editors);
    readers.push(...probes, ...plain);
    all.push(...probes, ...plain, ...editors);
  });

  return withClients(all, async () => {
    // Readers first, so that probes see every keystroke from the first one.
    const readersJoined = await connectAll(readers, 100);
    const editorsJoined = await connectAll(typingClients, 100);
    const connectFailures = readersJoined.failures + editorsJoined.failures;
    if (connectFailures > 0) {
      throw new Error(`${connectFailures} of ${all.length} clients could not join: ${readersJoined.firstError ?? editorsJoined.firstError}`);
    }
    const keyboard = new Keyboard(typingClients, { charsPerSecond: shape.charsPerSecond, awarenessPerSecond: shape.awarenessPerSecond });
    keyboard.start();
    await sleep(shape.warmupMs);
    const framesBefore = sumOf(all, (c) => c.framesIn);
    const bytesBefore = sumOf(all, (c) => c.bytesIn);
    ledger.openWindow(performance.now());
    const meter = new CpuMeter(target.pid);
    await sleep(shape.measureMs);
    ledger.closeWindow(performance.now());
    const cpu = meter.read();
    const rss = rssKb(target.pid);
    const framesIn = sumOf(all, (c) => c.framesIn) - framesBefore;
    const bytesIn = sumOf(all, (c) => c.bytesIn) - bytesBefore;
    keyboard.stop();
    const drained = await drain(rooms, 15_000);
    const latency = summarize(ledger.samples);
    const checks = await mapPool(rooms, 32, (room) => checkRoom(target, ledger, room));
    const lost = checks.reduce((n, c) => n + Math.max(0, c.lost), 0);
    const unchecked = checks.filter((c) => c.error !== null);
    const converged = checks.every((c) => c.converged);
    const closedByServer = all.filter((c) => c.failure !== null).length;
    const seconds = cpu.wallMs / 1000;
    ctx.log(
      `  ${target.id} ${describe(shape)}: p50 ${latency.p50} ms, p99 ${latency.p99} ms, lost ${lost}, converged ${converged}, ` +
        `${round(ledger.sentInWindow / seconds, 0)} updates/s, ${round((cpu.serverCpuMs * 1000) / Math.max(1, ledger.sentInWindow), 1)} µs/update`,
    );
    return {
      rooms: shape.rooms,
      editors: shape.rooms * shape.editorsPerRoom,
      connections: all.length,
      p50Ms: latency.p50,
      p99Ms: latency.p99,
      p999Ms: latency.p999,
      maxMs: latency.max,
      samples: latency.count,
      lostUpdates: lost,
      converged,
      drained,
      roomsNotChecked: unchecked.length,
      closedByServer,
      updatesPerSec: round(ledger.sentInWindow / seconds, 1),
      cpuUsPerUpdate: ledger.sentInWindow > 0 ? round((cpu.serverCpuMs * 1000) / ledger.sentInWindow, 1) : null,
      serverCpuPct: round((cpu.serverCpuMs / cpu.wallMs) * 100, 1),
      rssMiB: rss === null ? null : round(rss / 1024, 1),
      framesOutPerSec: round(framesIn / seconds, 0),
      kibOutPerSec: round(bytesIn / 1024 / seconds, 1),
      generatorCpuPct: round((cpu.generatorCpuMs / cpu.wallMs) * 100, 1),
      otherCpuPct: round((cpu.otherCpuMs / cpu.wallMs) * 100, 1),
      skippedTypingSlots: keyboard.skippedSlots,
    };
  });
}

function describe(shape: TypingShape): string {
  return shape.rooms === 1 ? `${shape.editorsPerRoom} editors` : `${shape.rooms} rooms`;
}

function sumOf<T>(items: readonly T[], value: (item: T) => number): number {
  let total = 0;
  for (const item of items) total += value(item);
  return total;
}
