import { sql } from "kysely";
import type { AuthOptions, Pending, RegisterBody, RegistrationMode, User } from "@codewright/shared";
import type { Db } from "../../db/database";
import { announceWithdrawn, openSession, withdrawCredentials, type Actor, type WithdrawnCredentials } from "../auth";
import { assertSignedIn, isVerified } from "../access";
import { recordAudit } from "../audit";
import type { DomainContext } from "../context";
import { alreadyVerified, registrationClosed } from "../errors";
import { findUserByEmail, insertUser, toUser } from "../users";
import { mailRegisteredAlready, mailVerification } from "./mails";
import { consumeUserToken } from "./one-time-tokens";
import { personText } from "./profile";

/** What the sign-in and sign-up pages offer: how people may join, and the OpenID provider's button. */
export function authOptions(settings: { registration: RegistrationMode; oidcName: string | null }): AuthOptions {
  return { registration: settings.registration, oidc: settings.oidcName === null ? null : { name: settings.oidcName } };
}

/** Any fixed number: the namespace of the advisory locks that make registrations of one address take turns. */
const REGISTRATION_LOCK = 1_306_013;

/** Registrations of the same address (case-insensitive) take turns, so two at once cannot both make an account. */
async function lockAddress(db: Db, email: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(${REGISTRATION_LOCK}, hashtext(${email.toLowerCase()}))`.execute(db);
}

/**
 * Self-service registration (`REGISTRATION=open`). The answer is `pending` whatever the address,
 * after the same work (a password hash, a message queued), so addresses cannot be found out:
 * - a new address gets an unverified account and a verification link;
 * - an address whose account is not verified yet gets a new link, and this registration's name
 *   and password replace the earlier ones: nobody has proven the address, so the newest claim
 *   stands, and verifying ends every session and token opened before;
 * - a verified account's owner is told someone tried, with links to sign in or reset the password;
 * - a disabled account gets nothing.
 * Throws 403 `registration_closed` when registration is `invite` or `closed`, 400
 * `invalid_request` for a blank name, 503 `server_busy`.
 */
export async function register(ctx: DomainContext, input: RegisterBody, mode: RegistrationMode): Promise<Pending> {
  if (mode !== "open") throw registrationClosed(mode);
  const displayName = personText(input.displayName, "display name");
  const email = input.email.trim();
  const passwordHash = await ctx.passwords.hash(input.password);
  const mailed = await ctx.db.transaction().execute(async (trx) => {
    await lockAddress(trx, email);
    const existing = await findUserByEmail(trx, email);
    if (!existing) {
      const user = await insertUser(trx, { email, displayName, passwordHash, emailVerified: false }, null);
      await recordAudit(trx, { actorId: user.id, action: "user.register", subjectType: "user", subjectId: user.id });
      await mailVerification(trx, ctx.publicUrl, user);
      return true;
    }
    if (existing.disabled_at !== null) return false;
    if (existing.email_verified_at === null) {
      const user = await trx
        .updateTable("users")
        .set({ display_name: displayName, password_hash: passwordHash })
        .where("id", "=", existing.id)
        .returningAll()
        .executeTakeFirstOrThrow();
      await recordAudit(trx, { actorId: null, action: "user.register", subjectType: "user", subjectId: user.id, details: { again: true } });
      await mailVerification(trx, ctx.publicUrl, user);
      return true;
    }
    await mailRegisteredAlready(trx, ctx.publicUrl, existing);
    return true;
  });
  if (mailed) ctx.events.emit("queued", { queue: "mail" });
  return { status: "pending" };
}

/**
 * Verifies the address a verification token was mailed to and signs its user in: a new session,
 * and every session and API token opened before ends (until now, whoever registered the address
 * last could sign in). Throws 400 `invalid_token` for a token that is unknown, used, expired or
 * whose account is disabled.
 */
export async function verifyEmail(ctx: DomainContext, token: string): Promise<{ user: User; sessionToken: string; expiresAt: Date }> {
  const { user, session, withdrawn } = await ctx.db.transaction().execute(async (trx) => {
    const owner = await consumeUserToken(trx, token, "verify");
    const user = await trx
      .updateTable("users")
      .set({ email_verified_at: owner.email_verified_at ?? new Date() })
      .where("id", "=", owner.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    const withdrawn: WithdrawnCredentials = await withdrawCredentials(trx, user.id, null);
    await recordAudit(trx, { actorId: user.id, action: "user.verify_email", subjectType: "user", subjectId: user.id });
    const session = await openSession(trx, user.id, "email");
    return { user, session, withdrawn };
  });
  announceWithdrawn(ctx, withdrawn);
  return { user: toUser(user), ...session };
}

/**
 * Mails the signed-in user a new verification link; earlier links stop working. Throws 401, 409
 * `already_verified`.
 */
export async function resendVerification(ctx: DomainContext, actor: Actor | null): Promise<Pending> {
  assertSignedIn(actor);
  if (isVerified(actor)) throw alreadyVerified();
  await ctx.db.transaction().execute((trx) => mailVerification(trx, ctx.publicUrl, actor.user));
  ctx.events.emit("queued", { queue: "mail" });
  return { status: "pending" };
}
