import { execFileSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "../../src/db/connect";
import { migrateToLatest } from "../../src/db/migrate";
import type { StandardRow } from "../../src/db/tables/standards";
import { makeStandard, makeUser, type TestUser } from "../helper";
import { makeSection } from "../sync/helpers";
import { freePort, startServerProcess, type ServerProcess } from "../sync/processes";
import { converged, Editor, expectStoredAsEveryoneSees, seeded, Typing, until } from "./editors";

const SOAK = process.env.SOAK === "1";
const RESTARTS = SOAK ? 4 : 1;

/** PostgreSQL's programs, to run a throw-away cluster of our own; null (with the reason) when this machine cannot. */
function postgresPrograms(): { bin: string; uid: number; gid: number } | string {
  const root = "/usr/lib/postgresql";
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  const bin = versions.map((v) => join(root, v, "bin")).find((b) => existsSync(join(b, "initdb")) && existsSync(join(b, "pg_ctl")));
  if (!bin) return "no initdb/pg_ctl under /usr/lib/postgresql";
  if (process.getuid?.() !== 0) return "initdb must run as the postgres user, which needs root here";
  try {
    const uid = Number(execFileSync("id", ["-u", "postgres"]).toString());
    const gid = Number(execFileSync("id", ["-g", "postgres"]).toString());
    execFileSync("runuser", ["--help"], { stdio: "ignore" });
    return { bin, uid, gid };
  } catch {
    return "no postgres user or no runuser";
  }
}

const programs = postgresPrograms();

/** A PostgreSQL cluster in a temporary directory, owned by this test alone. */
class Cluster {
  readonly dir: string;
  readonly port: number;

  private constructor(
    private readonly bin: string,
    dir: string,
    port: number,
  ) {
    this.dir = dir;
    this.port = port;
  }

  static async create(p: { bin: string; uid: number; gid: number }): Promise<Cluster> {
    const dir = mkdtempSync(join(tmpdir(), "codewright-pg-fault-"));
    chownSync(dir, p.uid, p.gid);
    const cluster = new Cluster(p.bin, dir, await freePort());
    cluster.run("initdb", "-D", join(dir, "data"), "-A", "trust", "-U", "postgres", "--no-sync");
    cluster.start();
    return cluster;
  }

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  start(): void {
    this.run("pg_ctl", "-D", join(this.dir, "data"), "-o", `-p ${this.port} -k ${this.dir} -h 127.0.0.1 -c fsync=off`, "-l", join(this.dir, "log"), "-w", "-t", "120", "start");
  }

  /** Stops at once, as a crash would: no checkpoint, every connection cut. */
  crash(): void {
    this.run("pg_ctl", "-D", join(this.dir, "data"), "-m", "immediate", "stop");
  }

  destroy(): void {
    try {
      this.crash();
    } catch {
      /* already stopped */
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  private run(program: string, ...args: string[]): void {
    execFileSync("runuser", ["-u", "postgres", "--", join(this.bin, program), ...args], { stdio: ["ignore", "ignore", "pipe"], timeout: 180_000 });
  }
}

/**
 * PostgreSQL itself goes down in the middle of a session and comes back. While it is down the room
 * refuses new updates with the saving-paused signal and upgrades are refused with a 503; once it is
 * back the editors reconnect and converge, and the database holds exactly what they see.
 */
// It runs with the PostgreSQL suites (TEST_DATABASE_URL set, as CI does) and then needs PostgreSQL's
// own programs: a machine that has PostgreSQL but not them fails, rather than passing untested.
describe.skipIf(!process.env.TEST_DATABASE_URL)("PostgreSQL restarted mid-session", () => {
  let cluster: Cluster;
  let server: ServerProcess;
  let database: DatabaseHandle;
  let standard: StandardRow;
  const users: TestUser[] = [];
  const editors: Editor[] = [];

  beforeAll(async () => {
    if (typeof programs === "string") throw new Error(`This test runs a PostgreSQL cluster of its own and cannot here: ${programs}. Install PostgreSQL's server package (apt-get install -y postgresql) and run as root.`);
    cluster = await Cluster.create(programs);
    database = await openDatabase({ url: cluster.url, poolSize: 2 });
    await migrateToLatest(database.db);
    standard = await makeStandard(database.db, { isPublic: false });
    for (let i = 0; i < 5; i++) {
      const user = await makeUser(database.db, { name: `Editor ${i}` });
      await database.db.insertInto("memberships").values({ standard_id: standard.id, user_id: user.id, role: "editor" }).execute();
      users.push(user);
    }
    server = await startServerProcess({ DATABASE_URL: cluster.url, DATA_DIR: join(cluster.dir, "keys") }, 180_000);
  }, 300_000);

  afterAll(async () => {
    for (const e of editors) e.destroy();
    await server?.stop("SIGKILL");
    await database?.close().catch(() => {});
    cluster?.destroy();
  });

  it(
    "pauses saving while the database is down and loses nothing when it is back",
    async () => {
      const room = await makeSection(database.db, standard, "Typed through a database restart.");
      for (let i = 0; i < 10; i++) {
        editors.push(new Editor({ servers: [server.sync], room, token: users[i % users.length]!.token, name: `p${i + 1}`, random: seeded(300 + i), reconnectMs: 200 }));
      }
      await converged(editors, 120_000);
      const typing = new Typing(editors, seeded(7), { tickMs: 30, perTick: 2 });
      const received = () => editors.reduce((n, e) => n + e.received.length, 0);

      for (let k = 0; k < RESTARTS; k++) {
        const start = received();
        await until(() => received() > start + 100, "a session under way", 120_000);
        const closes = editors.map((e) => e.closes.length);
        const refusals = editors.map((e) => e.refusals.length);
        cluster.crash();

        // Updates are refused with "saving paused" (1013), and new connections with a 503.
        await until(() => editors.some((e, i) => e.closes.slice(closes[i]).some((c) => c.code === 1013)), "saving paused", 60_000);
        const paused = editors.flatMap((e, i) => e.closes.slice(closes[i]!)).find((c) => c.code === 1013)!;
        expect(paused.reason).toMatch(/^saving_paused/);
        await until(() => editors.some((e, i) => e.refusals.length > refusals[i]!), "a refused upgrade", 60_000);
        const refusal = editors.flatMap((e, i) => e.refusals.slice(refusals[i]!))[0]!;
        expect(refusal.status).toBe(503);
        expect(["saving_paused", "database_unavailable"]).toContain(refusal.code);
        // The process is up and answers HTTP (whatever the health check makes of the database).
        const health = await fetch(`${server.http}/api/health`).catch(() => null);
        expect(health, "the server answers").not.toBeNull();
        expect(server.child.exitCode).toBeNull();

        cluster.start();
        const connections = editors.map((e) => e.connections);
        await until(() => editors.every((e, i) => e.synced && e.connections > connections[i]!), "every editor back", 120_000);
      }
      await typing.stop();
      await converged(editors, 120_000);
      await database.close().catch(() => {});
      database = await openDatabase({ url: cluster.url, poolSize: 2 });
      const verdict = await expectStoredAsEveryoneSees(database.db, room, editors);
      console.log(
        `PostgreSQL restart fault: ${RESTARTS} crash(es) of the database, ${editors.length} editors, ${verdict.words} words kept and ${verdict.deleted} deleted, 0 lost, 0 stored twice`,
      );
      expect(verdict.words).toBeGreaterThan(20);
    },
    SOAK ? 3600_000 : 600_000,
  );
});
