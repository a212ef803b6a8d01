import { sql, type Kysely } from "kysely";

// Which release lists each merged proposal among its changes. A release lists the accepted
// proposals that no earlier release lists, so each is listed once, by the first release whose
// draft holds its text, however close together the decision and the publishing were.
// Append-only, like the releases it belongs to.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("release_changes")
    .addColumn("proposal_id", "uuid", (c) => c.primaryKey().references("proposals.id"))
    .addColumn("standard_id", "uuid", (c) => c.notNull())
    .addColumn("version", "text", (c) => c.notNull())
    .addForeignKeyConstraint("release_changes_release_fkey", ["standard_id", "version"], "releases", ["standard_id", "version"])
    .execute();
  await db.schema.createIndex("release_changes_release_idx").on("release_changes").columns(["standard_id", "version"]).execute();

  // What the releases published so far list, each proposal under the first release that lists it.
  await sql`
    insert into release_changes (proposal_id, standard_id, version)
    select distinct on (p.id) p.id, r.standard_id, r.version
    from releases r
    cross join lateral jsonb_array_elements(r.document::jsonb -> 'changes') as c(change)
    join proposals p on p.id::text = c.change ->> 'proposal' and p.standard_id = r.standard_id
    order by p.id, r.sequence`.execute(db);

  await sql`
    create trigger release_changes_no_change before update or delete on release_changes
    for each row execute function codewright_append_only()`.execute(db);
  await sql`
    create trigger release_changes_no_truncate before truncate on release_changes
    for each statement execute function codewright_append_only()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("release_changes").ifExists().execute();
}
