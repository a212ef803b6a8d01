import { SyncClient } from "../protocol/client";
import { rssKb } from "../process-stats";
import type { Target } from "../servers/target";
import { round, sleep } from "../stats";
import { connectAll, withClients, type Metric, type RunContext } from "./common";

/**
 * Idle connections: one client per room first (so the rooms are loaded), then the rest.
 * The server's RSS growth over the rest, divided by their number, is the cost of a connection.
 */
export async function runIdle(target: Target, connections: number, roomCount: number, settleMs: number, ctx: RunContext): Promise<Record<string, Metric>> {
  const rooms = await target.rooms(roomCount, "idle");
  const clients = Array.from({ length: connections }, (_, i) => {
    const room = rooms[i % rooms.length]!;
    return new SyncClient({ url: target.url(room), framing: target.framing(room) });
  });
  const first = clients.slice(0, rooms.length);
  const rest = clients.slice(rooms.length);
  return withClients(clients, async () => {
    const firstJoined = await connectAll(first, 50);
    await sleep(settleMs);
    const before = rssKb(target.pid) ?? 0;
    const t0 = performance.now();
    const joined = await connectAll(rest, 200);
    const connectMs = performance.now() - t0;
    await sleep(settleMs);
    const after = rssKb(target.pid) ?? 0;
    const failures = firstJoined.failures + joined.failures;
    const joinedRest = rest.length - joined.failures;
    const perConnection = joinedRest > 0 ? (after - before) / joinedRest : null;
    ctx.log(`  ${target.id} ${connections} idle: ${perConnection === null ? "-" : round(perConnection, 1)} KiB/connection, ${failures} failed`);
    if (failures > 0) throw new Error(`${failures} of ${connections} idle clients could not join: ${firstJoined.firstError ?? joined.firstError}`);
    return {
      connections,
      rooms: rooms.length,
      rssPerConnectionKiB: perConnection === null ? null : round(perConnection, 2),
      rssMiB: round(after / 1024, 1),
      rssBeforeMiB: round(before / 1024, 1),
      connectSeconds: round(connectMs / 1000, 2),
      failures,
    };
  });
}
