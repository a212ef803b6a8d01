import releaseSchemaJson from "./release-v1.schema.json";

/**
 * The JSON Schema (draft-07) of the `codewright.release/v1` format, served at
 * `GET /api/schemas/release-v1.json`. Node and mark names follow the shared ProseMirror schema.
 */
export const releaseSchema: Readonly<Record<string, unknown>> = releaseSchemaJson;
