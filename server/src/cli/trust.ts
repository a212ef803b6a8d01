// Which public keys a download is checked against: keys the reader trusts, never only the word
// of the server that sends the release (a server that signs with a key of its own would pass).
import type { PublicJwk, PublicKeySet } from "@codewright/shared";
import { readJsonFile } from "./files";

/** A key's fingerprint: its `kid`, the RFC 7638 thumbprint (base64url of a SHA-256). */
export const FINGERPRINT_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** Where the trusted keys come from. */
export type Trust =
  /** A key set file the reader already holds (`--keys`). */
  | { kind: "key-file"; path: string; keys: PublicKeySet }
  /** Fingerprints the reader got elsewhere (`--key`); the keys themselves come from the server. */
  | { kind: "fingerprints"; fingerprints: string[] }
  /** The server's keys, taken once on the reader's say-so (`--trust-on-first-use`). */
  | { kind: "first-use" };

export const TRUST_OPTIONS = `Keys to verify against (one of these is needed):
  --key <fingerprint>    the signing key's fingerprint (its kid, an RFC 7638 thumbprint) as the
                         standard body publishes it, e.g. on its website; repeat for several keys
  --keys <keys.json>     a key set you trust, such as the keys.json an earlier download saved
  --trust-on-first-use   take the server's own keys this once and save them as keys.json for
                         --keys later; compare the fingerprint it prints with a published one`;

/**
 * The trust the options give. Throws, before anything is fetched, when they give none (the
 * server's own keys prove only that the server signed), more than one kind, a fingerprint
 * that is not one, or a key file that is not a key set.
 */
export async function trustFrom(options: { keys?: string; key?: string[]; firstUse?: boolean }): Promise<Trust> {
  const given = [options.keys !== undefined, (options.key ?? []).length > 0, options.firstUse === true].filter(Boolean).length;
  if (given === 0) {
    throw new Error(`download needs a key you trust: a release checked only against the keys of the server that sent it is not verified, and nothing was downloaded.\n${TRUST_OPTIONS}`);
  }
  if (given > 1) throw new Error("give one of --key, --keys and --trust-on-first-use.");
  if (options.keys !== undefined) {
    const keys = await readJsonFile(options.keys);
    if (!isKeySet(keys)) throw new Error(`${options.keys}: not a key set: it needs a "keys" array of JWKs, like the one /api/keys serves.`);
    return { kind: "key-file", path: options.keys, keys };
  }
  if (options.key?.length) {
    const bad = options.key.find((fingerprint) => !FINGERPRINT_PATTERN.test(fingerprint));
    if (bad !== undefined) throw new Error(`--key ${JSON.stringify(bad)} is not a key fingerprint: it is 43 characters of base64url, the key's "kid".`);
    return { kind: "fingerprints", fingerprints: [...new Set(options.key)] };
  }
  return { kind: "first-use" };
}

/** Of the server's key set, the keys pinned by fingerprint; `verifyRelease` then checks each is named by its own thumbprint. */
export function pinnedKeys(serverKeys: PublicKeySet, fingerprints: readonly string[]): PublicKeySet {
  return { keys: serverKeys.keys.filter((key: PublicJwk) => fingerprints.includes(key.kid)) };
}

export function isKeySet(value: unknown): value is PublicKeySet {
  const keys = (value as { keys?: unknown } | null)?.keys;
  return typeof value === "object" && value !== null && Array.isArray(keys) && keys.every((key) => typeof key === "object" && key !== null && !Array.isArray(key));
}
