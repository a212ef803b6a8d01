import { sql, type Kysely } from "kysely";

// The final report of a revision cycle: built once when the cycle has ended, then kept as the
// exact canonical JSON that was digested (and is signed), append-only like releases.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("cycle_reports")
    .addColumn("cycle_id", "uuid", (c) => c.primaryKey().references("cycles.id"))
    .addColumn("document", "text", (c) => c.notNull())
    .addColumn("digest", "text", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`
    create trigger cycle_reports_no_change before update or delete on cycle_reports
    for each row execute function codewright_append_only()`.execute(db);
  await sql`
    create trigger cycle_reports_no_truncate before truncate on cycle_reports
    for each statement execute function codewright_append_only()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("cycle_reports").ifExists().execute();
}
