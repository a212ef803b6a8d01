import type { ColumnType, Selectable } from "kysely";

/** A published release. Append-only: a trigger refuses every update and delete. */
export interface ReleasesTable {
  standard_id: string;
  version: string;
  /** 1 for the first release of a standard, then one more each time. */
  sequence: number;
  published_at: Date;
  previous_version: string | null;
  notes: string;
  /** The canonical JSON of the whole release: the exact bytes that were signed. */
  document: string;
  digest: string;
  /** base64 Ed25519 signature over `document`. */
  signature: string;
  kid: string;
  published_by: string | null;
  /** A cycle's first draft, or an edition (every release outside a cycle). */
  kind: ColumnType<"edition" | "first-draft", "edition" | "first-draft" | undefined, never>;
  cycle_id: ColumnType<string | null, string | null | undefined, never>;
}
export type ReleaseRow = Selectable<ReleasesTable>;

/** The public half of every key that signed a release. Append-only. */
export interface SigningKeysTable {
  kid: string;
  algorithm: "Ed25519";
  /** The JWK as JSON text. */
  public_jwk: string;
  created_at: ColumnType<Date, never, never>;
}

/** The release that lists an accepted proposal among its changes; one per proposal. Append-only. */
export interface ReleaseChangesTable {
  proposal_id: string;
  standard_id: string;
  version: string;
}
