import { randomUUID } from "node:crypto";
import type { Db } from "../db/database";
import type { UserRow } from "../db/tables/users";
import { invalidCredentials, unauthenticated } from "./errors";
import { decoyHash, verifyPassword } from "./passwords";
import { hashSecret, newSecret } from "./secrets";
import { findUserByEmail } from "./users";
import { recordAudit } from "./audit";
import type { DomainContext } from "./context";

/** Who is making a request, and how they proved it. */
export interface Actor {
  user: UserRow;
  via: "session" | "token";
  /** The stored hash of the session or token that authenticated this actor. */
  credentialHash: string;
}

export const SESSION_TTL_MS = 14 * 24 * 3600 * 1000;

/**
 * Checks an email and password and opens a session. Unknown email and wrong password give the same
 * 401 `invalid_credentials` after the same work, so the answer reveals nothing.
 */
export async function login(db: Db, email: string, password: string): Promise<{ user: UserRow; sessionToken: string; expiresAt: Date }> {
  const user = await findUserByEmail(db, email);
  const ok = await verifyPassword(password, user?.password_hash ?? (await decoyHash()));
  if (!user || !user.password_hash || !ok || user.disabled_at) throw invalidCredentials();
  const sessionToken = newSecret("cws");
  const expiresAt = new Date(Date.now() + SESSION_TTL_MS);
  await db.insertInto("sessions").values({ id_hash: hashSecret(sessionToken), user_id: user.id, expires_at: expiresAt }).execute();
  await recordAudit(db, { actorId: user.id, action: "session.login", subjectType: "user", subjectId: user.id });
  return { user, sessionToken, expiresAt };
}

/** Ends a session; the sync layer closes its sockets. Ending an unknown session is a no-op. */
export async function logout(ctx: DomainContext, actor: Actor): Promise<void> {
  if (actor.via !== "session") return;
  await ctx.db.deleteFrom("sessions").where("id_hash", "=", actor.credentialHash).execute();
  ctx.events.emit("sessionEnded", { userId: actor.user.id, sessionHash: actor.credentialHash });
}

/** The actor behind a session cookie, or null when it is unknown, expired, or its user is disabled. */
export async function actorFromSession(db: Db, sessionToken: string): Promise<Actor | null> {
  const idHash = hashSecret(sessionToken);
  const row = await db
    .selectFrom("sessions")
    .innerJoin("users", "users.id", "sessions.user_id")
    .selectAll("users")
    .select("sessions.expires_at")
    .where("sessions.id_hash", "=", idHash)
    .executeTakeFirst();
  if (!row || row.expires_at.getTime() <= Date.now() || row.disabled_at) return null;
  const { expires_at: _expires, ...user } = row;
  return { user, via: "session", credentialHash: idHash };
}

/** The actor behind an API token, or null when it is unknown, revoked or its user is disabled. */
export async function actorFromToken(db: Db, token: string): Promise<Actor | null> {
  const tokenHash = hashSecret(token);
  const row = await db
    .selectFrom("api_tokens")
    .innerJoin("users", "users.id", "api_tokens.user_id")
    .selectAll("users")
    .where("api_tokens.token_hash", "=", tokenHash)
    .where("api_tokens.revoked_at", "is", null)
    .executeTakeFirst();
  if (!row || row.disabled_at) return null;
  return { user: row, via: "token", credentialHash: tokenHash };
}

/** Creates an API token for the actor. The token is returned once and stored only as a hash. */
export async function createToken(db: Db, actor: Actor, name: string): Promise<{ id: string; name: string; token: string }> {
  const token = newSecret("cwt");
  const id = randomUUID();
  await db.insertInto("api_tokens").values({ id, user_id: actor.user.id, name, token_hash: hashSecret(token), last_used_at: null, revoked_at: null }).execute();
  await recordAudit(db, { actorId: actor.user.id, action: "token.create", subjectType: "api_token", subjectId: id, details: { name } });
  return { id, name, token };
}

export function requireActor(actor: Actor | null): Actor {
  if (!actor) throw unauthenticated();
  return actor;
}
