import { sql, type Kysely } from "kysely";

// The latest encoded state of a room, so loading a room with a long history reads one row
// instead of its whole log. A cache derived from the log: the state of every row up to `seq`,
// nothing else. The log stays the record; rows after `seq` are applied on top when loading.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("room_snapshots")
    .addColumn("room", "text", (c) => c.primaryKey().references("rooms.room").onDelete("cascade"))
    .addColumn("seq", "bigint", (c) => c.notNull())
    // Y.encodeStateAsUpdate of the room's document holding exactly the rows up to `seq`.
    .addColumn("state", "bytea", (c) => c.notNull())
    // Y.encodeStateVector of the same document.
    .addColumn("state_vector", "bytea", (c) => c.notNull())
    .addColumn("taken_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("room_snapshots").ifExists().execute();
}
