import { randomUUID } from "node:crypto";
import type { ApiToken, CreateTokenBody, LoginBody, MeResponse, Ok, TokenCreated, TokenList, User } from "@codewright/shared";
import type { Db } from "../db/database";
import type { UserRow } from "../db/tables/users";
import { invalidCredentials, notFound } from "./errors";
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
  /** For an API token: when its use was last recorded (null: never), so it is written at most once a minute. */
  tokenLastUsedAt?: Date | null;
}

export const SESSION_TTL_MS = 14 * 24 * 3600 * 1000;

/**
 * Checks an email and password and opens a session. Unknown email and wrong password give the same
 * 401 `invalid_credentials` after the same work, so the answer reveals nothing. Throws 503
 * `server_busy` when too many password checks are under way.
 */
export async function login(ctx: DomainContext, input: LoginBody): Promise<{ user: User; sessionToken: string; expiresAt: Date }> {
  const user = await findUserByEmail(ctx.db, input.email);
  const ok = await ctx.passwords.verify(input.password, user?.password_hash ?? null);
  if (!user || !user.password_hash || !ok || user.disabled_at) throw invalidCredentials();
  const session = await ctx.db.transaction().execute((trx) => openSession(trx, user.id, "password"));
  return { user: toUser(user), ...session };
}

/** A new session for a user who proved who they are (`via`, for the audit log). Call in a transaction. */
export async function openSession(db: Db, userId: string, via: "password" | "oidc" | "email"): Promise<{ sessionToken: string; expiresAt: Date }> {
  const sessionToken = newSecret("cws");
  const expiresAt = new Date(Date.now() + SESSION_TTL_MS);
  await db.insertInto("sessions").values({ id_hash: hashSecret(sessionToken), user_id: userId, expires_at: expiresAt }).execute();
  await recordAudit(db, { actorId: userId, action: "session.login", subjectType: "user", subjectId: userId, details: via === "password" ? undefined : { via } });
  return { sessionToken, expiresAt };
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

/** The actor behind an API token, or null when it is unknown, revoked, expired or its user is disabled. */
export async function actorFromToken(db: Db, token: string): Promise<Actor | null> {
  const tokenHash = hashSecret(token);
  const row = await db
    .selectFrom("api_tokens")
    .innerJoin("users", "users.id", "api_tokens.user_id")
    .selectAll("users")
    .select(["api_tokens.expires_at", "api_tokens.last_used_at"])
    .where("api_tokens.token_hash", "=", tokenHash)
    .where("api_tokens.revoked_at", "is", null)
    .executeTakeFirst();
  if (!row || row.disabled_at || (row.expires_at && row.expires_at.getTime() <= Date.now())) return null;
  const { expires_at: _expires, last_used_at: lastUsedAt, ...user } = row;
  return { user, via: "token", credentialHash: tokenHash, tokenLastUsedAt: lastUsedAt };
}

const TOKEN_USE_PRECISION_MS = 60_000;

/**
 * Records that a request made with the actor's API token succeeded, at most once a minute per
 * token. Best effort: a database that cannot be written (read-only, failing) leaves the time as it was.
 */
export async function recordTokenUse(db: Db, actor: Actor): Promise<void> {
  if (actor.via !== "token") return;
  const now = Date.now();
  if (actor.tokenLastUsedAt && now - actor.tokenLastUsedAt.getTime() < TOKEN_USE_PRECISION_MS) return;
  await db
    .updateTable("api_tokens")
    .set({ last_used_at: new Date(now) })
    .where("token_hash", "=", actor.credentialHash)
    .execute()
    .catch(() => {});
}

const DAY_MS = 24 * 3600 * 1000;

/**
 * Creates an API token for the signed-in actor, valid until revoked or for `expiresInDays`. The
 * token is returned once and stored only as a hash. Throws 401.
 */
export async function createToken(ctx: DomainContext, actor: Actor | null, input: CreateTokenBody): Promise<TokenCreated> {
  assertSignedIn(actor);
  const expiresAt = input.expiresInDays === undefined ? null : new Date(Date.now() + input.expiresInDays * DAY_MS);
  return ctx.db.transaction().execute((trx) => issueToken(trx, actor.user.id, input.name, expiresAt));
}

/**
 * Writes an API token for a user, without checking who asks: for `createToken` and for setting up
 * data. `expiresAt` null (default): it never expires. Call in a transaction.
 */
export async function issueToken(db: Db, userId: string, name: string, expiresAt: Date | null = null): Promise<TokenCreated> {
  const token = newSecret("cwt");
  const id = randomUUID();
  await db
    .insertInto("api_tokens")
    .values({ id, user_id: userId, name, token_hash: hashSecret(token), last_used_at: null, revoked_at: null, expires_at: expiresAt })
    .execute();
  await recordAudit(db, { actorId: userId, action: "token.create", subjectType: "api_token", subjectId: id, details: { name, expiresAt: expiresAt?.toISOString() ?? null } });
  return { id, name, token, expiresAt: expiresAt?.toISOString() ?? null };
}

/** The signed-in actor's API tokens that are not revoked (expired ones too), newest first. Throws 401. */
export async function listTokens(ctx: DomainContext, actor: Actor | null): Promise<TokenList> {
  assertSignedIn(actor);
  const rows = await ctx.db
    .selectFrom("api_tokens")
    .select(["id", "name", "created_at", "last_used_at", "expires_at"])
    .where("user_id", "=", actor.user.id)
    .where("revoked_at", "is", null)
    .orderBy("created_at", "desc")
    .orderBy("id")
    .execute();
  const tokens: ApiToken[] = rows.map((r) => ({
    id: r.id,
    name: r.name,
    createdAt: r.created_at.toISOString(),
    lastUsedAt: r.last_used_at?.toISOString() ?? null,
    expiresAt: r.expires_at?.toISOString() ?? null,
  }));
  return { tokens };
}

/**
 * Revokes one of the actor's own API tokens: it is refused at once, and live connections made
 * with it close. Throws 401; 404 for an id that is not one of the actor's unrevoked tokens (so
 * another user's token ids are not confirmed).
 */
export async function revokeToken(ctx: DomainContext, actor: Actor | null, id: string): Promise<Ok> {
  assertSignedIn(actor);
  const tokenHash = await ctx.db.transaction().execute(async (trx) => {
    // Scoped to the actor: a token is its owner's alone to see and revoke.
    const revoked = await trx
      .updateTable("api_tokens")
      .set({ revoked_at: new Date() })
      .where("id", "=", id)
      .where("user_id", "=", actor.user.id)
      .where("revoked_at", "is", null)
      .returning("token_hash")
      .executeTakeFirst();
    if (!revoked) throw notFound("API token");
    await recordAudit(trx, { actorId: actor.user.id, action: "token.revoke", subjectType: "api_token", subjectId: id });
    return revoked.token_hash;
  });
  ctx.events.emit("tokenRevoked", { userId: actor.user.id, tokenHash });
  return { ok: true };
}

/** The credentials `withdrawCredentials` ended, by stored hash; announce them with `announceWithdrawn` after the commit. */
export interface WithdrawnCredentials {
  userId: string;
  sessionHashes: string[];
  tokenHashes: string[];
}

/**
 * Revokes every API token of a user and ends their sessions, except `keepSession` (the stored
 * hash of the session asking, which stays signed in). Call in the transaction of the change
 * that warrants it (a new password, a disabled account).
 */
export async function withdrawCredentials(db: Db, userId: string, keepSession: string | null): Promise<WithdrawnCredentials> {
  let sessions = db.deleteFrom("sessions").where("user_id", "=", userId);
  if (keepSession !== null) sessions = sessions.where("id_hash", "!=", keepSession);
  const ended = await sessions.returning("id_hash").execute();
  const revoked = await db
    .updateTable("api_tokens")
    .set({ revoked_at: new Date() })
    .where("user_id", "=", userId)
    .where("revoked_at", "is", null)
    .returning("token_hash")
    .execute();
  return { userId, sessionHashes: ended.map((s) => s.id_hash), tokenHashes: revoked.map((t) => t.token_hash) };
}

/** Tells the sync layer which credentials ended, so it closes their connections. Call after the commit. */
export function announceWithdrawn(ctx: DomainContext, withdrawn: WithdrawnCredentials): void {
  for (const sessionHash of withdrawn.sessionHashes) ctx.events.emit("sessionEnded", { userId: withdrawn.userId, sessionHash });
  for (const tokenHash of withdrawn.tokenHashes) ctx.events.emit("tokenRevoked", { userId: withdrawn.userId, tokenHash });
}
