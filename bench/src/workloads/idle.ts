import { SyncClient } from "../protocol/client";
import { rssKb } from "../process-stats";
import type { Target } from "../servers/target";
import { round, sleep } from "../stats";
import { connectAll, withClients, type Metric, type RunContext } from "./common";

/** The median of a few RSS readings `everyMs` apart, so that one transient reading does not count. */
async function steadyRssKb(pid: number, samples = 5, everyMs = 200): Promise<number> {
  const readings: number[] = [];
  for (let i = 0; i < samples; i++) {
    readings.push(rssKb(pid) ?? 0);
    if (i < samples - 1) await sleep(everyMs);
  }
  return readings.sort((a, b) => a - b)[Math.floor(samples / 2)]!;
}

/**
 * Idle connections: one client per room first (so the rooms are loaded), then the rest in
 * two halves. The cost of a connection is the RSS growth over the second half divided by
 * its size: by then the process's own start-up memory has settled (an embedded database or
 * a garbage collector giving memory back would otherwise show as a negative cost).
 */
export async function runIdle(target: Target, connections: number, roomCount: number, settleMs: number, ctx: RunContext): Promise<Record<string, Metric>> {
  const rooms = await target.rooms(roomCount, "idle");
  const clients = Array.from({ length: connections }, (_, i) => {
    const room = rooms[i % rooms.length]!;
    return new SyncClient({ url: target.url(room), framing: target.framing(room) });
  });
  const first = clients.slice(0, rooms.length);
  const rest = clients.slice(rooms.length);
  const firstHalf = rest.slice(0, Math.floor(rest.length / 2));
  const secondHalf = rest.slice(firstHalf.length);
  return withClients(clients, async () => {
    const roomsJoined = await connectAll(first, 50);
    await sleep(settleMs);
    const before = await steadyRssKb(target.pid);
    const t0 = performance.now();
    const halfJoined = await connectAll(firstHalf, 200);
    await sleep(settleMs);
    const middle = await steadyRssKb(target.pid);
    const restJoined = await connectAll(secondHalf, 200);
    const connectMs = performance.now() - t0;
    await sleep(settleMs);
    const after = await steadyRssKb(target.pid);
    const failures = roomsJoined.failures + halfJoined.failures + restJoined.failures;
    const joinedSecond = secondHalf.length - restJoined.failures;
    const perConnection = joinedSecond > 0 ? (after - middle) / joinedSecond : null;
    const overall = rest.length - halfJoined.failures - restJoined.failures;
    ctx.log(`  ${target.id} ${connections} idle: ${perConnection === null ? "-" : round(perConnection, 1)} KiB/connection, ${failures} failed`);
    if (failures > 0) throw new Error(`${failures} of ${connections} idle clients could not join: ${roomsJoined.firstError ?? halfJoined.firstError ?? restJoined.firstError}`);
    return {
      connections,
      rooms: rooms.length,
      rssPerConnectionKiB: perConnection === null ? null : round(perConnection, 2),
      rssPerConnectionOverallKiB: overall > 0 ? round((after - before) / overall, 2) : null,
      rssMiB: round(after / 1024, 1),
      rssBeforeMiB: round(before / 1024, 1),
      connectSeconds: round(connectMs / 1000, 2),
      failures,
    };
  });
}
