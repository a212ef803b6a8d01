import canonicalize from "canonicalize";
import type { Release, UndigestedRelease } from "./types";

const utf8 = new TextEncoder();

/**
 * The RFC 8785 (JCS) canonical JSON of `value`: sorted keys, no whitespace, shortest numbers.
 * Throws a `RangeError` for what JSON cannot hold (NaN, Infinity, undefined at the top).
 */
export function canonicalJson(value: unknown): string {
  let text: string | undefined;
  try {
    text = canonicalize(value);
  } catch (error) {
    throw new RangeError(`The value cannot be written as canonical JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (text === undefined) throw new RangeError("The value cannot be written as canonical JSON.");
  return text;
}

/** The bytes a release's signature covers: the canonical JSON of the whole document, digest included, as UTF-8. */
export function signedBytes(release: Release): Uint8Array {
  return utf8.encode(canonicalJson(release));
}

/** Lower-case hex SHA-256 of `bytes`, through WebCrypto (Node 20 and browsers). */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const hash = new Uint8Array(await globalThis.crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>));
  let hex = "";
  for (const byte of hash) hex += byte.toString(16).padStart(2, "0");
  return hex;
}

/**
 * `sha256:<hex>` of the canonical JSON of the release without its `digest` field.
 * A `digest` present on the input is ignored, so the result can be compared with it.
 */
export async function digestOf(release: UndigestedRelease | Release): Promise<string> {
  const { digest: _ignored, ...rest } = release as Release;
  return `sha256:${await sha256Hex(utf8.encode(canonicalJson(rest)))}`;
}
