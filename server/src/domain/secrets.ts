import { createHash, randomBytes } from "node:crypto";

/** A fresh high-entropy secret for sessions, API tokens and invites, with a readable prefix. */
export function newSecret(prefix: string): string {
  return `${prefix}_${randomBytes(32).toString("base64url")}`;
}

/** How secrets are stored: SHA-256, hex. Secrets are 256-bit random, so a fast hash suffices. */
export function hashSecret(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}
