import * as Y from "yjs";
import { SyncClient } from "../protocol/client";
import type { Ledger } from "../protocol/ledger";
import type { Typist } from "../protocol/typist";
import type { Target } from "../servers/target";
import { mapPool, sleep, waitUntil } from "../stats";

export type WorkloadId = "hot-room" | "many-rooms" | "idle" | "cold-load" | "reconnect-storm" | "standards" | "flood";

export type Metric = number | string | boolean | null;

/** One measurement: a workload at one size against one server. */
export interface Row {
  workload: WorkloadId;
  target: string;
  /** e.g. `10 editors`; rows of the same workload and size are compared. */
  size: string;
  metrics: Record<string, Metric>;
  /** A failure that stopped the measurement, or something the reader must know. */
  error?: string;
  notes?: string[];
}

export interface RunContext {
  quick: boolean;
  log(line: string): void;
}

/** Connects clients with at most `concurrency` handshakes in flight; returns how many failed and the first reason. */
export async function connectAll(clients: readonly SyncClient[], concurrency: number): Promise<{ failures: number; firstError: string | null }> {
  let failures = 0;
  let firstError: string | null = null;
  await mapPool(clients, concurrency, async (client) => {
    try {
      await client.connect();
    } catch (err) {
      failures++;
      firstError ??= (err as Error).message;
    }
  });
  return { failures, firstError };
}

export async function closeAll(clients: readonly SyncClient[]): Promise<void> {
  await mapPool(clients, 200, (client) => client.close());
}

export interface RoomUnderLoad {
  room: string;
  typists: Typist[];
  probes: SyncClient[];
}

/** Waits until every probe has seen every send of its room's typists; returns whether it got there in time. */
export function drain(rooms: readonly RoomUnderLoad[], timeoutMs: number): Promise<boolean> {
  return waitUntil(() => rooms.every((r) => r.probes.every((p) => r.typists.every((t) => p.missing(t.clientId) === 0))), timeoutMs, 50);
}

export interface RoomCheck {
  /** Sends no fresh client received from the server (must be 0). */
  lost: number;
  /** Probes and a fresh client hold the same state and the same body. */
  converged: boolean;
  error: string | null;
}

/**
 * Joins the room with a fresh client and checks that every typist's last update is in the
 * state it receives, and that each probe holds exactly that state. Retries a few times
 * while the server may still be working through a backlog.
 */
export async function checkRoom(target: Target, ledger: Ledger, room: RoomUnderLoad, attempts = 3): Promise<RoomCheck> {
  let last: RoomCheck = { lost: -1, converged: false, error: "not checked" };
  for (let attempt = 0; attempt < attempts; attempt++) {
    if (attempt > 0) await sleep(2000);
    const verifier = new SyncClient({ url: target.url(room.room), framing: target.framing(room.room), applyState: true, timeoutMs: 30_000 });
    try {
      await verifier.connect();
    } catch (err) {
      last = { lost: -1, converged: false, error: `verifier could not sync: ${(err as Error).message}` };
      continue;
    } finally {
      void verifier.close();
    }
    const doc = verifier.doc!;
    let lost = 0;
    for (const typist of room.typists) {
      const state = Y.getState(doc.store, typist.clientId);
      const log = ledger.log(typist.clientId);
      if (log) for (const end of log.clockEnd) if (end > state) lost++;
    }
    const stateVector = Y.encodeStateVector(doc);
    const body = doc.getXmlFragment("body").toString();
    const probesAgree = room.probes.every(
      (p) => p.doc !== null && equalBytes(Y.encodeStateVector(p.doc), stateVector) && p.doc.getXmlFragment("body").toString() === body,
    );
    last = { lost, converged: lost === 0 && probesAgree, error: null };
    if (last.converged) return last;
  }
  return last;
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Closes the clients whatever happens, so a failed step leaves no sockets behind. */
export async function withClients<T>(clients: SyncClient[], body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } finally {
    await closeAll(clients);
  }
}
