import { sql, type Kysely } from "kysely";

// Readers become participants: verified self-service accounts, one-time tokens for verifying an
// address and resetting a password, sign-in through an OpenID provider, a mail queue, watches,
// notifications, an outbox of events to notify about, deadlines to remind of, and webhooks with
// their delivery queue.
export async function up(db: Kysely<any>): Promise<void> {
  // Accounts made before self-service registration were made by an admin, an invite or the first
  // start: their addresses count as verified.
  await db.schema
    .alterTable("users")
    .addColumn("email_verified_at", "timestamptz")
    .addColumn("affiliation", "text")
    .addColumn("email_notifications", "text", (c) => c.notNull().defaultTo("daily").check(sql`email_notifications in ('immediate', 'daily', 'off')`))
    .execute();
  await sql`update users set email_verified_at = created_at`.execute(db);

  // Keys the server makes for itself on first use and every process shares (e.g. the one that
  // signs unsubscribe links), by name.
  await db.schema
    .createTable("server_secrets")
    .addColumn("name", "text", (c) => c.primaryKey())
    .addColumn("value", "text", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  // Verification and password-reset links: single use, expiring, stored as hashes.
  await db.schema
    .createTable("user_tokens")
    .addColumn("id", "uuid", (c) => c.primaryKey())
    .addColumn("user_id", "uuid", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("purpose", "text", (c) => c.notNull().check(sql`purpose in ('verify', 'reset')`))
    .addColumn("token_hash", "text", (c) => c.notNull().unique())
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("expires_at", "timestamptz", (c) => c.notNull())
    .addColumn("used_at", "timestamptz")
    .execute();
  await db.schema.createIndex("user_tokens_user_idx").on("user_tokens").columns(["user_id", "purpose"]).execute();

  // An identity at an OpenID provider, linked to one account.
  await db.schema
    .createTable("oidc_identities")
    .addColumn("issuer", "text", (c) => c.notNull())
    .addColumn("subject", "text", (c) => c.notNull())
    .addColumn("user_id", "uuid", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint("oidc_identities_pkey", ["issuer", "subject"])
    .execute();
  // A sign-in started at the provider and not yet completed: keyed by the hash of its state, used once.
  await db.schema
    .createTable("oidc_flows")
    .addColumn("state_hash", "text", (c) => c.primaryKey())
    .addColumn("nonce", "text", (c) => c.notNull())
    .addColumn("code_verifier", "text", (c) => c.notNull())
    .addColumn("return_to", "text", (c) => c.notNull().defaultTo("/"))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("expires_at", "timestamptz", (c) => c.notNull())
    .execute();

  // Mail waiting to be sent, and what became of it. A message is claimed by one sender at a time
  // (`locked_until`), retried with backoff, and marked sent once.
  await db.schema
    .createTable("mail_queue")
    .addColumn("id", "uuid", (c) => c.primaryKey())
    .addColumn("message_id", "text", (c) => c.notNull().unique())
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("to_address", "text", (c) => c.notNull())
    .addColumn("user_id", "uuid", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("subject", "text", (c) => c.notNull())
    .addColumn("text_body", "text", (c) => c.notNull())
    .addColumn("html_body", "text", (c) => c.notNull())
    .addColumn("headers", "jsonb", (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("next_attempt_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("locked_until", "timestamptz")
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("last_error", "text")
    .addColumn("sent_at", "timestamptz")
    .addColumn("failed_at", "timestamptz")
    .execute();
  await sql`create index mail_queue_pending_idx on mail_queue (next_attempt_at) where sent_at is null and failed_at is null`.execute(db);

  // What a user follows: a standard, a section, a proposal or a comment thread.
  await db.schema
    .createTable("watches")
    .addColumn("user_id", "uuid", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("kind", "text", (c) => c.notNull().check(sql`kind in ('standard', 'section', 'proposal', 'thread')`))
    .addColumn("target_id", "uuid", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint("watches_pkey", ["user_id", "kind", "target_id"])
    .execute();
  await db.schema.createIndex("watches_target_idx").on("watches").columns(["kind", "target_id"]).execute();

  // Events recorded in the transaction of the change they describe, waiting to be turned into
  // notifications and webhook deliveries. A row is claimed by one dispatcher and deleted once done.
  await db.schema
    .createTable("event_outbox")
    .addColumn("id", "bigserial", (c) => c.primaryKey())
    .addColumn("event", "text", (c) => c.notNull())
    .addColumn("standard_id", "uuid", (c) => c.notNull())
    .addColumn("actor_id", "uuid")
    .addColumn("payload", "jsonb", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  // One user's notifications. `mailed_at` is set when an immediate message or a digest carried it.
  await db.schema
    .createTable("notifications")
    .addColumn("id", "bigserial", (c) => c.primaryKey())
    .addColumn("user_id", "uuid", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("event", "text", (c) => c.notNull())
    .addColumn("standard_id", "uuid", (c) => c.notNull())
    .addColumn("actor_id", "uuid")
    .addColumn("payload", "jsonb", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("read_at", "timestamptz")
    .addColumn("mailed_at", "timestamptz")
    .execute();
  await db.schema.createIndex("notifications_user_idx").on("notifications").columns(["user_id", "id"]).execute();
  await sql`create index notifications_unmailed_idx on notifications (user_id) where mailed_at is null`.execute(db);
  // When each user's last daily digest went out.
  await db.schema
    .createTable("digest_runs")
    .addColumn("user_id", "uuid", (c) => c.primaryKey().references("users.id").onDelete("cascade"))
    .addColumn("last_sent_at", "timestamptz", (c) => c.notNull())
    .execute();

  // Dates by which something closes (a comment period, a ballot): watchers are reminded before.
  await db.schema
    .createTable("deadlines")
    .addColumn("id", "uuid", (c) => c.primaryKey())
    .addColumn("standard_id", "uuid", (c) => c.notNull().references("standards.id").onDelete("cascade"))
    .addColumn("kind", "text", (c) => c.notNull().check(sql`kind in ('comment-period', 'ballot')`))
    .addColumn("subject_type", "text", (c) => c.notNull())
    .addColumn("subject_id", "text", (c) => c.notNull())
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("closes_at", "timestamptz", (c) => c.notNull())
    .addColumn("reminded_at", "timestamptz")
    .execute();
  await sql`create index deadlines_pending_idx on deadlines (closes_at) where reminded_at is null`.execute(db);

  // Webhooks of a standard. The secret signs deliveries, so it is kept as given, never shown again.
  await db.schema
    .createTable("webhooks")
    .addColumn("id", "uuid", (c) => c.primaryKey())
    .addColumn("standard_id", "uuid", (c) => c.notNull().references("standards.id").onDelete("cascade"))
    .addColumn("url", "text", (c) => c.notNull())
    .addColumn("events", sql`text[]`, (c) => c.notNull())
    .addColumn("secret", "text", (c) => c.notNull())
    .addColumn("created_by", "uuid", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex("webhooks_standard_idx").on("webhooks").column("standard_id").execute();
  await db.schema
    .createTable("webhook_deliveries")
    .addColumn("id", "uuid", (c) => c.primaryKey())
    .addColumn("webhook_id", "uuid", (c) => c.notNull().references("webhooks.id").onDelete("cascade"))
    .addColumn("event", "text", (c) => c.notNull())
    .addColumn("payload", "jsonb", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull().defaultTo("pending").check(sql`status in ('pending', 'delivered', 'failed')`))
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("last_status_code", "integer")
    .addColumn("last_error", "text")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("next_attempt_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("locked_until", "timestamptz")
    .addColumn("delivered_at", "timestamptz")
    .execute();
  await db.schema.createIndex("webhook_deliveries_webhook_idx").on("webhook_deliveries").columns(["webhook_id", "created_at"]).execute();
  await sql`create index webhook_deliveries_pending_idx on webhook_deliveries (next_attempt_at) where status = 'pending'`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ["webhook_deliveries", "webhooks", "deadlines", "digest_runs", "notifications", "event_outbox", "watches", "mail_queue", "oidc_flows", "oidc_identities", "user_tokens", "server_secrets"]) {
    await db.schema.dropTable(t).ifExists().execute();
  }
  await db.schema.alterTable("users").dropColumn("email_notifications").dropColumn("affiliation").dropColumn("email_verified_at").execute();
}
