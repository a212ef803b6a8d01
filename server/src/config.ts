import { join } from "node:path";
import type { RegistrationMode } from "@codewright/shared";

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
  mail: MailSettings;
  /** Who may make an account: `REGISTRATION`, default `open`. */
  registration: RegistrationMode;
  /** The OpenID provider to sign in with; undefined when `OIDC_ISSUER` is unset. */
  oidc?: OidcSettings;
  webhooks: WebhookSettings;
  background: BackgroundSettings;
}

/** Outgoing mail. */
export interface MailSettings {
  /** `SMTP_URL` (`smtp://user:pass@host:587`, `smtps://…` for implicit TLS); unset: messages are written to `outboxDir`. */
  smtpUrl?: string;
  /** `MAIL_FROM`, the From address; default `Codewright <codewright@HOST>`. */
  from: string;
  /** Where messages go as `.eml` files without `SMTP_URL`: `DATA_DIR/outbox`. */
  outboxDir: string;
}

export interface OidcSettings {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Shown on the sign-in button, e.g. "IEEE account". */
  name: string;
}

export interface WebhookSettings {
  /** `WEBHOOK_ALLOW_PRIVATE=1` lets webhooks point at loopback, private and link-local addresses (tests, a private network). */
  allowPrivate: boolean;
}

/** The queues worked in the background: mail, event dispatch, webhook deliveries, digests, reminders. */
export interface BackgroundSettings {
  /** How often each queue is looked at when nothing woke it, ms (`BACKGROUND_POLL_MS`, default 5000; 0: only when this process queued work, or on a drain). */
  pollMs: number;
  /** The hour (0-23, in UTC) daily digests go out (`DIGEST_HOUR_UTC`, default 7). */
  digestHourUtc: number;
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
  /**
   * Presence changes are sent at most once per this interval per room, ms: one frame with the
   * latest state of each client that changed. Default 50; 0 sends at the end of each tick.
   */
  presenceIntervalMs: number;
}

/** A token bucket: `burst` to start with and at most, refilled at `perSecond`. Both at least 1. */
export interface Rate {
  perSecond: number;
  burst: number;
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
  /** Registrations and password-reset requests an hour from one address (`LIMIT_ACCOUNT_MAIL_PER_ADDRESS_PER_HOUR`). Default 20. */
  accountMailPerAddressPerHour: number;
  /** The same for one email address, from anywhere (`LIMIT_ACCOUNT_MAIL_PER_EMAIL_PER_HOUR`). Default 5. */
  accountMailPerEmailPerHour: number;
  /**
   * Sync messages (updates, sync steps) one connection may send. Over budget, it is closed (4429).
   * Default 100/s, burst 500.
   */
  updates: Rate;
  /**
   * Bytes of sync messages one connection may send. One message larger than the burst passes when
   * the budget is rested (a reconnecting client's offline work). Default 512 KiB/s, burst 4 MiB.
   */
  updateBytes: Rate;
  /** Presence messages one connection may send. Default 60/s, burst 300. */
  presence: Rate;
  /** Bytes of presence messages one connection may send. Default 64 KiB/s, burst 512 KiB. */
  presenceBytes: Rate;
  /** Largest presence state of one client, bytes of JSON. Default 8 KiB. */
  presenceStateBytes: number;
  /** Updates accepted and not yet stored in one room. Default 10,000. */
  queuedUpdatesPerRoom: number;
  /** Updates accepted and not yet stored in all rooms of the process. Default 50,000. */
  queuedUpdatesPerProcess: number;
  /** Bytes of those updates in all rooms of the process. Default 64 MiB. */
  queuedBytesPerProcess: number;
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

function rate(env: NodeJS.ProcessEnv, perSecondName: string, burstName: string, fallback: Rate): Rate {
  const perSecond = int(env, perSecondName, fallback.perSecond);
  const burst = int(env, burstName, fallback.burst);
  if (perSecond < 1) throw new Error(`${perSecondName} must be at least 1, got "${env[perSecondName]}".`);
  if (burst < 1) throw new Error(`${burstName} must be at least 1, got "${env[burstName]}".`);
  return { perSecond, burst };
}

const KiB = 1024;
const MiB = 1024 * KiB;

/** Reads the configuration. Throws with the variable's name when a value is malformed. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = int(env, "PORT", 8080);
  const host = env.HOST || "127.0.0.1";
  const publicUrl = (env.PUBLIC_URL || `http://${host.includes(":") ? `[${host}]` : host}:${port}`).replace(/\/$/, "");
  const seed = env.SEED === "none" ? "none" : "sample";
  const dataDir = env.DATA_DIR || "./data";
  return {
    port,
    host,
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir,
    adminEmail: env.ADMIN_EMAIL || undefined,
    adminPassword: env.ADMIN_PASSWORD || undefined,
    allowedOrigins: env.ALLOWED_ORIGINS ? env.ALLOWED_ORIGINS.split(",").map((o) => o.trim()).filter(Boolean) : [],
    logLevel: env.LOG_LEVEL || "info",
    seed,
    publicUrl,
    clientDir: env.CLIENT_DIR || undefined,
    limits: loadLimits(env),
    sync: {
      unloadGraceMs: int(env, "SYNC_UNLOAD_GRACE_MS", 30_000),
      compactAfterRows: int(env, "SYNC_COMPACT_AFTER_ROWS", 1000),
      compactSettleMs: int(env, "SYNC_COMPACT_SETTLE_MS", 10_000),
      keepAliveMs: int(env, "SYNC_KEEPALIVE_MS", 30_000),
      flushDelayMs: int(env, "SYNC_FLUSH_DELAY_MS", 0),
      presenceIntervalMs: int(env, "SYNC_PRESENCE_INTERVAL_MS", 50),
    },
    mail: {
      smtpUrl: env.SMTP_URL || undefined,
      from: env.MAIL_FROM || `Codewright <codewright@${new URL(publicUrl).hostname}>`,
      outboxDir: join(dataDir, "outbox"),
    },
    registration: registrationMode(env.REGISTRATION),
    oidc: oidcSettings(env),
    webhooks: { allowPrivate: env.WEBHOOK_ALLOW_PRIVATE === "1" },
    background: {
      pollMs: int(env, "BACKGROUND_POLL_MS", 5000),
      digestHourUtc: hour(env, "DIGEST_HOUR_UTC", 7),
    },
  };
}

function registrationMode(raw: string | undefined): RegistrationMode {
  if (raw === undefined || raw === "") return "open";
  if (raw === "open" || raw === "invite" || raw === "closed") return raw;
  throw new Error(`REGISTRATION must be open, invite or closed, got "${raw}".`);
}

function oidcSettings(env: NodeJS.ProcessEnv): OidcSettings | undefined {
  if (!env.OIDC_ISSUER) return undefined;
  for (const name of ["OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET"]) if (!env[name]) throw new Error(`OIDC_ISSUER is set, so ${name} must be set too.`);
  let issuer: URL;
  try {
    issuer = new URL(env.OIDC_ISSUER);
  } catch {
    throw new Error(`OIDC_ISSUER must be a URL, got "${env.OIDC_ISSUER}".`);
  }
  // Tokens and the client secret travel to the provider: plain http only to one on this machine.
  const loopback = ["127.0.0.1", "localhost", "[::1]"].includes(issuer.hostname);
  if (issuer.protocol !== "https:" && !(issuer.protocol === "http:" && loopback)) {
    throw new Error(`OIDC_ISSUER must be an https:// URL (http:// only on this machine), got "${env.OIDC_ISSUER}".`);
  }
  return { issuer: env.OIDC_ISSUER, clientId: env.OIDC_CLIENT_ID!, clientSecret: env.OIDC_CLIENT_SECRET!, name: env.OIDC_NAME || "single sign-on" };
}

function hour(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const n = int(env, name, fallback);
  if (n > 23) throw new Error(`${name} must be an hour from 0 to 23, got "${env[name]}".`);
  return n;
}

function loadLimits(env: NodeJS.ProcessEnv): Limits {
  return {
    bodyBytes: int(env, "LIMIT_BODY_BYTES", MiB),
    messageBytes: int(env, "LIMIT_MESSAGE_BYTES", MiB),
    documentBytes: int(env, "LIMIT_DOCUMENT_BYTES", 8 * MiB),
    connectionsPerRoom: int(env, "LIMIT_CONNECTIONS_PER_ROOM", 500),
    roomsPerProcess: int(env, "LIMIT_ROOMS_PER_PROCESS", 10000),
    updates: rate(env, "LIMIT_UPDATES_PER_SECOND", "LIMIT_UPDATE_BURST", { perSecond: 100, burst: 500 }),
    updateBytes: rate(env, "LIMIT_UPDATE_BYTES_PER_SECOND", "LIMIT_UPDATE_BURST_BYTES", { perSecond: 512 * KiB, burst: 4 * MiB }),
    presence: rate(env, "LIMIT_PRESENCE_PER_SECOND", "LIMIT_PRESENCE_BURST", { perSecond: 60, burst: 300 }),
    presenceBytes: rate(env, "LIMIT_PRESENCE_BYTES_PER_SECOND", "LIMIT_PRESENCE_BURST_BYTES", { perSecond: 64 * KiB, burst: 512 * KiB }),
    presenceStateBytes: int(env, "LIMIT_PRESENCE_BYTES", 8 * KiB),
    queuedUpdatesPerRoom: int(env, "LIMIT_QUEUED_UPDATES_PER_ROOM", 10_000),
    queuedUpdatesPerProcess: int(env, "LIMIT_QUEUED_UPDATES_PER_PROCESS", 50_000),
    queuedBytesPerProcess: int(env, "LIMIT_QUEUED_BYTES_PER_PROCESS", 64 * MiB),
    loginPerAddressAndEmailPerMinute: positiveInt(env, "LIMIT_LOGIN_PER_ADDRESS_AND_EMAIL_PER_MINUTE", 10),
    loginPerAddressPerMinute: positiveInt(env, "LIMIT_LOGIN_PER_ADDRESS_PER_MINUTE", 30),
    concurrentPasswordChecks: positiveInt(env, "LIMIT_CONCURRENT_PASSWORD_CHECKS", 4),
    queuedPasswordChecks: int(env, "LIMIT_QUEUED_PASSWORD_CHECKS", 32),
    accountMailPerAddressPerHour: positiveInt(env, "LIMIT_ACCOUNT_MAIL_PER_ADDRESS_PER_HOUR", 20),
    accountMailPerEmailPerHour: positiveInt(env, "LIMIT_ACCOUNT_MAIL_PER_EMAIL_PER_HOUR", 5),
  };
}
