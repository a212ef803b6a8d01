import type { FastifyInstance } from "fastify";
import { sql, type Kysely } from "kysely";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../src/app";
import { openDatabase, type DatabaseHandle } from "../../src/db/connect";
import type { Database } from "../../src/db/database";
import { migrateToLatest } from "../../src/db/migrate";
import type { StandardRow } from "../../src/db/tables/standards";
import { addMember, makeStandard, makeUser, testConfig, type DatabaseKind, type TestUser } from "../helper";
import { logRowCount, makeSection } from "../sync/helpers";
import { scratchPostgres } from "../sync/processes";
import { bodyText, converged, Editor, expectStoredAsEveryoneSees, seeded, until } from "./editors";

interface ReadOnlyDatabase {
  database: DatabaseHandle;
  /** Makes every new transaction read-only, as a database that lost its disk or failed over to a replica. */
  refuseWrites(): Promise<void>;
  allowWrites(): Promise<void>;
  drop(): Promise<void>;
}

/**
 * PGlite is one session: a session default applies to every later transaction of the app.
 * PostgreSQL: a database of its own, set read-only for new sessions, and the app's sessions ended
 * so that its pool reconnects under the new setting.
 */
async function readOnlyCapable(kind: DatabaseKind): Promise<ReadOnlyDatabase> {
  if (kind === "pglite") {
    const database = await openDatabase({ dataDir: "memory://" });
    await migrateToLatest(database.db);
    return {
      database,
      refuseWrites: async () => void (await sql`set default_transaction_read_only = on`.execute(database.db)),
      allowWrites: async () => void (await sql`set default_transaction_read_only = off`.execute(database.db)),
      drop: () => database.close(),
    };
  }
  const scratch = await scratchPostgres();
  const database = await openDatabase({ url: scratch.url });
  await migrateToLatest(database.db);
  const name = new URL(scratch.url).pathname.slice(1);
  const admin = async (statement: string) => {
    const client = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
    await client.connect();
    try {
      await client.query(statement);
      await client.query("select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()", [name]);
    } finally {
      await client.end();
    }
  };
  return {
    database,
    refuseWrites: () => admin(`alter database ${name} set default_transaction_read_only = on`),
    allowWrites: () => admin(`alter database ${name} reset default_transaction_read_only`),
    drop: async () => {
      await database.close();
      await scratch.drop();
    },
  };
}

const kinds: DatabaseKind[] = process.env.TEST_DATABASE_URL ? ["pglite", "postgres"] : ["pglite"];

/**
 * The database stops taking writes (a full disk, a failover to a read-only replica). The server
 * must refuse new updates with a clear signal, keep serving what is stored, and lose nothing its
 * editors typed meanwhile once writes come back.
 */
describe.each(kinds)("a read-only database (%s)", (kind) => {
  let ro: ReadOnlyDatabase;
  let app: FastifyInstance;
  let db: Kysely<Database>;
  let base: string;
  let standard: StandardRow;
  let editor: TestUser;
  let reader: TestUser;
  const editors: Editor[] = [];

  beforeAll(async () => {
    ro = await readOnlyCapable(kind);
    db = ro.database.db;
    app = await buildApp({ config: testConfig(), database: ro.database, logger: false });
    await app.listen({ port: 0, host: "127.0.0.1" });
    base = `ws://127.0.0.1:${(app.server.address() as { port: number }).port}/sync`;
    standard = await makeStandard(db, { isPublic: false });
    editor = await makeUser(db, { name: "Writer" });
    reader = await makeUser(db, { name: "Reader" });
    await addMember(app, standard, editor, "editor");
    await addMember(app, standard, reader, "contributor");
  });

  afterAll(async () => {
    for (const e of editors) e.destroy();
    await ro?.allowWrites().catch(() => {});
    await app?.close();
    await ro?.drop();
  });

  it("refuses updates with the saving-paused signal and writes with 503, serves reads, and stores everything once writes return", async () => {
    const room = await makeSection(db, standard, "Stored before the outage.");
    const section = await db.selectFrom("sections").select("id").where("room", "=", room).executeTakeFirstOrThrow();
    const writer = new Editor({ servers: [base], room, token: editor.token, name: "w1", random: seeded(5) });
    const watcher = new Editor({ servers: [base], room, token: reader.token, name: "r1", random: seeded(6) });
    editors.push(writer, watcher);
    await converged([writer, watcher]);
    const before = Array.from({ length: 5 }, () => writer.type());
    await converged([writer, watcher]);
    await until(() => app.sync.roomStats(room)?.pending === 0, "stored");
    const rows = await logRowCount(db, room);

    await ro.refuseWrites();
    try {
      const during = Array.from({ length: 5 }, () => writer.type());
      await until(() => writer.closes.some((c) => c.code === 1013), "the writer told that saving is paused", 30_000);
      expect(writer.closes.find((c) => c.code === 1013)!.reason).toMatch(/^saving_paused/);
      expect(bodyText(watcher.doc)).not.toContain(during[0]);

      // Writes over HTTP: a clear 503 with a code, not a 500.
      const url = `/api/standards/${standard.slug}/sections`;
      for (const request of [
        { method: "PATCH" as const, url: `${url}/${section.id}`, payload: { title: "Renamed while read-only" } },
        { method: "POST" as const, url, payload: { label: "RO-1", title: "Created while read-only" } },
        { method: "POST" as const, url: `/api/standards/${standard.slug}/releases`, payload: { version: "1.0.0" } },
      ]) {
        const res = await app.inject({ ...request, headers: editor.auth });
        expect(res.statusCode, `${request.method} ${request.url}: ${res.body}`).toBe(503);
        expect(res.json().error.code).toBe("database_unavailable");
      }

      // Reads go on: the outline, the section as stored, and the live room for a newcomer.
      const outline = await app.inject({ url, headers: reader.auth });
      expect(outline.statusCode).toBe(200);
      const detail = await app.inject({ url: `${url}/${section.id}`, headers: reader.auth });
      expect(detail.statusCode).toBe(200);
      for (const word of before) expect(JSON.stringify(detail.json().content)).toContain(word);
      const newcomer = new Editor({ servers: [base], room, token: reader.token, name: "r2", random: seeded(7) });
      editors.push(newcomer);
      await until(() => newcomer.syncs > 0, "a newcomer receives the stored state", 30_000);
      for (const word of before) expect(bodyText(newcomer.doc)).toContain(word);
      for (const word of during) expect(bodyText(newcomer.doc)).not.toContain(word);
      expect(await logRowCount(db, room)).toBe(rows);
    } finally {
      await ro.allowWrites();
    }

    // The writer's resend goes through once the database takes writes again.
    await converged(editors, 60_000);
    await until(() => app.sync.roomStats(room)?.pending === 0, "stored");
    const verdict = await expectStoredAsEveryoneSees(db, room, editors);
    expect(verdict.words).toBe(10);
    const renamed = await app.inject({ method: "PATCH", url: `/api/standards/${standard.slug}/sections/${section.id}`, headers: editor.auth, payload: { title: "Renamed after" } });
    expect(renamed.statusCode).toBe(200);
  });
});
