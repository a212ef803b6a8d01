import type { PasswordChanged, Pending } from "@codewright/shared";
import { announceWithdrawn, withdrawCredentials } from "../auth";
import { recordAudit } from "../audit";
import type { DomainContext } from "../context";
import { findUserByEmail } from "../users";
import { mailPasswordReset } from "./mails";
import { consumeUserToken, userOfToken } from "./one-time-tokens";

/**
 * Mails a password reset link (valid an hour) when the address has an account that is not
 * disabled; earlier reset links stop working. Accounts without a password (made by an admin
 * without one, or through the OpenID provider) get one too: that is how they set a password.
 * The answer is `pending` either way, so addresses cannot be found out.
 */
export async function requestPasswordReset(ctx: DomainContext, email: string): Promise<Pending> {
  const mailed = await ctx.db.transaction().execute(async (trx) => {
    const user = await findUserByEmail(trx, email.trim());
    if (!user || user.disabled_at !== null) return false;
    await mailPasswordReset(trx, ctx.publicUrl, user);
    return true;
  });
  if (mailed) ctx.events.emit("queued", { queue: "mail" });
  return { status: "pending" };
}

/**
 * Sets a new password with a reset token. The mail proved the address, so it counts as verified;
 * every session and API token of the user ends (the one asking too: they sign in with the new
 * password), and every other mailed link stops working. Throws 400 `invalid_token` for a token
 * that is unknown, used, expired or whose account is disabled, 503 `server_busy`.
 */
export async function confirmPasswordReset(ctx: DomainContext, token: string, password: string): Promise<PasswordChanged> {
  // Checked before hashing, so an unknown token costs no password work; checked again, locked, below.
  await userOfToken(ctx.db, token, "reset");
  const passwordHash = await ctx.passwords.hash(password);
  const withdrawn = await ctx.db.transaction().execute(async (trx) => {
    const owner = await consumeUserToken(trx, token, "reset", true);
    await trx
      .updateTable("users")
      .set({ password_hash: passwordHash, email_verified_at: owner.email_verified_at ?? new Date() })
      .where("id", "=", owner.id)
      .execute();
    const withdrawn = await withdrawCredentials(trx, owner.id, null);
    await recordAudit(trx, {
      actorId: owner.id,
      action: "user.password_reset",
      subjectType: "user",
      subjectId: owner.id,
      details: { tokensRevoked: withdrawn.tokenHashes.length, sessionsEnded: withdrawn.sessionHashes.length, addressVerifiedNow: owner.email_verified_at === null },
    });
    return withdrawn;
  });
  announceWithdrawn(ctx, withdrawn);
  return { ok: true, tokensRevoked: withdrawn.tokenHashes.length, sessionsEnded: withdrawn.sessionHashes.length };
}
