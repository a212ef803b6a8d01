import { sql, type Kysely } from "kysely";

// The revision workflow: proposals (their base, outline, forked rooms, co-authors,
// votes, decisions) and comment threads with replies and dispositions.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("proposals")
    .addColumn("id", "uuid", (c) => c.primaryKey())
    .addColumn("standard_id", "uuid", (c) => c.notNull().references("standards.id").onDelete("cascade"))
    .addColumn("author_id", "uuid", (c) => c.notNull().references("users.id"))
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("rationale", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("state", "text", (c) => c.notNull().check(sql`state in ('draft', 'open', 'accepted', 'rejected', 'withdrawn')`))
    // The draft outline when the proposal was created: [{id, parentId, position, label, title}].
    .addColumn("base_outline", "jsonb", (c) => c.notNull())
    // The proposal's own outline, as its structural changes left it (same shape).
    .addColumn("outline", "jsonb", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("submitted_at", "timestamptz")
    .addColumn("decided_at", "timestamptz")
    .execute();
  await db.schema.createIndex("proposals_standard_idx").on("proposals").columns(["standard_id", "state"]).execute();
  await db.schema.createIndex("proposals_decided_idx").on("proposals").columns(["standard_id", "decided_at"]).execute();

  // The last sequence number of each draft room when the proposal was created: its base.
  await db.schema
    .createTable("proposal_bases")
    .addColumn("proposal_id", "uuid", (c) => c.notNull().references("proposals.id").onDelete("cascade"))
    .addColumn("room", "text", (c) => c.notNull())
    .addColumn("seq", "bigint", (c) => c.notNull())
    .addPrimaryKeyConstraint("proposal_bases_pkey", ["proposal_id", "room"])
    .execute();
  await db.schema.createIndex("proposal_bases_room_idx").on("proposal_bases").columns(["room", "seq"]).execute();

  // A proposal's own room for a section, created when first written (copy-on-write).
  // `origin_seq` is the log row holding the base state it was forked from; `base_room` is null
  // for a section the proposal adds.
  await db.schema
    .createTable("proposal_rooms")
    .addColumn("proposal_id", "uuid", (c) => c.notNull().references("proposals.id").onDelete("cascade"))
    .addColumn("section_id", "uuid", (c) => c.notNull())
    .addColumn("room", "text", (c) => c.notNull().unique())
    .addColumn("base_room", "text")
    .addColumn("origin_seq", "bigint", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint("proposal_rooms_pkey", ["proposal_id", "section_id"])
    .execute();

  await db.schema
    .createTable("proposal_co_authors")
    .addColumn("proposal_id", "uuid", (c) => c.notNull().references("proposals.id").onDelete("cascade"))
    .addColumn("user_id", "uuid", (c) => c.notNull().references("users.id"))
    .addColumn("added_by", "uuid", (c) => c.references("users.id"))
    .addColumn("added_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint("proposal_co_authors_pkey", ["proposal_id", "user_id"])
    .execute();
  await db.schema.createIndex("proposal_co_authors_user_idx").on("proposal_co_authors").column("user_id").execute();

  // One current vote per member; its history is in the audit log.
  await db.schema
    .createTable("proposal_votes")
    .addColumn("proposal_id", "uuid", (c) => c.notNull().references("proposals.id").onDelete("cascade"))
    .addColumn("user_id", "uuid", (c) => c.notNull().references("users.id"))
    .addColumn("vote", "text", (c) => c.notNull().check(sql`vote in ('approve', 'disapprove', 'abstain')`))
    .addColumn("reason", "text")
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint("proposal_votes_pkey", ["proposal_id", "user_id"])
    .addCheckConstraint("proposal_votes_reason_check", sql`vote <> 'disapprove' or (reason is not null and length(trim(reason)) > 0)`)
    .execute();

  // The editor's decision with the tally frozen as it stood.
  await db.schema
    .createTable("proposal_decisions")
    .addColumn("proposal_id", "uuid", (c) => c.primaryKey().references("proposals.id").onDelete("cascade"))
    .addColumn("outcome", "text", (c) => c.notNull().check(sql`outcome in ('accepted', 'rejected')`))
    .addColumn("decided_by", "uuid", (c) => c.notNull().references("users.id"))
    .addColumn("reason", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("tally", "jsonb", (c) => c.notNull())
    .addColumn("against_tally", "boolean", (c) => c.notNull())
    .addColumn("sections", "jsonb", (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn("decided_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable("comment_threads")
    .addColumn("id", "uuid", (c) => c.primaryKey())
    .addColumn("standard_id", "uuid", (c) => c.notNull().references("standards.id").onDelete("cascade"))
    .addColumn("target_kind", "text", (c) => c.notNull().check(sql`target_kind in ('section', 'proposal', 'proposal_section', 'release_section')`))
    .addColumn("section_id", "uuid")
    .addColumn("proposal_id", "uuid", (c) => c.references("proposals.id").onDelete("cascade"))
    .addColumn("release_version", "text")
    .addColumn("author_id", "uuid", (c) => c.notNull().references("users.id"))
    .addColumn("body", "text", (c) => c.notNull())
    // {start, end, quote, prefix, suffix}: base64 Yjs relative positions and the quoted text.
    .addColumn("anchor", "jsonb")
    .addColumn("state", "text", (c) => c.notNull().defaultTo("open").check(sql`state in ('open', 'resolved')`))
    .addColumn("resolved_by", "uuid", (c) => c.references("users.id"))
    .addColumn("resolved_at", "timestamptz")
    .addColumn("disposition", "text", (c) => c.check(sql`disposition in ('accepted', 'accepted-in-principle', 'rejected', 'noted')`))
    .addColumn("disposition_response", "text")
    .addColumn("disposition_proposal_id", "uuid", (c) => c.references("proposals.id"))
    .addColumn("disposition_by", "uuid", (c) => c.references("users.id"))
    .addColumn("disposition_at", "timestamptz")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex("comment_threads_target_idx").on("comment_threads").columns(["standard_id", "target_kind", "section_id"]).execute();
  await db.schema.createIndex("comment_threads_proposal_idx").on("comment_threads").column("proposal_id").execute();
  await db.schema.createIndex("comment_threads_release_idx").on("comment_threads").columns(["standard_id", "release_version"]).execute();
  await db.schema.createIndex("comment_threads_author_idx").on("comment_threads").column("author_id").execute();

  await db.schema
    .createTable("comment_replies")
    .addColumn("id", "uuid", (c) => c.primaryKey())
    .addColumn("thread_id", "uuid", (c) => c.notNull().references("comment_threads.id").onDelete("cascade"))
    .addColumn("author_id", "uuid", (c) => c.notNull().references("users.id"))
    .addColumn("body", "text", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex("comment_replies_thread_idx").on("comment_replies").columns(["thread_id", "created_at"]).execute();

  // The activity feed reads the audit log by standard and by action.
  await db.schema.createIndex("audit_log_standard_action_idx").on("audit_log").columns(["standard_id", "action", "id"]).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("audit_log_standard_action_idx").ifExists().execute();
  for (const t of ["comment_replies", "comment_threads", "proposal_decisions", "proposal_votes", "proposal_co_authors", "proposal_rooms", "proposal_bases", "proposals"]) {
    await db.schema.dropTable(t).ifExists().cascade().execute();
  }
}
