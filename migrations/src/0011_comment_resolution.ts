import { sql, type Kysely } from "kysely";

// Comment resolution: the ballot practice's seven dispositions (`accepted-in-principle` becomes
// `accepted-with-modification`), a duplicate's original, typed comments that may carry proposed
// text, and the commenter's answer to the disposition.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table comment_threads drop constraint comment_threads_disposition_check`.execute(db);
  await db.updateTable("comment_threads").set({ disposition: "accepted-with-modification" }).where("disposition", "=", "accepted-in-principle").execute();
  await sql`alter table comment_threads add constraint comment_threads_disposition_check check (disposition in ('accepted', 'accepted-with-modification', 'rejected', 'deferred', 'duplicate', 'not-related', 'noted'))`.execute(
    db,
  );
  await db.schema
    .alterTable("comment_threads")
    .addColumn("disposition_duplicate_of", "uuid", (c) => c.references("comment_threads.id").onDelete("set null"))
    .addColumn("kind", "text", (c) => c.notNull().defaultTo("general").check(sql`kind in ('editorial', 'technical', 'general')`))
    .addColumn("proposed_text", "text")
    .addColumn("answer", "text", (c) => c.check(sql`answer in ('satisfied', 'unsatisfied', 'withdrawn')`))
    .addColumn("answer_note", "text")
    .addColumn("answer_at", "timestamptz")
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("comment_threads")
    .dropColumn("disposition_duplicate_of")
    .dropColumn("kind")
    .dropColumn("proposed_text")
    .dropColumn("answer")
    .dropColumn("answer_note")
    .dropColumn("answer_at")
    .execute();
  await sql`alter table comment_threads drop constraint comment_threads_disposition_check`.execute(db);
  await db.updateTable("comment_threads").set({ disposition: "accepted-in-principle" }).where("disposition", "=", "accepted-with-modification").execute();
  await db.updateTable("comment_threads").set({ disposition: "noted" }).where("disposition", "in", ["deferred", "duplicate", "not-related"]).execute();
  await sql`alter table comment_threads add constraint comment_threads_disposition_check check (disposition in ('accepted', 'accepted-in-principle', 'rejected', 'noted'))`.execute(db);
}
