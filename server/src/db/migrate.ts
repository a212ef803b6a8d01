import { Migrator, type MigrationResultSet } from "kysely/migration";
import { sql, type Kysely } from "kysely";
import { migrations } from "@codewright/migrations";
import type { Database } from "./database";

export class MigrationError extends Error {
  readonly code = "migration_failed";
  constructor(
    readonly migration: string | undefined,
    override readonly cause: unknown,
  ) {
    super(
      `Migration ${migration ?? "(unknown)"} failed: ${cause instanceof Error ? cause.message : String(cause)}. ` +
        "The database was left at the last migration that succeeded; fix the cause and start again.",
    );
  }
}

/**
 * Applies every pending migration in order. `report` hears each one as it finishes.
 * Throws MigrationError naming the migration that failed.
 */
export async function migrateToLatest(
  db: Kysely<Database>,
  report: (line: string) => void = () => {},
): Promise<string[]> {
  // Kysely looks for its bookkeeping tables in every schema unless told which one; with several
  // schemas in one database (tests isolate themselves so) it would find another schema's tables.
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableSchema: rows[0]!.schema,
  });
  const result: MigrationResultSet = await migrator.migrateToLatest();
  const applied: string[] = [];
  for (const r of result.results ?? []) {
    if (r.status === "Success") {
      applied.push(r.migrationName);
      report(`applied ${r.migrationName}`);
    } else if (r.status === "Error") {
      throw new MigrationError(r.migrationName, result.error);
    }
  }
  if (result.error) throw new MigrationError(result.results?.find((r) => r.status !== "Success")?.migrationName, result.error);
  return applied;
}
