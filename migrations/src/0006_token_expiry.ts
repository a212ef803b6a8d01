import type { Kysely } from "kysely";

// API tokens may expire, and their owner lists them: an expiry column (null: never expires) and
// an index to find a user's tokens.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("api_tokens").addColumn("expires_at", "timestamptz").execute();
  await db.schema.createIndex("api_tokens_user_idx").on("api_tokens").column("user_id").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("api_tokens_user_idx").ifExists().execute();
  await db.schema.alterTable("api_tokens").dropColumn("expires_at").execute();
}
