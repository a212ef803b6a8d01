/** Everything the server reads from its environment, parsed once at start. */
export interface Config {
  port: number;
  host: string;
  /** PostgreSQL URL; unset means the embedded PGlite in `dataDir`. */
  databaseUrl?: string;
  dataDir: string;
  adminEmail?: string;
  adminPassword?: string;
  /** Origins allowed to use cookie-authenticated requests and websockets; default the server's own. */
  allowedOrigins: string[];
  logLevel: string;
  /** `none` skips loading the sample building code on first start. */
  seed: "sample" | "none";
  /** The public URL of the site, for links in invites (default http://HOST:PORT). */
  publicUrl: string;
  /** Directory of the built web client; served when it exists. */
  clientDir?: string;
  limits: Limits;
  sync: SyncSettings;
}

/** Timings of live co-editing. */
export interface SyncSettings {
  /** How long a room stays in memory after its last client leaves, ms. Default 30 s. */
  unloadGraceMs: number;
  /** A room is compacted (its log merged per author and day) after this many new rows. Default 1000. */
  compactAfterRows: number;
  /** Compaction leaves rows younger than this alone, ms. Default 10 s. */
  compactSettleMs: number;
  /** Ping interval; a connection that has not answered the previous ping is dropped, ms. Default 30 s. */
  keepAliveMs: number;
  /**
   * How long accepted updates wait to be stored and sent together, ms. 0 (default): until the end
   * of the current tick. A few ms merge more updates into each transaction and frame, at that cost
   * in latency.
   */
  flushDelayMs: number;
}

/** Sync and HTTP limits; each configurable, each with a sane default. */
export interface Limits {
  /** Largest HTTP body, bytes. */
  bodyBytes: number;
  /** Largest websocket message, bytes. */
  messageBytes: number;
  /** Largest encoded state of one room, bytes. */
  documentBytes: number;
  connectionsPerRoom: number;
  roomsPerProcess: number;
  /** Sign-in attempts per minute from one address for one email. Default 10. */
  loginPerAddressAndEmailPerMinute: number;
  /** Sign-in attempts per minute from one address, whatever the emails (password spraying). Default 30. */
  loginPerAddressPerMinute: number;
  /** Password hashes and checks (scrypt, 32 MiB each) running at once in the process. Default 4. */
  concurrentPasswordChecks: number;
  /** Password checks that may wait for a free place; past it the server answers 503 `server_busy`. Default 32. */
  queuedPasswordChecks: number;
}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got "${raw}".`);
  return n;
}

function positiveInt(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const n = int(env, name, fallback);
  if (n === 0) throw new Error(`${name} must be at least 1.`);
  return n;
}

/** Reads the configuration. Throws with the variable's name when a value is malformed. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = int(env, "PORT", 8080);
  const host = env.HOST || "127.0.0.1";
  const publicUrl = (env.PUBLIC_URL || `http://${host.includes(":") ? `[${host}]` : host}:${port}`).replace(/\/$/, "");
  const seed = env.SEED === "none" ? "none" : "sample";
  return {
    port,
    host,
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: env.DATA_DIR || "./data",
    adminEmail: env.ADMIN_EMAIL || undefined,
    adminPassword: env.ADMIN_PASSWORD || undefined,
    allowedOrigins: env.ALLOWED_ORIGINS ? env.ALLOWED_ORIGINS.split(",").map((o) => o.trim()).filter(Boolean) : [],
    logLevel: env.LOG_LEVEL || "info",
    seed,
    publicUrl,
    clientDir: env.CLIENT_DIR || undefined,
    limits: {
      bodyBytes: int(env, "LIMIT_BODY_BYTES", 1024 * 1024),
      messageBytes: int(env, "LIMIT_MESSAGE_BYTES", 1024 * 1024),
      documentBytes: int(env, "LIMIT_DOCUMENT_BYTES", 8 * 1024 * 1024),
      connectionsPerRoom: int(env, "LIMIT_CONNECTIONS_PER_ROOM", 500),
      roomsPerProcess: int(env, "LIMIT_ROOMS_PER_PROCESS", 10000),
      loginPerAddressAndEmailPerMinute: positiveInt(env, "LIMIT_LOGIN_PER_ADDRESS_AND_EMAIL_PER_MINUTE", 10),
      loginPerAddressPerMinute: positiveInt(env, "LIMIT_LOGIN_PER_ADDRESS_PER_MINUTE", 30),
      concurrentPasswordChecks: positiveInt(env, "LIMIT_CONCURRENT_PASSWORD_CHECKS", 4),
      queuedPasswordChecks: int(env, "LIMIT_QUEUED_PASSWORD_CHECKS", 32),
    },
    sync: {
      unloadGraceMs: int(env, "SYNC_UNLOAD_GRACE_MS", 30_000),
      compactAfterRows: int(env, "SYNC_COMPACT_AFTER_ROWS", 1000),
      compactSettleMs: int(env, "SYNC_COMPACT_SETTLE_MS", 10_000),
      keepAliveMs: int(env, "SYNC_KEEPALIVE_MS", 30_000),
      flushDelayMs: int(env, "SYNC_FLUSH_DELAY_MS", 0),
    },
  };
}
