import { SyncClient } from "../protocol/client";
import { Keyboard } from "../protocol/keyboard";
import { Ledger } from "../protocol/ledger";
import { Typist, newClientId } from "../protocol/typist";
import type { Target } from "../servers/target";
import { mapPool, round, sleep } from "../stats";
import { checkRoom, connectAll, withClients, type Metric, type RoomUnderLoad, type RunContext } from "./common";

const ATTEMPTS = 5;

/**
 * `clients` editors over `roomCount` rooms type for two seconds; then every socket is
 * dropped at once and every client reconnects at once (as providers do), retrying a
 * failed attempt after a short back-off. Measures the time until all are synced again.
 */
export async function runReconnectStorm(target: Target, clients: number, roomCount: number, ctx: RunContext): Promise<Record<string, Metric>> {
  const ledger = new Ledger();
  const names = await target.rooms(roomCount, "storm");
  const rooms: RoomUnderLoad[] = names.map((room) => ({ room, typists: [], probes: [] }));
  const all: SyncClient[] = [];
  for (let i = 0; i < clients; i++) {
    const room = rooms[i % rooms.length]!;
    const typist = new Typist(newClientId(), ledger);
    room.typists.push(typist);
    all.push(new SyncClient({ url: target.url(room.room), framing: target.framing(room.room), typist, timeoutMs: 30_000 }));
  }
  return withClients(all, async () => {
    const joined = await connectAll(all, 100);
    if (joined.failures > 0) throw new Error(`${joined.failures} of ${clients} clients could not join: ${joined.firstError}`);
    const keyboard = new Keyboard(all, { charsPerSecond: 5, awarenessPerSecond: 1 });
    keyboard.start();
    await sleep(2000);
    keyboard.stop();
    await sleep(1000);

    const t0 = performance.now();
    for (const client of all) client.terminate();
    let errors = 0;
    let firstError: string | null = null;
    let gaveUp = 0;
    await Promise.all(
      all.map(async (client) => {
        for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
          try {
            await client.connect();
            return;
          } catch (err) {
            errors++;
            firstError ??= (err as Error).message;
            await sleep(100 * 2 ** attempt);
          }
        }
        gaveUp++;
      }),
    );
    const times = all.filter((c) => c.syncedAt !== null).map((c) => c.syncedAt! - t0);
    const checks = await mapPool(rooms, 32, (room) => checkRoom(target, ledger, room));
    const lost = checks.reduce((n, c) => n + Math.max(0, c.lost), 0);
    const converged = checks.every((c) => c.converged) && gaveUp === 0;
    const sorted = times.sort((a, b) => a - b);
    const allSyncedMs = gaveUp === 0 ? round(sorted[sorted.length - 1] ?? 0, 1) : null;
    ctx.log(`  ${target.id} storm ${clients}/${roomCount}: all synced in ${allSyncedMs} ms, ${errors} errors, lost ${lost}, converged ${converged}`);
    return {
      clients,
      rooms: roomCount,
      allSyncedMs,
      p50SyncedMs: round(sorted[Math.floor(sorted.length / 2)] ?? 0, 1),
      errors,
      firstError,
      gaveUp,
      lostUpdates: lost,
      converged,
    };
  });
}
