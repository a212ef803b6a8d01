import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { contentToUpdate, digestOf, verifyRelease, type Release } from "@codewright/shared";
import { openDatabase, type DatabaseHandle } from "../../src/db/connect";
import { migrateToLatest } from "../../src/db/migrate";
import { databaseKinds, makeStandard, makeUser } from "../helper";
import { releaseSchemaErrors } from "../releases/support";
import { freePort, scratchPostgres, startServerProcess, type ServerProcess } from "../sync/processes";
import { until } from "./editors";

const SOAK = process.env.SOAK === "1";
/** When, as a fraction of one publish's duration, each kill comes. */
const KILL_AT = SOAK ? [0.05, 0.15, 0.3, 0.45, 0.6, 0.75, 0.9, 1.05] : [0.3, 0.7];
const GROUPS = 40;
const ELEMENTS = 49;

const paragraph = (text: string) => ({ type: "paragraph", content: [{ type: "text", text }] });

/**
 * The server is killed with SIGKILL while it publishes a release of a large standard (2,000
 * sections), then started again. Every release there is afterwards must be whole: listed, valid
 * against the published schema, its digest and signature verifying, its audit entry written; a
 * release whose publishing was cut must be absent altogether.
 */
describe.each(databaseKinds)("a server restart while a release is being published (%s)", (kind) => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterAll(async () => {
    for (const clean of cleanups.reverse()) await clean();
  });

  it(
    "leaves every release complete or absent, never half",
    async () => {
      let open: () => Promise<DatabaseHandle>;
      const port = await freePort();
      const dataDir = mkdtempSync(join(tmpdir(), "codewright-publish-fault-"));
      cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
      const env: Record<string, string> = { PORT: String(port), DATA_DIR: dataDir };
      if (kind === "pglite") {
        open = () => openDatabase({ dataDir });
      } else {
        const scratch = await scratchPostgres();
        cleanups.push(scratch.drop);
        open = () => openDatabase({ url: scratch.url });
        env.DATABASE_URL = scratch.url;
      }

      // A 2,000-section standard, written in bulk as an import would.
      const setup = await open();
      await migrateToLatest(setup.db);
      const standard = await makeStandard(setup.db);
      const admin = await makeUser(setup.db, { admin: true });
      const sections = [];
      for (let g = 0; g < GROUPS; g++) {
        const groupId = randomUUID();
        sections.push({ id: groupId, standard_id: standard.id, parent_id: null, position: g, label: `G-${g + 1}`, title: `Group ${g + 1}`, room: `draft.${groupId}`, deleted_at: null });
        for (let e = 0; e < ELEMENTS; e++) {
          const id = randomUUID();
          sections.push({ id, standard_id: standard.id, parent_id: groupId, position: e, label: `G-${g + 1}.${e + 1}`, title: `Element ${g + 1}.${e + 1}`, room: `draft.${id}`, deleted_at: null });
        }
      }
      const updates = sections.map((s) => ({
        room: s.room,
        seq: "1",
        data: contentToUpdate({ type: "doc", content: [paragraph(`${s.title} requires that every input be validated before use.`), paragraph("Lengths, ranges and formats are checked.")] }),
        author_id: null,
      }));
      for (let k = 0; k < sections.length; k += 500) await setup.db.insertInto("sections").values(sections.slice(k, k + 500)).execute();
      for (let k = 0; k < updates.length; k += 500) await setup.db.insertInto("room_updates").values(updates.slice(k, k + 500)).execute();
      await setup.close();

      let server: ServerProcess = await startServerProcess(env, 180_000);
      cleanups.push(() => server.stop("SIGKILL"));
      const api = `http://127.0.0.1:${port}/api/standards/${standard.slug}/releases`;
      const publish = (version: string) =>
        fetch(api, {
          method: "POST",
          headers: { authorization: `Bearer ${admin.token}`, "content-type": "application/json" },
          body: JSON.stringify({ version, notes: `Release ${version}.` }),
        });

      /** Every listed release is whole and verifies; returns the versions listed. */
      async function listedReleases(): Promise<string[]> {
        const list = (await (await fetch(api)).json()) as { releases: { version: string }[] };
        const keys = await (await fetch(`http://127.0.0.1:${port}/api/keys`)).json();
        for (const { version } of list.releases) {
          const release = (await (await fetch(`${api}/${version}`)).json()) as Release;
          const signature = await (await fetch(`${api}/${version}/signature`)).json();
          expect(releaseSchemaErrors(release), version).toBeNull();
          expect(await verifyRelease(release, signature, keys), version).toMatchObject({ valid: true });
          expect(release.sections).toHaveLength(GROUPS);
          expect(release.sections.every((s) => s.children.length === ELEMENTS)).toBe(true);
        }
        return list.releases.map((r) => r.version);
      }

      // Two whole publishes first; how long the second (warm) one takes tells when to strike.
      const first = await publish("1.0.0");
      expect(first.status, await first.clone().text()).toBe(201);
      const started = Date.now();
      expect((await publish("1.0.1")).status).toBe(201);
      const duration = Date.now() - started;
      expect(await listedReleases()).toEqual(["1.0.1", "1.0.0"]);
      // On PostgreSQL the publishing transaction can be seen open; the kill waits for it.
      const inTransaction = env.DATABASE_URL
        ? async () => {
            const client = new pg.Client({ connectionString: env.DATABASE_URL });
            await client.connect();
            try {
              const { rows } = await client.query<{ n: string }>(
                "select count(*) as n from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid() and xact_start is not null and query ~* '(releases|sections|room_updates)'",
              );
              return Number(rows[0]!.n) > 0;
            } finally {
              await client.end();
            }
          }
        : null;

      /** `inside`: the publishing transaction was seen open before the kill (PostgreSQL only). */
      const outcomes: { version: string; answered: number | "cut"; present: boolean; inside: boolean | null }[] = [];
      for (const [k, fraction] of KILL_AT.entries()) {
        const version = `2.0.${k}`;
        const answered = publish(version).then(
          (r) => r.status,
          () => "cut" as const,
        );
        // Timing the fault, not asserting anything: the kill lands somewhere inside the publish.
        let delay = duration * fraction;
        let inside: boolean | null = null;
        if (inTransaction) {
          const opened = Date.now();
          inside = await until(inTransaction, "the publishing transaction open", 60_000).then(
            () => true,
            () => false,
          );
          delay = Math.max(0, delay - (Date.now() - opened));
        }
        await new Promise((r) => setTimeout(r, delay));
        await server.stop("SIGKILL");
        const answer = await answered;
        server = await startServerProcess(env, 180_000);
        const present = (await listedReleases()).includes(version);
        // A publish the server confirmed is never lost.
        if (answer === 201) expect(present, `${version} was confirmed`).toBe(true);
        outcomes.push({ version, answered: answer, present, inside });
      }

      // Row by row: no release without its signature, a digest that matches its document, a known
      // key and its audit entry; no audit entry for a release that is absent.
      if (kind === "pglite") await server.stop("SIGTERM");
      const check = await open();
      try {
        const rows = await check.db.selectFrom("releases").selectAll().where("standard_id", "=", standard.id).orderBy("sequence").execute();
        const kids = new Set((await check.db.selectFrom("signing_keys").select("kid").execute()).map((r) => r.kid));
        const audited = (await check.db.selectFrom("audit_log").select("subject_id").where("action", "=", "release.publish").where("standard_id", "=", standard.id).execute()).map((r) => r.subject_id);
        expect(rows.map((r) => r.sequence)).toEqual(rows.map((_, i) => i + 1));
        for (const row of rows) {
          expect(row.signature.length, row.version).toBeGreaterThan(40);
          expect(kids.has(row.kid), row.version).toBe(true);
          expect(await digestOf(JSON.parse(row.document) as Release), row.version).toBe(row.digest);
        }
        expect(audited.sort()).toEqual(rows.map((r) => `${standard.id}:${r.version}`).sort());
        expect(rows.map((r) => r.version)).toEqual(["1.0.0", "1.0.1", ...outcomes.filter((o) => o.present).map((o) => o.version)]);
      } finally {
        await check.close();
      }
      console.log(
        `release publish fault (${kind}): one publish takes ${duration} ms; ${outcomes.length} kills mid-publish — ` +
          outcomes.map((o) => `${o.version}: ${o.present ? "complete" : "absent"} (answer ${o.answered}${o.inside ? ", killed inside its transaction" : ""})`).join(", ") +
          "; none half",
      );
    },
    SOAK ? 3600_000 : 600_000,
  );
});
