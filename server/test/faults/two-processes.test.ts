import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/connect";
import { migrateToLatest } from "../../src/db/migrate";
import { makeStandard, makeUser, type TestUser } from "../helper";
import { makeSection } from "../sync/helpers";
import { scratchPostgres, startServerProcess, type ServerProcess } from "../sync/processes";
import { bodyText, converged, Editor, expectStoredAsEveryoneSees, seeded, Typing, until } from "./editors";

const SOAK = process.env.SOAK === "1";
const PER_PROCESS = SOAK ? 25 : 8;

/**
 * Two server processes share PostgreSQL; one is killed with SIGKILL mid-session. The editors on the
 * survivor keep working throughout; the killed one's editors move to the survivor by themselves
 * and converge; the database holds exactly what everyone sees.
 */
describe.skipIf(!process.env.TEST_DATABASE_URL)("two server processes, one killed", () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterAll(async () => {
    for (const clean of cleanups.reverse()) await clean();
  });

  it(
    "keeps the survivor's editors working and brings the killed one's editors over",
    async () => {
      const scratch = await scratchPostgres();
      cleanups.push(scratch.drop);
      const setup = await openDatabase({ url: scratch.url });
      cleanups.push(() => setup.close());
      await migrateToLatest(setup.db);
      const standard = await makeStandard(setup.db, { isPublic: false });
      const users: TestUser[] = [];
      for (let i = 0; i < 4; i++) {
        const user = await makeUser(setup.db, { name: `Editor ${i}` });
        await setup.db.insertInto("memberships").values({ standard_id: standard.id, user_id: user.id, role: "editor" }).execute();
        users.push(user);
      }
      const room = await makeSection(setup.db, standard, "Edited through two processes.");
      const keys = mkdtempSync(join(tmpdir(), "codewright-two-keys-"));
      cleanups.push(() => rmSync(keys, { recursive: true, force: true }));

      const [doomed, survivor]: ServerProcess[] = await Promise.all([
        startServerProcess({ DATABASE_URL: scratch.url, DATA_DIR: keys }, 180_000),
        startServerProcess({ DATABASE_URL: scratch.url, DATA_DIR: keys }, 180_000),
      ]);
      cleanups.push(() => doomed!.stop("SIGKILL"), () => survivor!.stop());
      const editor = (i: number, servers: string[]) =>
        new Editor({ servers, room, token: users[i % users.length]!.token, name: `t${i + 1}`, random: seeded(500 + i), reconnectMs: 200 });
      // Each editor prefers one process and falls back to the other when it stops answering.
      const onDoomed = Array.from({ length: PER_PROCESS }, (_, i) => editor(i, [doomed!.sync, survivor!.sync]));
      const onSurvivor = Array.from({ length: PER_PROCESS }, (_, i) => editor(PER_PROCESS + i, [survivor!.sync, doomed!.sync]));
      const editors = [...onDoomed, ...onSurvivor];
      cleanups.push(() => editors.forEach((e) => e.destroy()));
      await converged(editors, 120_000);

      const typing = new Typing(editors, seeded(99), { tickMs: 40, perTick: 2 });
      const ticks = typing.ticks;
      await until(() => typing.ticks > ticks + 50, "a session under way", 120_000);
      const connections = onSurvivor.map((e) => e.connections);
      await doomed!.stop("SIGKILL");

      // The survivor's editors never lost their connection, and still hear each other.
      const probe = onSurvivor[0]!.type();
      await until(() => onSurvivor.every((e) => bodyText(e.doc).includes(` ${probe} `)), "the survivor's editors still hear each other", 60_000);
      expect(onSurvivor.map((e) => e.connections)).toEqual(connections);
      expect(onSurvivor.every((e) => e.closes.length === 0)).toBe(true);

      // The killed process's editors come over to the survivor and catch up.
      await until(() => onDoomed.every((e) => e.synced && e.server === survivor!.sync), "the killed process's editors on the survivor", 120_000);
      await typing.stop();
      await converged(editors, 120_000);
      const verdict = await expectStoredAsEveryoneSees(setup.db, room, editors);
      console.log(
        `two-process fault: 1 of 2 processes killed, ${editors.length} editors (${PER_PROCESS} moved over), ${verdict.words} words kept and ${verdict.deleted} deleted, 0 lost, 0 stored twice`,
      );
    },
    SOAK ? 3600_000 : 600_000,
  );
});
