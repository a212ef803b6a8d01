import * as Y from "yjs";
import { SyncClient } from "../protocol/client";
import { rssKb } from "../process-stats";
import type { Target } from "../servers/target";
import { loadTrace } from "../trace";
import { round, sleep } from "../stats";
import { closeAll, connectAll, type Metric, type RunContext } from "./common";

/**
 * A section with a long editing history: uploaded, then the server is made to load it
 * again (Codewright restarts and reads it from its database; Hocuspocus unloads the
 * document when its last client leaves and loads it through its store hook; the
 * y-websocket server keeps it in memory), then `joins` clients join at once.
 */
export async function runColdLoad(target: Target, ops: number, joins: number, cacheDir: string, ctx: RunContext): Promise<Record<string, Metric>> {
  const trace = await loadTrace(ops, cacheDir);
  const [room] = await target.rooms(1, "cold");
  const url = () => target.url(room!);
  const framing = target.framing(room!);

  // The room may start with content (a Codewright section has an empty paragraph): what a
  // joining client must receive is that state with the whole trace applied.
  const uploader = new SyncClient({ url: url(), framing, applyState: true });
  await uploader.connect();
  const expected = new Y.Doc({ gc: false });
  Y.applyUpdate(expected, Y.encodeStateAsUpdate(uploader.doc!));
  for (const chunk of trace.chunks) {
    uploader.sendUpdate(chunk);
    Y.applyUpdate(expected, chunk);
  }
  const expectedStateVector = Y.encodeStateVector(expected);
  const expectedBody = expected.getXmlFragment("body").toString();
  const stored = await waitForState(url, framing, expectedStateVector, 60_000);
  await uploader.close();
  if (!stored) throw new Error("the server did not hold the whole trace within 60 s of the upload");

  if (target.kind === "codewright") await target.restart();
  else await sleep(2000);
  const rssBefore = rssKb(target.pid);

  const clients = Array.from({ length: joins }, (_, i) => new SyncClient({ url: url(), framing, applyState: i === 0, timeoutMs: 60_000 }));
  const t0 = performance.now();
  const joined = await connectAll(clients, joins);
  const synced = clients.filter((c) => c.syncedAt !== null).map((c) => c.syncedAt! - t0);
  const first = clients[0]!;
  const converged = first.doc !== null && containsState(first.doc, expectedStateVector) && first.doc.getXmlFragment("body").toString() === expectedBody;
  const stateBytes = first.bytesIn;
  const rssAfter = rssKb(target.pid);
  await closeAll(clients);
  const firstSyncedMs = synced.length ? round(Math.min(...synced), 1) : null;
  const allSyncedMs = synced.length === joins ? round(Math.max(...synced), 1) : null;
  ctx.log(`  ${target.id} cold load ${ops} ops: first ${firstSyncedMs} ms, all ${joins} ${allSyncedMs} ms, converged ${converged}`);
  if (joined.failures > 0) throw new Error(`${joined.failures} of ${joins} joins failed: ${joined.firstError}`);
  return {
    ops,
    joins,
    historyBytes: trace.updateBytes,
    firstFrameBytes: stateBytes,
    firstSyncedMs,
    allSyncedMs,
    converged,
    lostUpdates: converged ? 0 : null,
    rssBeforeMiB: rssBefore === null ? null : round(rssBefore / 1024, 1),
    rssAfterMiB: rssAfter === null ? null : round(rssAfter / 1024, 1),
  };
}

function containsState(doc: Y.Doc, stateVector: Uint8Array): boolean {
  for (const [client, clock] of Y.decodeStateVector(stateVector)) if (Y.getState(doc.store, client) < clock) return false;
  return true;
}

/** Joins with a fresh client until the state it receives contains `stateVector`. */
async function waitForState(url: () => string, framing: SyncClient["options"]["framing"], stateVector: Uint8Array, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    const check = new SyncClient({ url: url(), framing, applyState: true, timeoutMs: 30_000 });
    try {
      await check.connect();
      if (containsState(check.doc!, stateVector)) return true;
    } catch {
      // the server may still be busy with the upload
    } finally {
      await check.close();
    }
    await sleep(500);
  }
  return false;
}
