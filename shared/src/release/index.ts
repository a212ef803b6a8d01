export { RELEASE_FORMAT, RELEASE_FORMAT_V1, RELEASE_FORMATS, RELEASE_VERSION_PATTERN, DRAFT_VERSION, isReleaseVersion, releaseKind } from "./types";
export type { Release, ReleaseV1, ReleaseV2, ReleaseFormat, ReleaseKind, ReleaseCycle, UndigestedRelease, ReleaseSection, ReleaseChange, ReleaseComment, CommentDisposition } from "./types";
export { canonicalJson, digestOf, sha256Hex, signedBytes } from "./canonical";
export { parseStrictJson, JsonInputError, type JsonInputProblem } from "./strict-json";
export { buildRelease, type ReleaseInput } from "./build";
export { releaseSchema, releaseSchemaV1, releaseSchemaV2, releaseSchemaFor } from "./schema";
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
export { CYCLE_REPORT_FORMAT, cycleReportSchemaV1 } from "./cycle-report";
export type { CycleReport, ReportBallotRound, ReportComment, ReportInput, ReportNamedVote, ReportPerson, ReportStage, ReportWindowChange } from "./cycle-report";
