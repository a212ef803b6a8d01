import { sql, type Kysely } from "kysely";

// Revision cycles: a standard's stages toward a new edition with their windows, the inputs
// submitted to a cycle, committee actions, ballot rounds with a frozen roster and named votes,
// and the kind of each release (a cycle's first draft, or an edition).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("standards")
    .addColumn("time_zone", "text", (c) => c.notNull().defaultTo("UTC"))
    .addColumn("ballot_quorum", "double precision", (c) => c.notNull().defaultTo(0.5))
    .addColumn("negative_limit", "double precision")
    .addColumn("recirculation_days", "integer", (c) => c.notNull().defaultTo(14))
    .addColumn("interest_categories", "jsonb", (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .execute();
  await db.schema.alterTable("memberships").addColumn("interest_category", "text").execute();

  await db.schema
    .createTable("cycles")
    .addColumn("id", "uuid", (c) => c.primaryKey())
    .addColumn("standard_id", "uuid", (c) => c.notNull().references("standards.id").onDelete("cascade"))
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("base_version", "text", (c) => c.notNull())
    .addColumn("state", "text", (c) => c.notNull().defaultTo("active").check(sql`state in ('active', 'closed', 'cancelled')`))
    .addColumn("created_by", "uuid", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("ended_at", "timestamptz")
    .addColumn("cancel_reason", "text")
    .addForeignKeyConstraint("cycles_base_fkey", ["standard_id", "base_version"], "releases", ["standard_id", "version"])
    .execute();
  // One active cycle per standard: a second one is refused by the database too.
  await sql`create unique index cycles_one_active on cycles (standard_id) where state = 'active'`.execute(db);

  await db.schema
    .createTable("cycle_stages")
    .addColumn("id", "uuid", (c) => c.primaryKey())
    .addColumn("cycle_id", "uuid", (c) => c.notNull().references("cycles.id").onDelete("cascade"))
    .addColumn("kind", "text", (c) => c.notNull().check(sql`kind in ('input', 'committee', 'comment', 'resolution', 'ballot', 'publication')`))
    .addColumn("position", "integer", (c) => c.notNull())
    .addColumn("opens_at", "timestamptz", (c) => c.notNull())
    .addColumn("closes_at", "timestamptz", (c) => c.notNull())
    // When it really opened (its window had begun and the stage before it was done) and closed.
    .addColumn("opened_at", "timestamptz")
    .addColumn("closed_at", "timestamptz")
    .addUniqueConstraint("cycle_stages_kind_key", ["cycle_id", "kind"])
    .execute();

  // A proposal submitted as input to a cycle, against its base.
  await db.schema.alterTable("proposals").addColumn("cycle_id", "uuid", (c) => c.references("cycles.id")).execute();
  await db.schema.createIndex("proposals_cycle_idx").on("proposals").column("cycle_id").execute();

  // What the committee did with an input: the action, its statement, and the named votes frozen with it.
  await db.schema
    .createTable("committee_actions")
    .addColumn("proposal_id", "uuid", (c) => c.primaryKey().references("proposals.id"))
    .addColumn("cycle_id", "uuid", (c) => c.notNull().references("cycles.id"))
    .addColumn("action", "text", (c) => c.notNull().check(sql`action in ('accept', 'accept-as-modified', 'reject')`))
    .addColumn("statement", "text", (c) => c.notNull())
    .addColumn("tally", "jsonb", (c) => c.notNull())
    .addColumn("votes", "jsonb", (c) => c.notNull())
    .addColumn("acted_by", "uuid", (c) => c.references("users.id"))
    .addColumn("acted_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex("committee_actions_cycle_idx").on("committee_actions").column("cycle_id").execute();

  // Ballot rounds on the whole draft: the first, then recirculations. Each keeps its roster
  // (frozen when it opens), its votes and its result.
  await db.schema
    .createTable("ballot_rounds")
    .addColumn("id", "uuid", (c) => c.primaryKey())
    .addColumn("cycle_id", "uuid", (c) => c.notNull().references("cycles.id").onDelete("cascade"))
    .addColumn("round", "integer", (c) => c.notNull())
    .addColumn("opens_at", "timestamptz", (c) => c.notNull())
    .addColumn("closes_at", "timestamptz", (c) => c.notNull())
    // A fingerprint of the draft's text when the round opened: a change during the round forces another.
    .addColumn("text_fingerprint", "text", (c) => c.notNull())
    .addColumn("closed_at", "timestamptz")
    .addColumn("result", "jsonb")
    .addUniqueConstraint("ballot_rounds_round_key", ["cycle_id", "round"])
    .execute();
  await db.schema
    .createTable("ballot_roster")
    .addColumn("round_id", "uuid", (c) => c.notNull().references("ballot_rounds.id").onDelete("cascade"))
    .addColumn("user_id", "uuid", (c) => c.notNull().references("users.id"))
    .addColumn("interest_category", "text")
    .addPrimaryKeyConstraint("ballot_roster_pkey", ["round_id", "user_id"])
    .execute();
  await db.schema
    .createTable("ballot_votes")
    .addColumn("round_id", "uuid", (c) => c.notNull().references("ballot_rounds.id").onDelete("cascade"))
    .addColumn("user_id", "uuid", (c) => c.notNull().references("users.id"))
    .addColumn("vote", "text", (c) => c.notNull().check(sql`vote in ('approve', 'disapprove', 'abstain')`))
    .addColumn("reason", "text")
    .addColumn("cast_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    // The editors' answer to a negative, shown in the recirculation.
    .addColumn("response", "text")
    .addColumn("responded_by", "uuid", (c) => c.references("users.id"))
    .addColumn("responded_at", "timestamptz")
    .addPrimaryKeyConstraint("ballot_votes_pkey", ["round_id", "user_id"])
    .execute();

  // Releases are a cycle's first draft or an edition; those made before cycles are editions.
  await db.schema
    .alterTable("releases")
    .addColumn("kind", "text", (c) => c.notNull().defaultTo("edition").check(sql`kind in ('edition', 'first-draft')`))
    .addColumn("cycle_id", "uuid", (c) => c.references("cycles.id"))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("releases").dropColumn("cycle_id").dropColumn("kind").execute();
  for (const t of ["ballot_votes", "ballot_roster", "ballot_rounds", "committee_actions"]) await db.schema.dropTable(t).ifExists().execute();
  await db.schema.alterTable("proposals").dropColumn("cycle_id").execute();
  for (const t of ["cycle_stages", "cycles"]) await db.schema.dropTable(t).ifExists().execute();
  await db.schema.alterTable("memberships").dropColumn("interest_category").execute();
  await db.schema
    .alterTable("standards")
    .dropColumn("interest_categories")
    .dropColumn("recirculation_days")
    .dropColumn("negative_limit")
    .dropColumn("ballot_quorum")
    .dropColumn("time_zone")
    .execute();
}
