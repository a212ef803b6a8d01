import { canonicalJson, digestOf, sha256Hex, signedBytes } from "./canonical";
import { RELEASE_FORMATS, type Release } from "./types";
import { CYCLE_REPORT_FORMAT } from "./cycle-report";

/** Every signed document format this reader checks: releases, and cycle reports (signed the same way). */
const SIGNED_FORMATS: readonly string[] = [...RELEASE_FORMATS, CYCLE_REPORT_FORMAT];

/** The detached signature of a release, as served at `GET …/releases/:version/signature`. */
export interface ReleaseSignature {
  algorithm: "Ed25519";
  /** Names the key in the server's key set (`GET /api/keys`): the key's `kid`. */
  kid: string;
  /** Standard base64 of the 64-byte Ed25519 signature over `signedBytes(release)`. */
  signature: string;
}

/** An Ed25519 public key as a JWK (RFC 8037), named by `kid`, its fingerprint (see `keyIdOf`). */
export interface PublicJwk {
  kty: "OKP";
  crv: "Ed25519";
  /** base64url of the 32-byte public key. */
  x: string;
  kid: string;
  alg?: "EdDSA";
  use?: "sig";
}

/** The public keys a server signs with, past and present, as served at `GET /api/keys`. */
export interface PublicKeySet {
  keys: PublicJwk[];
}

/** Why a release failed verification. */
export type VerificationProblem = "malformed" | "unsupported_format" | "digest_mismatch" | "unknown_key" | "key_id_mismatch" | "unsupported_algorithm" | "bad_signature";

/** The outcome of `verifyRelease`: what was checked, or the first problem found with a sentence for people. */
export type Verification =
  | { valid: true; digest: string; kid: string }
  | { valid: false; problem: VerificationProblem; message: string };

/**
 * The key id of an Ed25519 public key: its RFC 7638 JWK thumbprint (SHA-256, base64url).
 * The id is derived from the key itself, so it cannot name two different keys.
 */
export async function keyIdOf(jwk: { crv: string; kty: string; x: string }): Promise<string> {
  const members = canonicalJson({ crv: jwk.crv, kty: jwk.kty, x: jwk.x });
  const hex = await sha256Hex(new TextEncoder().encode(members));
  return base64UrlFromBytes(hexToBytes(hex));
}

/** True when the release's `digest` matches its content. */
export async function verifyDigest(release: Release): Promise<boolean> {
  return typeof release.digest === "string" && release.digest === (await digestOf(release));
}

/**
 * Checks a release (or a cycle report, signed the same way) the way a reader should: a format it knows (release v1 or v2, cycle report v1), the digest against the content, that every
 * Ed25519 key in the set is named by its own thumbprint, then the Ed25519 signature over the
 * canonical JSON of the whole release with the key the signature names. Parse the three
 * files with `parseStrictJson`: a duplicate key would let the bytes say two things.
 * Never throws for bad input; reports it as a problem.
 */
export async function verifyRelease(release: unknown, signature: unknown, keys: unknown): Promise<Verification> {
  const fail = (problem: VerificationProblem, message: string): Verification => ({ valid: false, problem, message });
  if (!isObject(release) || typeof release.digest !== "string") return fail("malformed", "The release is not a release document: it has no digest.");
  if (!isObject(signature) || typeof signature.signature !== "string" || typeof signature.kid !== "string") {
    return fail("malformed", "The signature file is not a release signature: it needs algorithm, kid and signature.");
  }
  if (!isObject(keys) || !Array.isArray(keys.keys)) return fail("malformed", 'The key file is not a key set: it needs a "keys" array.');
  if (!(SIGNED_FORMATS as readonly unknown[]).includes(release.format)) {
    return fail("unsupported_format", `The release is in the format ${shown(release.format)}; this reader knows ${SIGNED_FORMATS.join(", ")}.`);
  }
  if (signature.algorithm !== "Ed25519") return fail("unsupported_algorithm", `The signature uses ${String(signature.algorithm)}; only Ed25519 is supported.`);

  let expected: string;
  try {
    expected = await digestOf(release as unknown as Release);
  } catch (error) {
    return fail("malformed", `The release cannot be read as JSON data: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (expected !== release.digest) {
    return fail("digest_mismatch", `The content does not match its digest: it was changed after publication (digest says ${release.digest}, content hashes to ${expected}).`);
  }

  // A kid is a claim about the key; a set that names another key with a genuine kid is forged.
  for (const entry of keys.keys as unknown[]) {
    if (!isObject(entry) || entry.kty !== "OKP" || typeof entry.crv !== "string" || typeof entry.x !== "string") continue;
    const thumbprint = await keyIdOf({ kty: entry.kty, crv: entry.crv, x: entry.x });
    if (entry.kid !== thumbprint) {
      return fail(
        "key_id_mismatch",
        `The key set names a key ${shown(entry.kid)} whose fingerprint (RFC 7638 thumbprint) is "${thumbprint}": the key set was forged or damaged, so none of it can be trusted.`,
      );
    }
  }
  const jwk = (keys.keys as unknown[]).find((k): k is PublicJwk => isObject(k) && k.kid === signature.kid);
  if (!jwk) return fail("unknown_key", `The signature names key "${signature.kid}", which is not in the key set.`);
  if (jwk.kty !== "OKP" || jwk.crv !== "Ed25519" || typeof jwk.x !== "string") {
    return fail("unsupported_algorithm", `Key "${signature.kid}" is not an Ed25519 public key.`);
  }

  let ok: boolean;
  try {
    const key = await globalThis.crypto.subtle.importKey("jwk", { kty: "OKP", crv: "Ed25519", x: jwk.x }, { name: "Ed25519" }, false, ["verify"]);
    ok = await globalThis.crypto.subtle.verify({ name: "Ed25519" }, key, bytesFromBase64(signature.signature), signedBytes(release as unknown as Release) as Uint8Array<ArrayBuffer>);
  } catch {
    ok = false;
  }
  if (!ok) return fail("bad_signature", `The signature does not match the release under key "${signature.kid}": the release or the signature was altered, or it was signed by another key.`);
  return { valid: true, digest: release.digest, kid: signature.kid };
}

// A value from a hostile file, quoted and cut short enough for one line of a message.
function shown(value: unknown): string {
  const text = JSON.stringify(typeof value === "string" ? value : String(value));
  return text.length > 80 ? `${text.slice(0, 77)}…"` : text;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function hexToBytes(hex: string): Uint8Array {
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return bytes;
}

/** Standard base64 of `bytes` (no line breaks). */
export function base64FromBytes(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function base64UrlFromBytes(bytes: Uint8Array): string {
  return base64FromBytes(bytes).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** Bytes of standard or URL-safe base64. Throws a `RangeError` when the text is not base64. */
export function bytesFromBase64(text: string): Uint8Array<ArrayBuffer> {
  const standard = text.replace(/-/g, "+").replace(/_/g, "/");
  let binary: string;
  try {
    binary = atob(standard.padEnd(Math.ceil(standard.length / 4) * 4, "="));
  } catch {
    throw new RangeError("The text is not base64.");
  }
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
