import type { RegistrationMode, User } from "@codewright/shared";
import type { Db } from "../db/database";
import type { UserRow } from "../db/tables/users";
import { emailTaken, forbidden, notFound, oidcFailed, registrationClosed } from "./errors";
import { hashSecret } from "./secrets";
import { findUserByEmail, insertUser, toUser } from "./users";
import { openSession } from "./auth";
import { recordAudit } from "./audit";
import type { DomainContext } from "./context";

/**
 * Signing in through an OpenID provider (authorization code flow with PKCE, state and nonce).
 * The protocol is the provider adapter's (auth/oidc-client.ts, through openid-client); the rules
 * are here: a flow is stored server-side, used once and expires; an identity links to an existing
 * account only through an address the provider says it verified.
 */

/** What the provider adapter does for a sign-in; it throws `oidc_failed` or `oidc_unavailable`. */
export interface OidcProvider {
  /** Where to send the browser, and the secrets of the flow to keep until it comes back. */
  begin(redirectUri: string): Promise<{ url: string; state: string; nonce: string; codeVerifier: string }>;
  /**
   * Completes a flow: checks the authorization response (state, issuer), exchanges the code with
   * the PKCE verifier, checks the ID token (signature, audience, nonce) and reads the user's claims.
   */
  complete(input: { callbackUrl: URL; state: string; nonce: string; codeVerifier: string }): Promise<ProviderIdentity>;
}

/** Who the provider says signed in. */
export interface ProviderIdentity {
  issuer: string;
  subject: string;
  email?: string;
  /** True only when the provider said `email_verified: true`. */
  emailVerified: boolean;
  name?: string;
  preferredUsername?: string;
}

/** How long a started sign-in may take at the provider. */
export const OIDC_FLOW_TTL_MS = 10 * 60 * 1000;

/** A same-site path to return to after signing in; anything else (another site, `//host`, `/\host`) is "/". */
export function safeReturnTo(returnTo: string | undefined): string {
  if (!returnTo || returnTo.length > 2000 || !returnTo.startsWith("/") || returnTo.startsWith("//")) return "/";
  // Browsers read a backslash as a slash (`/\evil.example`), and no path needs control characters.
  if (/[\\\u0000-\u001f\u007f]/.test(returnTo)) return "/";
  return returnTo;
}

/**
 * Starts a sign-in at the provider: the flow is stored by the hash of its state, and the caller
 * binds the state to the browser (a cookie) so that only this browser can complete it. Throws 404
 * when no provider is configured, 503 `oidc_unavailable` when it cannot be reached.
 */
export async function startOidcSignIn(
  ctx: DomainContext,
  provider: OidcProvider | null,
  input: { redirectUri: string; returnTo?: string },
): Promise<{ url: string; state: string; expiresAt: Date }> {
  if (!provider) throw notFound("sign-in provider");
  const flow = await provider.begin(input.redirectUri);
  const expiresAt = new Date(Date.now() + OIDC_FLOW_TTL_MS);
  await ctx.db.transaction().execute(async (trx) => {
    // Flows never completed are removed as new ones start.
    await trx.deleteFrom("oidc_flows").where("expires_at", "<=", new Date()).execute();
    await trx
      .insertInto("oidc_flows")
      .values({ state_hash: hashSecret(flow.state), nonce: flow.nonce, code_verifier: flow.codeVerifier, return_to: safeReturnTo(input.returnTo), expires_at: expiresAt })
      .execute();
  });
  return { url: flow.url, state: flow.state, expiresAt };
}

/**
 * Completes a sign-in the provider sent the browser back from, and opens a session:
 * - an identity seen before signs its account in;
 * - else an account with the address the provider says it verified is linked (and its address
 *   counts as verified from now on);
 * - else a new account is made (no password; its address verified only if the provider said so),
 *   when `registration` is `open`.
 * The flow is deleted first, so a replayed callback fails. Throws 400 `oidc_failed` (state not
 * this browser's, flow used or expired, provider refused or answered wrong), 403 `forbidden` (a
 * disabled account), 403 `registration_closed`, 409 `email_taken` (an address the provider did
 * not verify that an account already has), 503 `oidc_unavailable`; nothing is stored then.
 */
export async function completeOidcSignIn(
  ctx: DomainContext,
  provider: OidcProvider | null,
  input: { callbackUrl: URL; browserState: string | undefined; registration: RegistrationMode },
): Promise<{ user: User; sessionToken: string; expiresAt: Date; returnTo: string }> {
  if (!provider) throw notFound("sign-in provider");
  const state = input.callbackUrl.searchParams.get("state");
  if (!state || !input.browserState || hashSecret(state) !== hashSecret(input.browserState)) {
    throw oidcFailed("this sign-in was not started in this browser");
  }
  const flow = await ctx.db.deleteFrom("oidc_flows").where("state_hash", "=", hashSecret(state)).returningAll().executeTakeFirst();
  if (!flow) throw oidcFailed("this sign-in was already completed, or is unknown");
  if (flow.expires_at.getTime() <= Date.now()) throw oidcFailed("this sign-in took longer than 10 minutes");

  const identity = await provider.complete({ callbackUrl: input.callbackUrl, state, nonce: flow.nonce, codeVerifier: flow.code_verifier });
  const { user, session } = await ctx.db.transaction().execute(async (trx) => {
    const user = await accountFor(trx, identity, input.registration);
    return { user, session: await openSession(trx, user.id, "oidc") };
  });
  return { user: toUser(user), ...session, returnTo: flow.return_to };
}

/** The account an identity signs in to, linking or making it as the rules say. Call in a transaction. */
async function accountFor(db: Db, identity: ProviderIdentity, registration: RegistrationMode): Promise<UserRow> {
  const known = await db
    .selectFrom("oidc_identities")
    .innerJoin("users", "users.id", "oidc_identities.user_id")
    .selectAll("users")
    .where("oidc_identities.issuer", "=", identity.issuer)
    .where("oidc_identities.subject", "=", identity.subject)
    .executeTakeFirst();
  if (known) {
    if (known.disabled_at) throw forbidden("This account is disabled. Ask an admin.");
    return known;
  }

  const email = usableEmail(identity.email);
  if (!email) throw oidcFailed("the provider did not share a usable email address");
  const existing = await findUserByEmail(db, email);
  if (existing) {
    // Only an address the provider verified proves the account is this person's.
    if (!identity.emailVerified) {
      throw emailTaken("An account with this email already exists, and the provider has not verified the address, so it cannot be linked. Sign in with your password.");
    }
    if (existing.disabled_at) throw forbidden("This account is disabled. Ask an admin.");
    await link(db, identity, existing.id);
    if (existing.email_verified_at) return existing;
    return db.updateTable("users").set({ email_verified_at: new Date() }).where("id", "=", existing.id).returningAll().executeTakeFirstOrThrow();
  }

  if (registration !== "open") throw registrationClosed(registration);
  const user = await insertUser(db, { email, displayName: displayNameOf(identity, email), passwordHash: null, emailVerified: identity.emailVerified }, null);
  await link(db, identity, user.id);
  return user;
}

async function link(db: Db, identity: ProviderIdentity, userId: string): Promise<void> {
  await db.insertInto("oidc_identities").values({ issuer: identity.issuer, subject: identity.subject, user_id: userId }).execute();
  await recordAudit(db, { actorId: userId, action: "oidc.link", subjectType: "user", subjectId: userId, details: { issuer: identity.issuer, subject: identity.subject } });
}

// As the email format of the API's schemas (ajv-formats), which every other address passed.
const EMAIL = /^[a-z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i;

function usableEmail(email: string | undefined): string | undefined {
  const trimmed = email?.trim();
  return trimmed && trimmed.length <= 254 && EMAIL.test(trimmed) ? trimmed : undefined;
}

// What a display name may not hold (as TITLE_PATTERN): control characters, bidirectional overrides, lone surrogates.
const NOT_IN_NAME = /[\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const NAME_MAX = 100;

/** The provider's `name`, else `preferred_username`, else the address before its "@", made to fit a display name. */
function displayNameOf(identity: ProviderIdentity, email: string): string {
  for (const candidate of [identity.name, identity.preferredUsername, email.split("@")[0]]) {
    const clean = candidate?.replace(NOT_IN_NAME, "").trim();
    if (clean) return Array.from(clean).slice(0, NAME_MAX).join("").trim();
  }
  return email.slice(0, NAME_MAX);
}
