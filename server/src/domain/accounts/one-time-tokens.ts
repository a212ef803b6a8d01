import { randomUUID } from "node:crypto";
import type { Db } from "../../db/database";
import type { UserRow } from "../../db/tables/users";
import { invalidToken } from "../errors";
import { hashSecret, newSecret } from "../secrets";

/** What someone holding a dead link is told to do. */
const EXPIRED_LINK: Record<"verify" | "reset", string> = {
  verify: "This verification link is unknown, used or expired. Sign in and ask for a new link, or register again with the same address.",
  reset: "This password reset link is unknown, used or expired. Ask for a new one on the forgot-password page.",
};

/**
 * The one-time tokens of mailed links: `verify` proves an address (24 hours), `reset` sets a new
 * password (1 hour). Each is single use and stored only as a hash; issuing one ends the unused
 * ones of the same user and purpose, so only the newest link works, and using one ends the rest.
 */
export type TokenPurpose = "verify" | "reset";

export const TOKEN_TTL_MS: Readonly<Record<TokenPurpose, number>> = { verify: 24 * 3600 * 1000, reset: 3600 * 1000 };
const PREFIX: Readonly<Record<TokenPurpose, string>> = { verify: "cwv", reset: "cwr" };

/** Issues a token for the user; earlier tokens of that purpose stop working. Call in the transaction that mails it. Returns the secret. */
export async function issueUserToken(db: Db, userId: string, purpose: TokenPurpose): Promise<string> {
  const token = newSecret(PREFIX[purpose]);
  await db.deleteFrom("user_tokens").where("user_id", "=", userId).where("purpose", "=", purpose).execute();
  await db
    .insertInto("user_tokens")
    .values({ id: randomUUID(), user_id: userId, purpose, token_hash: hashSecret(token), expires_at: new Date(Date.now() + TOKEN_TTL_MS[purpose]), used_at: null })
    .execute();
  return token;
}

/**
 * The user a token of `purpose` was issued to, when it is unused, unexpired, and their account is
 * not disabled; reads only. Throws 400 `invalid_token` otherwise.
 */
export async function userOfToken(db: Db, token: string, purpose: TokenPurpose, lock = false): Promise<{ user: UserRow; tokenId: string }> {
  let q = db
    .selectFrom("user_tokens")
    .innerJoin("users", "users.id", "user_tokens.user_id")
    .selectAll("users")
    .select(["user_tokens.id as token_id", "user_tokens.used_at", "user_tokens.expires_at"])
    .where("user_tokens.token_hash", "=", hashSecret(token))
    .where("user_tokens.purpose", "=", purpose);
  if (lock) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  if (!row || row.used_at !== null || row.expires_at.getTime() <= Date.now() || row.disabled_at !== null) throw invalidToken(EXPIRED_LINK[purpose]);
  const { token_id: tokenId, used_at: _used, expires_at: _expires, ...user } = row;
  return { user, tokenId };
}

/**
 * Uses a token: marks it used and ends every other unused token of the user (of both purposes
 * when `allPurposes`: a reset proves the address too). Call in the transaction of what it allows.
 * Throws 400 `invalid_token` as `userOfToken`.
 */
export async function consumeUserToken(db: Db, token: string, purpose: TokenPurpose, allPurposes = false): Promise<UserRow> {
  const { user, tokenId } = await userOfToken(db, token, purpose, true);
  await db.updateTable("user_tokens").set({ used_at: new Date() }).where("id", "=", tokenId).execute();
  let others = db.deleteFrom("user_tokens").where("user_id", "=", user.id).where("used_at", "is", null);
  if (!allPurposes) others = others.where("purpose", "=", purpose);
  await others.execute();
  return user;
}
