import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { buildApp } from "../src/app";
import { loadConfig, type Config } from "../src/config";
import { openDatabase, type DatabaseHandle } from "../src/db/connect";
import { migrateToLatest } from "../src/db/migrate";
import type { Database } from "../src/db/database";
import type { Kysely } from "kysely";
import { insertUser } from "../src/domain/users";
import { hashPassword } from "../src/domain/passwords";
import { grantMembership, insertStandard } from "../src/domain/standards";
import { issueToken } from "../src/domain/auth";
import type { MembershipRole } from "@codewright/shared";

export type DatabaseKind = "pglite" | "postgres";

/** PGlite always; PostgreSQL too when TEST_DATABASE_URL is set. */
export const databaseKinds: DatabaseKind[] = process.env.TEST_DATABASE_URL ? ["pglite", "postgres"] : ["pglite"];

/** A freshly migrated database: in-memory PGlite, or a new schema of its own on PostgreSQL. */
export async function freshDatabase(kind: DatabaseKind): Promise<DatabaseHandle> {
  const database =
    kind === "pglite"
      ? await openDatabase({ dataDir: "memory://" })
      : await openDatabase({ url: process.env.TEST_DATABASE_URL, schema: `t_${randomBytes(6).toString("hex")}` });
  if (kind === "pglite") {
    await migrateToLatest(database.db);
    return database;
  }
  // Kysely's migrator looks at every schema's tables, and a schema that another test file drops
  // meanwhile fails that look-up: migrations share a lock that a drop takes alone.
  await withSchemaLock(database, "shared", () => migrateToLatest(database.db));
  const close = database.close;
  database.close = async () => {
    await withSchemaLock(database, "exclusive", () => database.pool!.query(`drop schema if exists "${database.schema}" cascade`));
    await close();
  };
  return database;
}

/** Any fixed number: the advisory lock between test schemas being migrated and dropped. */
const SCHEMA_LOCK = 7_031_962_115;

async function withSchemaLock<T>(database: DatabaseHandle, mode: "shared" | "exclusive", run: () => Promise<T>): Promise<T> {
  const client = await database.pool!.connect();
  const suffix = mode === "shared" ? "_shared" : "";
  try {
    await client.query(`select pg_advisory_lock${suffix}($1)`, [SCHEMA_LOCK]);
    try {
      return await run();
    } finally {
      await client.query(`select pg_advisory_unlock${suffix}($1)`, [SCHEMA_LOCK]);
    }
  } finally {
    client.release();
  }
}

// Files a test app writes (the release signing key) go to a temporary directory, never ./data.
const TEST_DATA_DIR = join(tmpdir(), `codewright-test-${process.pid}-${randomBytes(3).toString("hex")}`);
process.once("exit", () => rmSync(TEST_DATA_DIR, { recursive: true, force: true }));

/**
 * The configuration of a test app. Tests sign in, register and reset passwords for many users
 * from one address, so the limits per address are raised; the limits per email stay as in production.
 */
export function testConfig(overrides: Partial<Config> = {}): Config {
  return {
    ...loadConfig({
      SEED: "none",
      LOG_LEVEL: "silent",
      DATA_DIR: TEST_DATA_DIR,
      LIMIT_LOGIN_PER_ADDRESS_PER_MINUTE: "100000",
      LIMIT_ACCOUNT_MAIL_PER_ADDRESS_PER_HOUR: "100000",
    }),
    ...overrides,
  };
}

export interface TestApp {
  app: FastifyInstance;
  database: DatabaseHandle;
  db: Kysely<Database>;
  config: Config;
  close(): Promise<void>;
}

/** A clock a test sets: deadlines are judged by it, so windows' edges can be tested to the millisecond. */
export class TestClock {
  constructor(private at = Date.now()) {}
  now(): Date {
    return new Date(this.at);
  }
  set(at: Date | number): void {
    this.at = typeof at === "number" ? at : at.getTime();
  }
  advance(ms: number): void {
    this.at += ms;
  }
}
// The app working each test database's queues, so that a snapshot can wait for them to settle.
const appOfDatabase = new WeakMap<Kysely<Database>, FastifyInstance>();

/** Builds the app on a fresh database; call `close` after the file's tests. */
export async function startTestApp(kind: DatabaseKind, overrides: Partial<Config> = {}, options: { clock?: TestClock } = {}): Promise<TestApp> {
  const database = await freshDatabase(kind);
  const config = testConfig(overrides);
  const app = await buildApp({ config, database, logger: false, clock: options.clock });
  await app.ready();
  appOfDatabase.set(database.db, app);
  return {
    app,
    database,
    db: database.db,
    config,
    close: async () => {
      await app.close();
      await database.close();
    },
  };
}

export const TEST_PASSWORD = "correct horse battery staple";
let passwordHash: Promise<string> | undefined;
let counter = 0;
export const unique = (prefix: string) => `${prefix}-${process.pid}-${++counter}-${randomBytes(3).toString("hex")}`;

/** A user with TEST_PASSWORD (hashed once per file) and an API token to act as them; `verified: false` for an address not verified yet. */
export async function makeUser(db: Kysely<Database>, opts: { admin?: boolean; name?: string; verified?: boolean } = {}) {
  passwordHash ??= hashPassword(TEST_PASSWORD);
  const email = `${unique("user")}@example.org`;
  const row = await insertUser(
    db,
    { email, displayName: opts.name ?? email.split("@")[0]!, passwordHash: await passwordHash, isAdmin: opts.admin ?? false, emailVerified: opts.verified ?? true },
    null,
  );
  const { token } = await issueToken(db, row.id, "test");
  return { ...row, token, auth: { authorization: `Bearer ${token}` } };
}
export type TestUser = Awaited<ReturnType<typeof makeUser>>;

export async function makeStandard(db: Kysely<Database>, opts: { isPublic?: boolean } = {}) {
  return insertStandard(db, { slug: unique("std").toLowerCase(), title: "A test standard", isPublic: opts.isPublic ?? true }, null);
}

export async function addMember(app: FastifyInstance, standard: { id: string; slug: string }, user: { id: string }, role: MembershipRole, voting = false) {
  const row = await app.domain.db.selectFrom("standards").selectAll().where("id", "=", standard.id).executeTakeFirstOrThrow();
  await grantMembership(app.domain, row, user.id, { role, voting }, user.id);
}

/** Signs in through the API and returns the Cookie header value. */
export async function sessionCookie(app: FastifyInstance, email: string, password = TEST_PASSWORD): Promise<string> {
  const res = await app.inject({ method: "POST", url: "/api/auth/login", payload: { email, password } });
  if (res.statusCode !== 200) throw new Error(`login failed: ${res.statusCode} ${res.body}`);
  const cookie = res.cookies.find((c) => c.name === "cw_session");
  return `cw_session=${cookie!.value}`;
}

/**
 * A dump of every table, to prove a refused request changed nothing. Given the test app, its
 * background queues are drained first, so mail or deliveries that earlier requests queued are
 * not sent between two snapshots.
 */
export async function snapshotTables(from: Kysely<Database> | TestApp): Promise<string> {
  const db = "app" in from ? from.db : from;
  await appOfDatabase.get(db)?.background.drain();
  const tables = [
    "users",
    "sessions",
    "api_tokens",
    "invites",
    "standards",
    "memberships",
    "sections",
    "room_updates",
    "audit_log",
    "proposals",
    "proposal_bases",
    "proposal_rooms",
    "proposal_co_authors",
    "proposal_votes",
    "proposal_decisions",
    "comment_threads",
    "comment_replies",
    "user_tokens",
    "oidc_identities",
    "oidc_flows",
    "mail_queue",
    "watches",
    "event_outbox",
    "notifications",
    "digest_runs",
    "deadlines",
    "webhooks",
    "webhook_deliveries",
    "server_secrets",
    "cycles",
    "cycle_stages",
    "committee_actions",
    "ballot_rounds",
    "ballot_roster",
    "ballot_votes",
  ] as const;
  const plain = (_k: string, v: unknown) => (typeof v === "bigint" ? v.toString() : v instanceof Uint8Array ? Buffer.from(v).toString("base64") : v);
  const out: Record<string, string[]> = {};
  for (const t of tables) {
    // Sorted: the same rows in another physical order are the same table.
    out[t] = (await db.selectFrom(t).selectAll().execute()).map((row) => JSON.stringify(row, plain)).sort();
  }
  return JSON.stringify(out);
}
