import type { Kysely } from "kysely";

// A deadline is scheduled again (moved, or its reminder reset) rather than added twice: one row
// per thing that closes.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex("deadlines_subject_idx").on("deadlines").columns(["kind", "subject_type", "subject_id"]).unique().execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("deadlines_subject_idx").ifExists().execute();
}
