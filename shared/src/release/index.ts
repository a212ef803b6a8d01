export { RELEASE_FORMAT, RELEASE_VERSION_PATTERN, DRAFT_VERSION, isReleaseVersion } from "./types";
export type { Release, UndigestedRelease, ReleaseSection, ReleaseChange, ReleaseComment, CommentDisposition } from "./types";
export { canonicalJson, digestOf, sha256Hex, signedBytes } from "./canonical";
export { parseStrictJson, JsonInputError, type JsonInputProblem } from "./strict-json";
export { buildRelease, type ReleaseInput } from "./build";
export { releaseSchema } from "./schema";
export {
  verifyRelease,
  verifyDigest,
  keyIdOf,
  base64FromBytes,
  bytesFromBase64,
  type ReleaseSignature,
  type PublicJwk,
  type PublicKeySet,
  type Verification,
  type VerificationProblem,
} from "./signature";
