import { Type, type Static } from "typebox";
import { LongText } from "./common";

/** A release version in a URL or a body: `1.0.0`, `2026`. */
export const ReleaseVersion = Type.String({ pattern: "^[0-9A-Za-z][0-9A-Za-z.+-]{0,63}$", maxLength: 64 });

/**
 * The body of `POST /api/standards/:slug/releases`. The version is checked by the domain
 * (400 `invalid_version`), so a bad one gets a precise answer rather than a schema error.
 */
export const PublishReleaseBody = Type.Object({
  version: Type.String({ minLength: 1, maxLength: 200, description: "Unique in the standard; ^[0-9A-Za-z][0-9A-Za-z.+-]{0,63}$; not `draft`." }),
  notes: Type.Optional(LongText),
});
export type PublishReleaseBody = Static<typeof PublishReleaseBody>;

export const ReleaseSummary = Type.Object({
  version: Type.String(),
  kind: Type.Union([Type.Literal("edition"), Type.Literal("first-draft")], { description: "An edition, or a revision cycle's first draft (published for public comment)." }),
  cycleId: Type.Union([Type.String(), Type.Null()], { description: "The revision cycle it belongs to; null for an edition made outside cycles." }),
  publishedAt: Type.String({ format: "date-time" }),
  previousVersion: Type.Union([Type.String(), Type.Null()]),
  digest: Type.String(),
  notes: Type.String(),
});
export type ReleaseSummary = Static<typeof ReleaseSummary>;

/** `GET /api/standards/:slug/releases`: newest first. */
export const ReleaseList = Type.Object({ releases: Type.Array(ReleaseSummary) });
export type ReleaseList = Static<typeof ReleaseList>;

/** `GET …/releases/:version/signature`. */
export const ReleaseSignatureBody = Type.Object({
  algorithm: Type.Literal("Ed25519"),
  kid: Type.String(),
  signature: Type.String({ description: "base64 of the Ed25519 signature over the canonical JSON of the whole release" }),
});

/** `GET /api/keys`: every public key releases were signed with, as JWKs. */
export const PublicKeySetBody = Type.Object({
  keys: Type.Array(
    Type.Object({
      kty: Type.Literal("OKP"),
      crv: Type.Literal("Ed25519"),
      x: Type.String(),
      kid: Type.String(),
      alg: Type.Optional(Type.Literal("EdDSA")),
      use: Type.Optional(Type.Literal("sig")),
    }),
  ),
});

/** `GET /api/standards/:slug/diff?from=&to=`: versions, or `draft` for the current draft. */
export const DiffQuery = Type.Object({
  from: Type.String({ minLength: 1, maxLength: 64 }),
  to: Type.String({ minLength: 1, maxLength: 64 }),
});
export type DiffQuery = Static<typeof DiffQuery>;
