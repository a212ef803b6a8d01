import { sql, type Kysely } from "kysely";

// One row per room: the counter that hands out log sequence numbers. Appenders take the row lock
// for the length of their transaction, so a room's rows commit in sequence order on every process.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("rooms")
    .addColumn("room", "text", (c) => c.primaryKey())
    // The sequence number the next appended update receives.
    .addColumn("next_seq", "bigint", (c) => c.notNull())
    // Rows up to this sequence number have been merged, one per author and day.
    .addColumn("compacted_seq", "bigint", (c) => c.notNull().defaultTo(0))
    .addColumn("compacted_at", "timestamptz")
    .execute();
  await sql`insert into rooms (room, next_seq) select room, max(seq) + 1 from room_updates group by room`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("rooms").ifExists().execute();
}
