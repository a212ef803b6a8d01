import { sql, type Kysely } from "kysely";

// Published releases and the public keys that signed them. Both are append-only, enforced by the
// database itself: no application path, and no plain SQL, can change or remove what was published.
export async function up(db: Kysely<any>): Promise<void> {
  // Public halves only; the private key never enters the database. Kept forever so old releases stay verifiable.
  await db.schema
    .createTable("signing_keys")
    .addColumn("kid", "text", (c) => c.primaryKey())
    .addColumn("algorithm", "text", (c) => c.notNull().check(sql`algorithm = 'Ed25519'`))
    .addColumn("public_jwk", "text", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable("releases")
    .addColumn("standard_id", "uuid", (c) => c.notNull().references("standards.id"))
    .addColumn("version", "text", (c) => c.notNull().check(sql`version ~ '^[0-9A-Za-z][0-9A-Za-z.+-]{0,63}$' and lower(version) <> 'draft'`))
    // 1 for a standard's first release, then one more each time: releases form a single line.
    .addColumn("sequence", "integer", (c) => c.notNull().check(sql`sequence >= 1`))
    .addColumn("published_at", "timestamptz", (c) => c.notNull())
    .addColumn("previous_version", "text")
    .addColumn("notes", "text", (c) => c.notNull())
    // The canonical JSON of the whole release, exactly the bytes that were signed.
    .addColumn("document", "text", (c) => c.notNull())
    .addColumn("digest", "text", (c) => c.notNull().check(sql`digest ~ '^sha256:[0-9a-f]{64}$'`))
    .addColumn("signature", "text", (c) => c.notNull())
    .addColumn("kid", "text", (c) => c.notNull().references("signing_keys.kid"))
    .addColumn("published_by", "uuid", (c) => c.references("users.id"))
    .addPrimaryKeyConstraint("releases_pkey", ["standard_id", "version"])
    .addUniqueConstraint("releases_sequence_key", ["standard_id", "sequence"])
    .addForeignKeyConstraint("releases_previous_fkey", ["standard_id", "previous_version"], "releases", ["standard_id", "version"])
    .addCheckConstraint("releases_chain_check", sql`(sequence = 1) = (previous_version is null)`)
    .execute();

  await sql`
    create function codewright_append_only() returns trigger language plpgsql as $$
    begin raise exception '% is append-only: published rows cannot be changed or deleted', tg_table_name; end $$`.execute(db);
  for (const table of ["releases", "signing_keys"]) {
    await sql`
      create trigger ${sql.raw(`${table}_no_change`)} before update or delete on ${sql.table(table)}
      for each row execute function codewright_append_only()`.execute(db);
    await sql`
      create trigger ${sql.raw(`${table}_no_truncate`)} before truncate on ${sql.table(table)}
      for each statement execute function codewright_append_only()`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("releases").ifExists().execute();
  await db.schema.dropTable("signing_keys").ifExists().execute();
  await sql`drop function if exists codewright_append_only()`.execute(db);
}
