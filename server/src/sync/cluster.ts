import { randomUUID } from "node:crypto";
import pg from "pg";
import type { DatabaseHandle } from "../db/connect";
import { parseRoomLogNotice, roomLogChannel, type RoomLogNotice } from "../domain/room-log";
import type { SyncLogger } from "./log";

/** An access change that closes connections, as forwarded between processes. */
export type AccessNotice =
  | { kind: "sessionEnded"; userId: string; sessionHash: string }
  | { kind: "tokenRevoked"; userId: string; tokenHash: string }
  | { kind: "userChanged"; userId: string }
  | { kind: "membershipChanged"; standardId: string; userId: string }
  | { kind: "visibilityChanged"; standardId: string }
  | { kind: "roomsRemoved"; standardId: string; rooms: string[] };

export interface ClusterHandlers {
  /** Rows were appended to a room's log (by any process, this one included). */
  roomLog(notice: RoomLogNotice): void;
  /** Another process saw an access change. */
  access(notice: AccessNotice): void;
  /** Notifications may have been missed (the listening connection was lost and is back). */
  resync(): void;
}

/** How this process hears the others: PostgreSQL LISTEN/NOTIFY, or PGlite's own notifications. */
export interface Cluster {
  start(): Promise<void>;
  /** Tells the other processes about an access change. Never throws. */
  publishAccess(notice: AccessNotice): Promise<void>;
  close(): Promise<void>;
}

const accessChannel = (schema: string) => `codewright_access.${schema}`;
const RETRY_FIRST_MS = 250;
const RETRY_MAX_MS = 5000;

function parseAccessNotice(payload: string | undefined, self: string): AccessNotice | null {
  if (!payload) return null;
  try {
    const { from, notice } = JSON.parse(payload) as { from?: unknown; notice?: Record<string, unknown> };
    if (from === self || !notice) return null;
    const text = (key: string) => typeof notice[key] === "string";
    switch (notice.kind) {
      case "sessionEnded":
        return text("userId") && text("sessionHash") ? (notice as AccessNotice) : null;
      case "tokenRevoked":
        return text("userId") && text("tokenHash") ? (notice as AccessNotice) : null;
      case "userChanged":
        return text("userId") ? (notice as AccessNotice) : null;
      case "membershipChanged":
        return text("userId") && text("standardId") ? (notice as AccessNotice) : null;
      case "visibilityChanged":
        return text("standardId") ? (notice as AccessNotice) : null;
      case "roomsRemoved":
        return text("standardId") && Array.isArray(notice.rooms) && notice.rooms.every((r) => typeof r === "string") ? (notice as AccessNotice) : null;
      default:
        return null;
    }
  } catch {
    return null;
  }
}

/** The cluster link for the database: PostgreSQL (many processes) or PGlite (this process alone). */
export function createCluster(database: DatabaseHandle, handlers: ClusterHandlers, log: SyncLogger): Cluster {
  if (database.pool) return new PostgresCluster(database.pool, database.schema, handlers, log);
  return new PGliteCluster(database, handlers);
}

/**
 * PGlite serves one process, so there are no peers; its notifications still tell live rooms about
 * rows appended outside them (e.g. by `appendUpdates`).
 */
class PGliteCluster implements Cluster {
  #unlisten: (() => Promise<void>) | null = null;

  constructor(
    private readonly database: DatabaseHandle,
    private readonly handlers: ClusterHandlers,
  ) {}

  async start(): Promise<void> {
    // PGlite sends the name as written, so it is quoted here (the channel contains a dot).
    this.#unlisten = await this.database.pglite!.listen(`"${roomLogChannel(this.database.schema)}"`, (payload) => {
      const notice = parseRoomLogNotice(payload);
      if (notice) this.handlers.roomLog(notice);
    });
  }

  async publishAccess(): Promise<void> {}

  async close(): Promise<void> {
    const unlisten = this.#unlisten;
    this.#unlisten = null;
    if (unlisten && !this.database.pglite!.closed) await unlisten().catch(() => {});
  }
}

/**
 * A dedicated connection LISTENs for room log appends and access changes. When it drops, it
 * reconnects with backoff and asks every room to read what it may have missed.
 */
class PostgresCluster implements Cluster {
  readonly #self = randomUUID();
  #client: pg.Client | null = null;
  #retry: NodeJS.Timeout | null = null;
  #delay = RETRY_FIRST_MS;
  #closed = false;

  constructor(
    private readonly pool: pg.Pool,
    private readonly schema: string,
    private readonly handlers: ClusterHandlers,
    private readonly log: SyncLogger,
  ) {}

  async start(): Promise<void> {
    await this.connect();
  }

  async publishAccess(notice: AccessNotice): Promise<void> {
    try {
      await this.pool.query("select pg_notify($1, $2)", [accessChannel(this.schema), JSON.stringify({ from: this.#self, notice })]);
    } catch (err) {
      this.log.warn({ err }, "could not tell other processes about an access change");
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#retry) clearTimeout(this.#retry);
    const client = this.#client;
    this.#client = null;
    if (client) await client.end().catch(() => {});
  }

  private async connect(): Promise<void> {
    const { connectionString, options } = this.pool.options;
    const client = new pg.Client({ connectionString, options });
    client.on("error", (err) => this.lost(client, err));
    client.on("end", () => this.lost(client));
    client.on("notification", (msg) => this.dispatch(msg.channel, msg.payload));
    try {
      await client.connect();
      await client.query(`listen "${roomLogChannel(this.schema)}"`);
      await client.query(`listen "${accessChannel(this.schema)}"`);
    } catch (err) {
      client.removeAllListeners("end");
      await client.end().catch(() => {});
      this.log.warn({ err }, "could not listen for other processes; retrying");
      this.scheduleRetry();
      return;
    }
    if (this.#closed) {
      await client.end().catch(() => {});
      return;
    }
    this.#client = client;
    this.#delay = RETRY_FIRST_MS;
    // Whatever was announced while nobody listened is read now (a no-op at start: no room is loaded).
    this.handlers.resync();
  }

  private lost(client: pg.Client, err?: Error): void {
    if (client !== this.#client) return;
    this.#client = null;
    client.end().catch(() => {});
    if (this.#closed) return;
    this.log.warn({ err }, "lost the connection that listens for other processes; reconnecting");
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    if (this.#closed || this.#retry) return;
    this.#retry = setTimeout(() => {
      this.#retry = null;
      void this.connect();
    }, this.#delay);
    this.#retry.unref();
    this.#delay = Math.min(this.#delay * 2, RETRY_MAX_MS);
  }

  private dispatch(channel: string, payload: string | undefined): void {
    if (channel === roomLogChannel(this.schema)) {
      const notice = parseRoomLogNotice(payload);
      if (notice) this.handlers.roomLog(notice);
    } else if (channel === accessChannel(this.schema)) {
      const notice = parseAccessNotice(payload, this.#self);
      if (notice) this.handlers.access(notice);
    }
  }
}
