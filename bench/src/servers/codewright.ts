import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import type { Framing } from "../protocol/framing";
import { ServerProcess, freePort } from "./process";
import type { ApiClient, Target } from "./target";

const ADMIN_EMAIL = "bench-admin@example.org";
const ADMIN_PASSWORD = "bench-admin-password-1";

export const CODEWRIGHT_DURABILITY = "in the database before broadcast (room log, group commit per tick)";

export interface CodewrightOptions {
  /** The repository root (server/src/server.ts lives under it). */
  repo: string;
  database: "pglite" | "postgres";
  /** For `postgres`: a URL of an existing database; the run creates and drops its own database beside it. */
  adminDatabaseUrl?: string;
  pin: boolean;
  /** SYNC_FLUSH_DELAY_MS: merge a window of updates into one broadcast (0: one tick). */
  flushDelayMs?: number;
}

/** Markdown for a standard of `count` flat sections (labels S-1…), each with `body` as its text. */
export function standardMarkdown(title: string, count: number, body: (i: number) => string): string {
  const parts = [`# ${title}`, "", "Generated for a benchmark.", ""];
  for (let i = 1; i <= count; i++) parts.push(`## Section ${i} {#S-${i}}`, "", body(i), "");
  return parts.join("\n");
}

/** Whether a PostgreSQL server answers at `url` within two seconds. */
export async function postgresReachable(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query("select 1");
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

/** Codewright's server as a child process, on an embedded PGlite directory or a fresh PostgreSQL database. */
export class CodewrightTarget implements Target, ApiClient {
  readonly kind = "codewright";
  readonly durability = CODEWRIGHT_DURABILITY;
  private process: ServerProcess | null = null;
  private port = 0;
  private dataDir: string | null = null;
  private databaseUrl: string | null = null;
  private databaseName: string | null = null;
  private standardCounter = 0;
  token = "";

  constructor(private readonly options: CodewrightOptions) {}

  get id() {
    return `codewright-${this.options.database}${this.options.flushDelayMs ? `-flush${this.options.flushDelayMs}` : ""}`;
  }
  get label() {
    const base = this.options.database === "pglite" ? "Codewright (PGlite" : "Codewright (PostgreSQL";
    return this.options.flushDelayMs ? `${base}, flush ${this.options.flushDelayMs} ms)` : `${base})`;
  }
  get pid() {
    return this.process!.pid;
  }
  get api(): ApiClient {
    return this;
  }
  get baseUrl() {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    if (this.options.database === "pglite") {
      this.dataDir ??= await mkdtemp(join(tmpdir(), "codewright-bench-"));
    } else if (!this.databaseUrl) {
      const admin = this.options.adminDatabaseUrl!;
      this.databaseName = `codewright_bench_${process.pid}_${Date.now()}`;
      const client = new pg.Client({ connectionString: admin });
      await client.connect();
      try {
        await client.query(`create database ${this.databaseName}`);
      } finally {
        await client.end();
      }
      const url = new URL(admin);
      url.pathname = `/${this.databaseName}`;
      this.databaseUrl = url.toString();
    }
    await this.spawn();
    if (!this.token) await this.signIn();
  }

  private async spawn(): Promise<void> {
    this.port = await freePort();
    const env: Record<string, string> = {
      PORT: String(this.port),
      HOST: "127.0.0.1",
      SEED: "none",
      ADMIN_EMAIL,
      ADMIN_PASSWORD,
      LOG_LEVEL: "warn",
    };
    if (this.options.flushDelayMs) env.SYNC_FLUSH_DELAY_MS = String(this.options.flushDelayMs);
    if (this.databaseUrl) env.DATABASE_URL = this.databaseUrl;
    else env.DATA_DIR = this.dataDir!;
    this.process = await ServerProcess.start({
      name: this.id,
      args: [join(this.options.repo, "server/src/server.ts")],
      cwd: join(this.options.repo, "server"),
      env,
      ready: /codewright: serving on/,
      pin: this.options.pin,
      timeoutMs: 120_000,
    });
  }

  private async signIn(): Promise<void> {
    const login = await fetch(`${this.baseUrl}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD }),
    });
    if (login.status !== 200) throw new Error(`sign-in failed: HTTP ${login.status} ${await login.text()}`);
    const cookie = login.headers
      .getSetCookie()
      .map((c) => c.split(";")[0])
      .join("; ");
    const created = await fetch(`${this.baseUrl}/api/tokens`, {
      method: "POST",
      headers: { "content-type": "application/json", cookie, origin: this.baseUrl },
      body: JSON.stringify({ name: "benchmark" }),
    });
    if (created.status !== 201) throw new Error(`token creation failed: HTTP ${created.status} ${await created.text()}`);
    this.token = ((await created.json()) as { token: string }).token;
  }

  async restart(): Promise<void> {
    await this.process?.stop();
    await this.spawn();
  }

  async stop(): Promise<void> {
    await this.process?.stop();
    this.process = null;
    if (this.dataDir) await rm(this.dataDir, { recursive: true, force: true });
    this.dataDir = null;
    if (this.databaseName) {
      const client = new pg.Client({ connectionString: this.options.adminDatabaseUrl! });
      await client.connect();
      try {
        await client.query(`drop database if exists ${this.databaseName} with (force)`);
      } finally {
        await client.end();
      }
      this.databaseName = null;
      this.databaseUrl = null;
    }
    this.token = "";
  }

  async request(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, body: parsed };
  }

  /** Imports a standard from Markdown; returns its sections in outline order. */
  async importStandard(slug: string, markdown: string): Promise<Array<{ id: string; room: string; title: string }>> {
    const imported = await this.request("POST", "/api/standards/import", { slug, markdown });
    if (imported.status !== 201) throw new Error(`import of ${slug} failed: HTTP ${imported.status} ${JSON.stringify(imported.body)}`);
    const listed = await this.request("GET", `/api/standards/${slug}/sections`);
    if (listed.status !== 200) throw new Error(`listing sections of ${slug} failed: HTTP ${listed.status}`);
    return listed.body.sections;
  }

  nextSlug(purpose: string): string {
    return `bench-${purpose}-${++this.standardCounter}`.toLowerCase().replace(/[^a-z0-9-]/g, "-").slice(0, 64);
  }

  /** Sections in standards of at most 200 (an import's cost grows faster than its size). */
  async rooms(count: number, purpose: string): Promise<string[]> {
    const rooms: string[] = [];
    while (rooms.length < count) {
      const n = Math.min(200, count - rooms.length);
      const sections = await this.importStandard(this.nextSlug(purpose), standardMarkdown(`Benchmark ${purpose}`, n, (i) => `Body of section ${i}.`));
      rooms.push(...sections.map((s) => s.room));
    }
    return rooms;
  }

  url(room: string): string {
    return `ws://127.0.0.1:${this.port}/sync/${room}?token=${encodeURIComponent(this.token)}`;
  }

  framing(_room: string): Framing {
    return { kind: "y-websocket" };
  }
}
