import { sql } from "kysely";
import type { Db } from "../db/database";
import { numberSections, type NumberedSection } from "./sections";

/** Standards whose numbered outline is kept; the least recently read goes first. */
const CAPACITY = 64;

/**
 * The numbered outlines of the standards being read, so a read does not fetch and number every
 * section again. An entry is used only while a fingerprint of its sections' rows (every column of
 * every live section, hashed in the database) is unchanged, so a change made by any process, in
 * any way, is seen by the next read. Checking costs one aggregate over the rows in the database,
 * a fraction of fetching them.
 */
export class OutlineCache {
  readonly #entries = new Map<string, { fingerprint: string; sections: NumberedSection[] }>();

  /** The live sections of a standard, in outline order, numbered. */
  async get(db: Db, standardId: string): Promise<NumberedSection[]> {
    const cached = this.#entries.get(standardId);
    if (cached && cached.fingerprint === (await fingerprint(db, standardId))) {
      this.#entries.delete(standardId);
      this.#entries.set(standardId, cached);
      return cached.sections;
    }
    // The rows and their fingerprint come from one statement, so they describe the same state.
    const rows = await db
      .selectFrom("sections as s")
      .selectAll("s")
      .select(sql<string | null>`(${fingerprintQuery(standardId)})`.as("fingerprint"))
      .where("s.standard_id", "=", standardId)
      .where("s.deleted_at", "is", null)
      .execute();
    const sections = numberSections(rows.map(({ fingerprint: _f, ...row }) => row));
    const current = rows[0]?.fingerprint;
    this.#entries.delete(standardId);
    if (current) {
      this.#entries.set(standardId, { fingerprint: current, sections });
      if (this.#entries.size > CAPACITY) this.#entries.delete(this.#entries.keys().next().value!);
    }
    return sections;
  }
}

const fingerprintQuery = (standardId: string) =>
  sql`select md5(string_agg(x::text, ',' order by x.id)) from sections x where x.standard_id = ${standardId} and x.deleted_at is null`;

async function fingerprint(db: Db, standardId: string): Promise<string | null> {
  const result = await sql<{ fingerprint: string | null }>`select (${fingerprintQuery(standardId)}) as fingerprint`.execute(db);
  return result.rows[0]?.fingerprint ?? null;
}
