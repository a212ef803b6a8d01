import releaseSchemaV1Json from "./release-v1.schema.json";
import releaseSchemaV2Json from "./release-v2.schema.json";
import { RELEASE_FORMAT_V1, type ReleaseFormat } from "./types";

/**
 * The JSON Schemas (draft-07) of the release formats, served at `GET /api/schemas/release-v1.json`
 * and `…/release-v2.json`. Node and mark names follow the shared ProseMirror schema.
 */
export const releaseSchemaV1: Readonly<Record<string, unknown>> = releaseSchemaV1Json;
export const releaseSchemaV2: Readonly<Record<string, unknown>> = releaseSchemaV2Json;

/** The schema of the format releases are published in now (`codewright.release/v2`). */
export const releaseSchema = releaseSchemaV2;

/** The schema of a format. */
export function releaseSchemaFor(format: ReleaseFormat): Readonly<Record<string, unknown>> {
  return format === RELEASE_FORMAT_V1 ? releaseSchemaV1 : releaseSchemaV2;
}
