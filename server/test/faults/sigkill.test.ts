import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "../../src/db/connect";
import { migrateToLatest } from "../../src/db/migrate";
import { databaseKinds, makeStandard, makeUser, type TestUser } from "../helper";
import { makeSection } from "../sync/helpers";
import { freePort, scratchPostgres, startServerProcess, type ServerProcess } from "../sync/processes";
import { converged, Editor, expectStoredAsEveryoneSees, seeded, Typing, until } from "./editors";

const SOAK = process.env.SOAK === "1";
const EDITORS = 50;
/** Kill-and-restart cycles in one session. */
const KILLS = SOAK ? 5 : 1;

/**
 * The server process is killed with SIGKILL while 50 editors type in one section, then started
 * again on the same data and port. The editors keep typing through the outage, reconnect by
 * themselves and converge; the database then holds exactly what every one of them sees.
 */
describe.each(databaseKinds)("SIGKILL of the server during a 50-editor session (%s)", (kind) => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterAll(async () => {
    for (const clean of cleanups.reverse()) await clean();
  });

  it(
    `editors reconnect after ${KILLS === 1 ? "a restart" : `${KILLS} restarts`} and converge, with nothing acknowledged lost and nothing stored twice`,
    async () => {
      let open: () => Promise<DatabaseHandle>;
      const port = await freePort();
      const env: Record<string, string> = { PORT: String(port) };
      if (kind === "pglite") {
        const dir = mkdtempSync(join(tmpdir(), "codewright-sigkill-"));
        cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
        open = () => openDatabase({ dataDir: dir });
        env.DATA_DIR = dir;
      } else {
        const scratch = await scratchPostgres();
        cleanups.push(scratch.drop);
        open = () => openDatabase({ url: scratch.url });
        env.DATABASE_URL = scratch.url;
        env.DATA_DIR = mkdtempSync(join(tmpdir(), "codewright-sigkill-keys-"));
        cleanups.push(() => rmSync(env.DATA_DIR!, { recursive: true, force: true }));
      }
      const setup = await open();
      await migrateToLatest(setup.db);
      const standard = await makeStandard(setup.db, { isPublic: false });
      const users: TestUser[] = [];
      for (let i = 0; i < 10; i++) {
        const user = await makeUser(setup.db, { name: `Editor ${i}` });
        await setup.db.insertInto("memberships").values({ standard_id: standard.id, user_id: user.id, role: "editor" }).execute();
        users.push(user);
      }
      const room = await makeSection(setup.db, standard, "The section everyone edits.");
      await setup.close();

      let server: ServerProcess = await startServerProcess(env, 180_000);
      cleanups.push(() => server.stop("SIGKILL"));
      const sync = `ws://127.0.0.1:${port}/sync`;
      const editors = Array.from(
        { length: EDITORS },
        (_, i) => new Editor({ servers: [sync], room, token: users[i % users.length]!.token, name: `e${i + 1}`, random: seeded(1000 + i), reconnectMs: 200 }),
      );
      cleanups.push(() => editors.forEach((e) => e.destroy()));
      await converged(editors, 120_000);

      const random = seeded(42);
      const typing = new Typing(editors, random, { tickMs: 50, perTick: 2 });
      const received = () => editors.reduce((n, e) => n + e.received.length, 0);
      for (let k = 0; k < KILLS; k++) {
        const before = received();
        const ticks = typing.ticks;
        await until(() => typing.ticks > ticks + 60 && received() > before + 300, "a burst under way", 120_000);
        // Killed the moment a frame reaches an editor: had the server sent before storing, this is
        // when it would show.
        await new Promise<void>((done) => {
          const count = received();
          const timer = setInterval(() => {
            if (received() > count) {
              clearInterval(timer);
              server.child.kill("SIGKILL");
              done();
            }
          }, 1);
        });
        await server.stop("SIGKILL");
        const ticksAtKill = typing.ticks;
        const connectionsAtKill = editors.map((e) => e.connections);
        server = await startServerProcess(env, 180_000);
        expect(typing.ticks, "editors typed while the server was down").toBeGreaterThan(ticksAtKill);
        await until(() => editors.every((e, i) => e.synced && e.connections > connectionsAtKill[i]!), "every editor back", 120_000);
      }
      await typing.stop();
      await converged(editors, 180_000);

      // PGlite serves one process: the server stops (storing what it holds) before the check opens it.
      if (kind === "pglite") await server.stop("SIGTERM");
      const after = await open();
      try {
        const verdict = await expectStoredAsEveryoneSees(after.db, room, editors);
        console.log(
          `SIGKILL fault (${kind}): ${EDITORS} editors, ${KILLS} kill(s), ${verdict.words} words kept and ${verdict.deleted} deleted, ` +
            `${verdict.acknowledged} acknowledged updates all stored, ${verdict.rows} log rows, 0 lost, 0 stored twice`,
        );
        expect(verdict.words).toBeGreaterThan(100);
      } finally {
        await after.close();
      }
    },
    SOAK ? 3600_000 : 900_000,
  );
});
