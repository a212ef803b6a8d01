import { randomUUID } from "node:crypto";
import type { AcceptInviteBody, CreateInviteBody, InviteCreated, RegistrationMode, UserResponse } from "@codewright/shared";
import type { DomainContext } from "./context";
import type { Actor } from "./auth";
import { assertAdmin } from "./access";
import { invalidInvite, registrationClosed } from "./errors";
import { hashSecret, newSecret } from "./secrets";
import { insertUser, toUser } from "./users";
import { recordAudit } from "./audit";

export const INVITE_TTL_MS = 7 * 24 * 3600 * 1000;

/**
 * Creates an invite link for an email, by an admin. The token is shown once (in the link, after
 * `#`, so it is never sent to a server or logged) and stored hashed. `publicUrl` is where the
 * web client is served. Throws 403 `registration_closed` when `mode` is `closed` (no one joins;
 * admins make accounts themselves).
 */
export async function createInvite(ctx: DomainContext, actor: Actor | null, input: CreateInviteBody, publicUrl: string, mode: RegistrationMode): Promise<InviteCreated> {
  assertAdmin(actor);
  if (mode === "closed") throw registrationClosed(mode);
  const token = newSecret("cwi");
  const id = randomUUID();
  const expiresAt = new Date(Date.now() + INVITE_TTL_MS);
  await ctx.db.transaction().execute(async (trx) => {
    await trx
      .insertInto("invites")
      .values({ id, token_hash: hashSecret(token), email: input.email.trim(), is_admin: input.isAdmin ?? false, created_by: actor.user.id, expires_at: expiresAt, used_at: null, used_by: null })
      .execute();
    await recordAudit(trx, { actorId: actor.user.id, action: "invite.create", subjectType: "invite", subjectId: id, details: { email: input.email } });
  });
  return { id, email: input.email, token, expiresAt: expiresAt.toISOString(), url: `${publicUrl}/invite#${token}` };
}

/**
 * Turns an unused, unexpired invite into an account; no one is signed in yet. Throws 400
 * `invalid_invite` otherwise, 403 `registration_closed` when `mode` is `closed`, 503 `server_busy`.
 */
export async function acceptInvite(ctx: DomainContext, input: AcceptInviteBody, mode: RegistrationMode): Promise<UserResponse> {
  if (mode === "closed") throw registrationClosed(mode);
  const passwordHash = await ctx.passwords.hash(input.password);
  return ctx.db.transaction().execute(async (trx) => {
    const invite = await trx.selectFrom("invites").selectAll().where("token_hash", "=", hashSecret(input.token)).forUpdate().executeTakeFirst();
    if (!invite || invite.used_at || invite.expires_at.getTime() <= Date.now()) throw invalidInvite();
    const user = await insertUser(trx, { email: invite.email, displayName: input.displayName, passwordHash, isAdmin: invite.is_admin }, invite.created_by);
    await trx.updateTable("invites").set({ used_at: new Date(), used_by: user.id }).where("id", "=", invite.id).execute();
    return { user: toUser(user) };
  });
}
