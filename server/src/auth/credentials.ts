import type { Db } from "../db/database";
import { actorFromSession, actorFromToken, type Actor } from "../domain/auth";
import { unauthenticated } from "../domain/errors";

/**
 * How a caller proves who they are, read the same way over HTTP and over sync. The adapters pass
 * plain strings taken from the request; the rules are here:
 * - `Authorization: Bearer <token>` wins, then `?token=` (websocket upgrades only), then the
 *   session cookie. Any other `Authorization` header is not a credential.
 * - A presented API token that is not valid is refused (401), even where the anonymous may read:
 *   a script with a broken token learns it at once. A stale session cookie is anonymous, since
 *   browsers keep cookies after they expire and public pages must keep working.
 * - When the session cookie is what identifies the caller, the Origin must be allowed.
 */

/** The name of the session cookie. */
export const SESSION_COOKIE = "cw_session";

/** What a request presents, as plain strings; undefined for what is absent. */
export interface PresentedCredentials {
  /** The `Authorization` header. */
  authorization?: string;
  /** The value of the session cookie (not the whole `Cookie` header). */
  cookie?: string;
  /** The `?token=` of a websocket upgrade; leave it out for any other request. */
  queryToken?: string;
}

/** The one credential that identifies the caller. */
export type Credential = { kind: "token"; token: string } | { kind: "session"; token: string };

const BEARER = "Bearer ";

/** The credential that counts among those presented; null when none is (the anonymous). */
export function readCredential(presented: PresentedCredentials): Credential | null {
  const { authorization, cookie, queryToken } = presented;
  if (authorization?.startsWith(BEARER)) return { kind: "token", token: authorization.slice(BEARER.length).trim() };
  if (queryToken !== undefined) return { kind: "token", token: queryToken };
  if (cookie !== undefined) return { kind: "session", token: cookie };
  return null;
}

/**
 * True when the request must come from an allowed Origin before it may change anything or open a
 * websocket: when the session cookie identifies the caller (a browser sends it on any site's
 * requests; an API token is never sent by a browser on its own).
 */
export const originChecked = (credential: Credential | null): boolean => credential?.kind === "session";

/**
 * True when `origin` is the server's own (`ownOrigin`, e.g. `https://codewright.example`) or one
 * of `allowed`. A missing origin and the opaque `null` are never allowed.
 */
export function originAllowed({ origin, ownOrigin, allowed }: { origin: string | undefined; ownOrigin: string; allowed: readonly string[] }): boolean {
  if (!origin || origin === "null") return false;
  return origin === ownOrigin || allowed.includes(origin);
}

/**
 * The actor behind a credential; null for none, and for a session cookie that is unknown, expired
 * or whose user is disabled. Throws DomainError 401 `unauthenticated` for an API token that is
 * unknown, revoked or whose user is disabled.
 */
export async function actorFor(db: Db, credential: Credential | null): Promise<Actor | null> {
  if (!credential) return null;
  if (credential.kind === "session") return actorFromSession(db, credential.token);
  const actor = await actorFromToken(db, credential.token);
  if (!actor) throw unauthenticated("The API token is not valid. Create a new one.");
  return actor;
}
