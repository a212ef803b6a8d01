import WebSocket from "ws";
import * as Y from "yjs";
import { encodeUpdate, type Framing } from "../protocol/framing";
import { SyncClient } from "../protocol/client";
import { Keyboard } from "../protocol/keyboard";
import { Ledger } from "../protocol/ledger";
import { Typist, newClientId } from "../protocol/typist";
import { CpuMeter } from "../process-stats";
import type { Target } from "../servers/target";
import { round, sleep, summarize } from "../stats";
import { checkRoom, connectAll, withClients, type Metric, type RoomUnderLoad, type RunContext } from "./common";

export interface FloodShape {
  /** Editors typing in the measured room, 5 characters/s each. */
  editors: number;
  /** Typing chains the flooder sends, one per connection (reused round-robin). */
  chains: number;
  updatesPerChain: number;
  warmupMs: number;
  /** Each of the two windows: without the flood, then with it. */
  measureMs: number;
}

/** The goals of the flood workload (from the security finding). */
export const FLOOD_GOALS = { p99Ratio: 2, healthMaxMs: 100 };

const ALPHABET = "abcdefghijklmnopqrstuvwxyz";
/** Frames sent per turn of the event loop, so the generator's typists and probes still run. */
const FRAMES_PER_TURN = 256;

/** `count` one-character updates typed into a new paragraph by a new client, as frames. */
function typingChain(framing: Framing, count: number): Uint8Array[] {
  const doc = new Y.Doc();
  doc.clientID = newClientId();
  const frames: Uint8Array[] = [];
  doc.on("update", (u: Uint8Array) => frames.push(encodeUpdate(framing, u)));
  const text = new Y.XmlText();
  doc.transact(() => {
    const paragraph = new Y.XmlElement("paragraph");
    paragraph.insert(0, [text]);
    doc.getXmlFragment("body").insert(0, [paragraph]);
    text.insert(0, "f");
  });
  for (let i = 1; i < count; i++) text.insert(text.length, ALPHABET[i % ALPHABET.length]!);
  doc.destroy();
  return frames;
}

/**
 * One attacker flooding its own room: tiny valid updates as fast as the socket takes them, and
 * when the server closes the connection, at once a new one, as a hostile client would.
 */
class Flooder {
  sent = 0;
  connections = 0;
  refusedUpgrades = 0;
  readonly closes = new Map<string, number>();
  #stopped = false;
  #done: Promise<void> | null = null;

  constructor(
    private readonly url: string,
    private readonly chains: readonly Uint8Array[][],
  ) {}

  start(): void {
    this.#done = (async () => {
      for (let c = 0; !this.#stopped; c++) await this.connection(this.chains[c % this.chains.length]!);
    })();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#done;
  }

  /** "4429 too_many_updates ×12, …" */
  describeCloses(): string {
    return [...this.closes].map(([k, n]) => `${k} ×${n}`).join(", ") || "none";
  }

  private connection(frames: readonly Uint8Array[]): Promise<void> {
    return new Promise((resolve) => {
      const ws = new WebSocket(this.url, { perMessageDeflate: false });
      let next = 0;
      const pump = () => {
        if (this.#stopped) return void ws.terminate();
        if (ws.readyState !== WebSocket.OPEN) return;
        for (let n = 0; n < FRAMES_PER_TURN && next < frames.length && ws.bufferedAmount < 1 << 20; n++) {
          ws.send(frames[next++]!);
          this.sent++;
        }
        // A chain sent in full leaves the connection open and quiet until the server or stop() ends it.
        if (next < frames.length) setImmediate(pump);
      };
      ws.on("open", () => {
        this.connections++;
        pump();
      });
      ws.on("unexpected-response", (_req, res) => {
        this.refusedUpgrades++;
        res.resume();
        ws.terminate();
      });
      ws.on("error", () => {});
      ws.on("close", (code, reason) => {
        if (!this.#stopped) {
          const key = `${code} ${reason.toString().split(":")[0]}`.trim();
          this.closes.set(key, (this.closes.get(key) ?? 0) + 1);
        }
        // A short pause, so that a server refusing upgrades is not asked in a tight loop.
        setTimeout(resolve, 5);
      });
      if (this.#stopped) ws.terminate();
    });
  }
}

/** Asks `/api/health` one request after another, timing each, until stopped. */
class HealthProbe {
  readonly times: number[] = [];
  errors = 0;
  #stopped = false;
  #done: Promise<void> | null = null;

  constructor(private readonly url: string) {}

  start(): void {
    this.#done = (async () => {
      while (!this.#stopped) {
        const t0 = performance.now();
        try {
          const response = await fetch(this.url, { signal: AbortSignal.timeout(30_000) });
          await response.arrayBuffer();
          if (response.status !== 200) this.errors++;
        } catch {
          this.errors++;
        }
        this.times.push(performance.now() - t0);
        await sleep(5);
      }
    })();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#done;
  }
}

/**
 * Editors type in one room while their latency is measured, first alone, then while one
 * connection floods another room (reconnecting whenever it is closed) and `/api/health` is asked
 * without pause. Codewright only: it needs the HTTP API.
 */
export async function runFlood(target: Target, baseUrl: string, shape: FloodShape, ctx: RunContext): Promise<{ metrics: Record<string, Metric>; notes: string[] }> {
  const ledger = new Ledger();
  const [editRoom, floodRoom] = await target.rooms(2, "flood");
  const url = target.url(editRoom!);
  const framing = target.framing(editRoom!);
  const chains = Array.from({ length: shape.chains }, () => typingChain(target.framing(floodRoom!), shape.updatesPerChain));
  const probes = [0, 1].map(() => new SyncClient({ url, framing, probe: ledger }));
  const typists = Array.from({ length: shape.editors }, () => new Typist(newClientId(), ledger));
  const editors = typists.map((typist) => new SyncClient({ url, framing, typist }));
  const room: RoomUnderLoad = { room: editRoom!, typists, probes };
  const all = [...probes, ...editors];

  return withClients(all, async () => {
    const joined = [await connectAll(probes, 10), await connectAll(editors, 100)];
    const failures = joined.reduce((n, j) => n + j.failures, 0);
    if (failures > 0) throw new Error(`${failures} of ${all.length} clients could not join: ${joined.find((j) => j.firstError)?.firstError}`);
    const keyboard = new Keyboard(editors, { charsPerSecond: 5, awarenessPerSecond: 1 });
    keyboard.start();
    await sleep(shape.warmupMs);

    const window = async (during: () => Promise<void> | void = () => {}) => {
      const health = new HealthProbe(`${baseUrl}/api/health`);
      health.start();
      ledger.openWindow(performance.now());
      const meter = new CpuMeter(target.pid);
      await during();
      await sleep(shape.measureMs);
      ledger.closeWindow(performance.now());
      const cpu = meter.read();
      await health.stop();
      return { cpu, health };
    };
    const settle = async () => {
      // Samples of the window's last sends still arrive; they belong to it.
      await sleep(1000);
      return summarize(ledger.samples);
    };

    const quiet = await window();
    const baseline = await settle();

    const flooder = new Flooder(target.url(floodRoom!), chains);
    const flooded = await window(() => flooder.start());
    await flooder.stop();
    const during = await settle();

    keyboard.stop();
    const check = await checkRoom(target, ledger, room);
    const health = summarize(flooded.health.times);
    const quietHealth = summarize(quiet.health.times);
    const ratio = baseline.p99 && during.p99 !== null ? round(during.p99 / baseline.p99, 2) : null;
    const notes = [
      `goal p99 during the flood ≤ ${FLOOD_GOALS.p99Ratio}× without: ${ratio !== null && ratio <= FLOOD_GOALS.p99Ratio ? "met" : "not met"}; ` +
        `goal /api/health under ${FLOOD_GOALS.healthMaxMs} ms throughout: ${health.max !== null && health.max < FLOOD_GOALS.healthMaxMs ? "met" : "not met"}`,
      `the flooder's connections ended: ${flooder.describeCloses()}${flooder.refusedUpgrades ? `; ${flooder.refusedUpgrades} upgrades refused` : ""}`,
    ];
    ctx.log(
      `  ${target.id} flood, ${shape.editors} editors: p99 ${baseline.p99} → ${during.p99} ms (×${ratio}), health p50 ${health.p50} p99 ${health.p99} max ${health.max} ms, ` +
        `flooder sent ${flooder.sent} over ${flooder.connections} connections (${flooder.describeCloses()}), lost ${check.lost}, converged ${check.converged}`,
    );
    return {
      metrics: {
        editors: shape.editors,
        baselineP50Ms: baseline.p50,
        baselineP99Ms: baseline.p99,
        floodP50Ms: during.p50,
        floodP99Ms: during.p99,
        p99Ratio: ratio,
        healthP50Ms: health.p50,
        healthP99Ms: health.p99,
        healthMaxMs: health.max,
        healthRequests: health.count,
        healthErrors: flooded.health.errors + quiet.health.errors,
        quietHealthP99Ms: quietHealth.p99,
        floodFramesSent: flooder.sent,
        floodConnections: flooder.connections,
        floodClosedTooMany: flooder.closes.get("4429 too_many_updates") ?? 0,
        lostUpdates: check.lost,
        converged: check.converged,
        serverCpuPct: round((flooded.cpu.serverCpuMs / flooded.cpu.wallMs) * 100, 1),
        generatorCpuPct: round((flooded.cpu.generatorCpuMs / flooded.cpu.wallMs) * 100, 1),
        otherCpuPct: round((flooded.cpu.otherCpuMs / flooded.cpu.wallMs) * 100, 1),
      },
      notes,
    };
  });
}
