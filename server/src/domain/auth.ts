import { randomUUID } from "node:crypto";
import type { LoginBody, MeResponse, Ok, TokenCreated, User } from "@codewright/shared";
import type { Db } from "../db/database";
import type { UserRow } from "../db/tables/users";
import { invalidCredentials } from "./errors";
import { decoyHash, verifyPassword } from "./passwords";
import { hashSecret, newSecret } from "./secrets";
import { findUserByEmail, toUser } from "./users";
import { assertSignedIn } from "./access";
import { membershipsOf } from "./standards";
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
export async function login(ctx: DomainContext, input: LoginBody): Promise<{ user: User; sessionToken: string; expiresAt: Date }> {
  const user = await findUserByEmail(ctx.db, input.email);
  const ok = await verifyPassword(input.password, user?.password_hash ?? (await decoyHash()));
  if (!user || !user.password_hash || !ok || user.disabled_at) throw invalidCredentials();
  const sessionToken = newSecret("cws");
  const expiresAt = new Date(Date.now() + SESSION_TTL_MS);
  await ctx.db.transaction().execute(async (trx) => {
    await trx.insertInto("sessions").values({ id_hash: hashSecret(sessionToken), user_id: user.id, expires_at: expiresAt }).execute();
    await recordAudit(trx, { actorId: user.id, action: "session.login", subjectType: "user", subjectId: user.id });
  });
  return { user: toUser(user), sessionToken, expiresAt };
}

/** Ends the actor's session; the sync layer closes its sockets. A no-op for an API token or an unknown session. Throws 401. */
export async function logout(ctx: DomainContext, actor: Actor | null): Promise<Ok> {
  assertSignedIn(actor);
  if (actor.via !== "session") return { ok: true };
  await ctx.db.deleteFrom("sessions").where("id_hash", "=", actor.credentialHash).execute();
  ctx.events.emit("sessionEnded", { userId: actor.user.id, sessionHash: actor.credentialHash });
  return { ok: true };
}

/** The signed-in user and their memberships. Throws 401. */
export async function currentUser(ctx: DomainContext, actor: Actor | null): Promise<MeResponse> {
  assertSignedIn(actor);
  return { user: toUser(actor.user), memberships: await membershipsOf(ctx.db, actor.user.id) };
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

/** Creates an API token for the signed-in actor. The token is returned once and stored only as a hash. Throws 401. */
export async function createToken(ctx: DomainContext, actor: Actor | null, name: string): Promise<TokenCreated> {
  assertSignedIn(actor);
  return ctx.db.transaction().execute((trx) => issueToken(trx, actor.user.id, name));
}

/** Writes an API token for a user, without checking who asks: for `createToken` and for setting up data. Call in a transaction. */
export async function issueToken(db: Db, userId: string, name: string): Promise<TokenCreated> {
  const token = newSecret("cwt");
  const id = randomUUID();
  await db.insertInto("api_tokens").values({ id, user_id: userId, name, token_hash: hashSecret(token), last_used_at: null, revoked_at: null }).execute();
  await recordAudit(db, { actorId: userId, action: "token.create", subjectType: "api_token", subjectId: id, details: { name } });
  return { id, name, token };
}
