import { sql } from "kysely";
import type { Db } from "../db/database";
import { numberSections, type NumberedSection } from "./sections";

/** Standards whose numbered outline is kept; the least recently read goes first. */
const CAPACITY = 64;

/**
 * The numbered outlines of the standards being read, so a read does not fetch and number every
 * section again. Every read first takes a fingerprint of the standard's rows (every column of every
 * live section, hashed in the database: a fraction of the cost of fetching them) and uses a kept
 * outline only when it was built from rows with that fingerprint, so a change made by any process,
 * in any way, shows on the next read. Reads that find the same new fingerprint share one fetch.
 */
export class OutlineCache {
  readonly #entries = new Map<string, { fingerprint: string; sections: NumberedSection[] }>();
  readonly #loading = new Map<string, Promise<NumberedSection[]>>();

  /** The live sections of a standard, in outline order, numbered. */
  async get(db: Db, standardId: string): Promise<NumberedSection[]> {
    const current = await fingerprint(db, standardId);
    if (current === null) return [];
    const cached = this.#entries.get(standardId);
    if (cached?.fingerprint === current) {
      this.#entries.delete(standardId);
      this.#entries.set(standardId, cached);
      return cached.sections;
    }
    // A fetch started by a read that saw the same rows is at least as fresh as this read needs.
    const key = `${standardId} ${current}`;
    let loading = this.#loading.get(key);
    if (!loading) {
      loading = this.load(db, standardId).finally(() => this.#loading.delete(key));
      this.#loading.set(key, loading);
    }
    return loading;
  }

  private async load(db: Db, standardId: string): Promise<NumberedSection[]> {
    // The rows and their fingerprint come from one statement, so they describe the same state.
    const rows = await db
      .selectFrom("sections as s")
      .selectAll("s")
      .select(sql<string | null>`(${fingerprintQuery(standardId)})`.as("fingerprint"))
      .where("s.standard_id", "=", standardId)
      .where("s.deleted_at", "is", null)
      .execute();
    const sections = numberSections(rows.map(({ fingerprint: _f, ...row }) => row));
    const loaded = rows[0]?.fingerprint;
    if (loaded) {
      this.#entries.delete(standardId);
      this.#entries.set(standardId, { fingerprint: loaded, sections });
      if (this.#entries.size > CAPACITY) this.#entries.delete(this.#entries.keys().next().value!);
    }
    return sections;
  }
}

const fingerprintQuery = (standardId: string) =>
  sql`select md5(string_agg(x::text, ',' order by x.id)) from sections x where x.standard_id = ${standardId} and x.deleted_at is null`;

/** Null when the standard has no live sections. */
async function fingerprint(db: Db, standardId: string): Promise<string | null> {
  const result = await sql<{ fingerprint: string | null }>`select (${fingerprintQuery(standardId)}) as fingerprint`.execute(db);
  return result.rows[0]?.fingerprint ?? null;
}
