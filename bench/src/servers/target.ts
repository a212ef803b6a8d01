import type { Framing } from "../protocol/framing";

/** What a workload needs from a server under test. */
export interface Target {
  /** Stable id used in the results, e.g. `codewright-pglite`. */
  readonly id: string;
  readonly label: string;
  readonly kind: "codewright" | "peer";
  /** What a broadcast update has survived by the time others see it. */
  readonly durability: string;
  /** The server process (CPU and RSS are read from /proc/<pid>). */
  readonly pid: number;
  start(): Promise<void>;
  /** Stops and starts the server keeping its storage (what survives is the durability). */
  restart(): Promise<void>;
  stop(): Promise<void>;
  /** `count` fresh rooms, each an empty section body (Codewright creates sections for them). */
  rooms(count: number, purpose: string): Promise<string[]>;
  url(room: string): string;
  framing(room: string): Framing;
  /** The HTTP API, for the standards workload; null for peers. */
  readonly api: ApiClient | null;
}

/** The small part of Codewright's HTTP API the benchmark uses. */
export interface ApiClient {
  readonly baseUrl: string;
  readonly token: string;
  request(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
}
