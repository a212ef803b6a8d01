import { Kysely, PGliteDialect, PostgresDialect } from "kysely";
import { PGlite, types } from "@electric-sql/pglite";
import pg from "pg";
import type { Database } from "./database";

export type DatabaseKind = "pglite" | "postgres";

export interface DatabaseOptions {
  /** PostgreSQL connection string; when absent the embedded PGlite is used. */
  url?: string;
  /** PGlite data directory; `memory://` keeps it in memory (tests). Ignored with `url`. */
  dataDir?: string;
  /** Schema to use as `search_path` on PostgreSQL (tests isolate themselves by schema). */
  schema?: string;
  /** Largest pg pool. Default 10. */
  poolSize?: number;
}

/** An open database: the typed query builder plus the raw handle that LISTEN/NOTIFY needs. */
export interface DatabaseHandle {
  kind: DatabaseKind;
  db: Kysely<Database>;
  /** Present for PostgreSQL. */
  pool?: pg.Pool;
  /** Present for PGlite. */
  pglite?: PGlite;
  /** The schema in use on PostgreSQL (default `public`). */
  schema: string;
  close(): Promise<void>;
}

/**
 * Opens PostgreSQL through `pg` when `url` is given, else PGlite in `dataDir`.
 * Throws when the database cannot be reached.
 */
export async function openDatabase(options: DatabaseOptions): Promise<DatabaseHandle> {
  if (options.url) {
    const schema = options.schema ?? "public";
    const pool = new pg.Pool({
      connectionString: options.url,
      max: options.poolSize ?? 10,
      options: schema === "public" ? undefined : `-c search_path=${schema}`,
    });
    // A client losing its connection must not crash the process; the next query reports it. The
    // pool catches this for idle clients only: a client checked out between two statements of a
    // transaction (when the server ends its session, say) emits the error on itself.
    pool.on("error", () => {});
    pool.on("connect", (client) => client.on("error", () => {}));
    if (schema !== "public") {
      const client = await pool.connect();
      try {
        await client.query(`create schema if not exists "${schema}"`);
      } finally {
        client.release();
      }
    } else {
      await pool.query("select 1");
    }
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return { kind: "postgres", db, pool, schema, close: () => db.destroy() };
  }
  const pglite = await PGlite.create(options.dataDir ?? "memory://", { parsers: { [types.BYTEA]: parseBytea } });
  const db = new Kysely<Database>({ dialect: new PGliteDialect({ pglite }) });
  return {
    kind: "pglite",
    db,
    pglite,
    schema: "public",
    close: async () => {
      await db.destroy();
      if (!pglite.closed) await pglite.close();
    },
  };
}

/**
 * PGlite's own bytea parser decodes hex digit by digit in JavaScript: about 75 ms per MB, which is
 * most of the time spent loading a large room. Node's native hex decoder does it in well under one.
 * Returns a plain Uint8Array (a copy), as PGlite's parser does.
 */
function parseBytea(text: string): Uint8Array {
  if (!text.startsWith("\\x")) return types.parsers[types.BYTEA]!(text, types.BYTEA) as Uint8Array;
  return new Uint8Array(Buffer.from(text.slice(2), "hex"));
}
