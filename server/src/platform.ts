import { readFile } from "node:fs/promises";
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { sql } from "kysely";
import type { Config } from "./config";
import { openDatabase, type DatabaseHandle } from "./db/connect";
import { migrateToLatest } from "./db/migrate";
import { ensureFirstAdmin, type FirstAdmin } from "./domain/bootstrap";
import { importStandard } from "./domain/importer";
import { publishRelease } from "./domain/releases/publish";
import type { ReleaseSigner } from "./domain/releases/signing";
import { workflowRecords } from "./domain/proposals";

/** The sample building code loaded on first start. */
export const SAMPLE_PATH = resolve(import.meta.dirname, "../seed/building-code.md");
export const SAMPLE_SLUG = "medical-device-software-security";
/** The sample is published as this release when it is loaded, so readers land on published text and can comment on it. */
export const SAMPLE_VERSION = "1.0.0";
/** Where the built client is, unless CLIENT_DIR says otherwise. */
export const DEFAULT_CLIENT_DIR = resolve(import.meta.dirname, "../../client/dist");

/** Opens the configured database (creating the PGlite directory) and applies pending migrations. */
export async function openMigratedDatabase(config: Config, report: (line: string) => void): Promise<DatabaseHandle> {
  if (!config.databaseUrl) mkdirSync(config.dataDir, { recursive: true });
  const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
  try {
    const applied = await migrateToLatest(database.db, report);
    if (applied.length === 0) report("database schema is up to date");
  } catch (err) {
    await database.close();
    throw err;
  }
  return database;
}

export interface Prepared {
  firstAdmin: FirstAdmin | null;
  seeded: number | null;
}

/** Any fixed number: the advisory lock that lets one process at a time do first-start work. */
const FIRST_START_LOCK = 7_031_962_114;

/**
 * First-start work: an admin, and the sample building code when the database holds no standard yet,
 * published as release 1.0.0 when a `signer` is given (the server's; tests may leave it out).
 * Processes starting together against one database take turns, so only the first one does it.
 */
export async function prepareData(database: DatabaseHandle, config: Config, report: (line: string) => void, signer?: ReleaseSigner): Promise<Prepared> {
  return database.db.connection().execute(async (db) => {
    await sql`select pg_advisory_lock(${FIRST_START_LOCK})`.execute(db);
    try {
      const firstAdmin = await ensureFirstAdmin(db, config.adminEmail, config.adminPassword);
      let seeded: number | null = null;
      if (config.seed === "sample") {
        const any = await db.selectFrom("standards").select("id").executeTakeFirst();
        if (!any) {
          const markdown = await readFile(SAMPLE_PATH, "utf8");
          let last = 0;
          const result = await importStandard(db, markdown, SAMPLE_SLUG, null, (done, total) => {
            const pct = Math.floor((done / total) * 10);
            if (pct !== last || done === total) report(`loading the sample building code: ${done}/${total} sections`);
            last = pct;
          });
          seeded = result.sections;
          if (signer) {
            const standard = await db.selectFrom("standards").selectAll().where("slug", "=", SAMPLE_SLUG).executeTakeFirstOrThrow();
            await publishRelease(db, standard, { version: SAMPLE_VERSION, notes: "The sample building code, as first loaded." }, null, signer, workflowRecords);
            report(`published the sample as release ${SAMPLE_VERSION}`);
          }
        }
      }
      return { firstAdmin, seeded };
    } finally {
      await sql`select pg_advisory_unlock(${FIRST_START_LOCK})`.execute(db);
    }
  });
}
