import { fileURLToPath } from "node:url";
import type { Framing } from "../protocol/framing";
import { ServerProcess, freePort } from "./process";
import type { Target } from "./target";

export interface PeerSpec {
  id: string;
  label: string;
  entry: string;
  framing: "y-websocket" | "hocuspocus";
  durability: string;
  env?: Record<string, string>;
}

const entry = (name: string) => fileURLToPath(new URL(`../peers/${name}.ts`, import.meta.url));

const HOCUSPOCUS_DURABILITY = "memory; onStoreDocument debounced 2 s (max 10 s) after a change";

export const PEERS: Record<string, PeerSpec> = {
  "hocuspocus-4.7.0": {
    id: "hocuspocus-4.7.0",
    label: "Hocuspocus 4.7.0 (flushDelay 0)",
    entry: entry("hocuspocus4"),
    framing: "hocuspocus",
    durability: HOCUSPOCUS_DURABILITY,
  },
  "hocuspocus-4.7.0-flush5": {
    id: "hocuspocus-4.7.0-flush5",
    label: "Hocuspocus 4.7.0 (flushDelay 5 ms)",
    entry: entry("hocuspocus4"),
    framing: "hocuspocus",
    durability: HOCUSPOCUS_DURABILITY,
    env: { FLUSH_DELAY: "5" },
  },
  "hocuspocus-3.4.4": {
    id: "hocuspocus-3.4.4",
    label: "Hocuspocus 3.4.4",
    entry: entry("hocuspocus3"),
    framing: "hocuspocus",
    durability: HOCUSPOCUS_DURABILITY,
  },
  "y-websocket-server-0.1.1": {
    id: "y-websocket-server-0.1.1",
    label: "@y/websocket-server 0.1.1",
    entry: entry("y-websocket"),
    framing: "y-websocket",
    durability: "memory only (no persistence configured; y-leveldb writes each update when enabled)",
  },
};

/** A peer server as a child process. Its storage is its memory: `restart` loses the documents. */
export class PeerTarget implements Target {
  readonly kind = "peer";
  readonly api = null;
  private process: ServerProcess | null = null;
  private port = 0;
  private roomCounter = 0;

  constructor(
    private readonly spec: PeerSpec,
    private readonly pin: boolean,
  ) {}

  get id() {
    return this.spec.id;
  }
  get label() {
    return this.spec.label;
  }
  get durability() {
    return this.spec.durability;
  }
  get pid() {
    return this.process!.pid;
  }

  async start(): Promise<void> {
    this.port = await freePort();
    this.process = await ServerProcess.start({
      name: this.spec.id,
      args: [this.spec.entry],
      env: { PORT: String(this.port), HOST: "127.0.0.1", ...this.spec.env },
      ready: /listening \d+/,
      pin: this.pin,
    });
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  async stop(): Promise<void> {
    await this.process?.stop();
    this.process = null;
  }

  async rooms(count: number, purpose: string): Promise<string[]> {
    const batch = ++this.roomCounter;
    return Array.from({ length: count }, (_, i) => `${purpose}-${batch}-${i}`);
  }

  url(room: string): string {
    return this.spec.framing === "hocuspocus" ? `ws://127.0.0.1:${this.port}/` : `ws://127.0.0.1:${this.port}/${room}`;
  }

  framing(room: string): Framing {
    return this.spec.framing === "hocuspocus" ? { kind: "hocuspocus", documentName: room, token: "bench" } : { kind: "y-websocket" };
  }
}
