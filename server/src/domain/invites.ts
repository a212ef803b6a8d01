import { randomUUID } from "node:crypto";
import type { DomainContext } from "./context";
import type { UserRow } from "../db/tables/users";
import { invalidInvite } from "./errors";
import { hashSecret, newSecret } from "./secrets";
import { createUser } from "./users";
import { hashPassword } from "./passwords";
import { recordAudit } from "./audit";

export const INVITE_TTL_MS = 7 * 24 * 3600 * 1000;

/** Creates an invite link for an email. The token is shown once and stored hashed. */
export async function createInvite(
  ctx: DomainContext,
  input: { email: string; isAdmin?: boolean },
  actorId: string,
): Promise<{ id: string; email: string; token: string; expiresAt: Date }> {
  const token = newSecret("cwi");
  const id = randomUUID();
  const expiresAt = new Date(Date.now() + INVITE_TTL_MS);
  await ctx.db.transaction().execute(async (trx) => {
    await trx
      .insertInto("invites")
      .values({ id, token_hash: hashSecret(token), email: input.email.trim(), is_admin: input.isAdmin ?? false, created_by: actorId, expires_at: expiresAt, used_at: null, used_by: null })
      .execute();
    await recordAudit(trx, { actorId, action: "invite.create", subjectType: "invite", subjectId: id, details: { email: input.email } });
  });
  return { id, email: input.email, token, expiresAt };
}

/** Turns an unused, unexpired invite into an account. Throws 400 `invalid_invite` otherwise. */
export async function acceptInvite(ctx: DomainContext, token: string, displayName: string, password: string): Promise<UserRow> {
  const passwordHash = await hashPassword(password);
  return ctx.db.transaction().execute(async (trx) => {
    const invite = await trx.selectFrom("invites").selectAll().where("token_hash", "=", hashSecret(token)).forUpdate().executeTakeFirst();
    if (!invite || invite.used_at || invite.expires_at.getTime() <= Date.now()) {
      throw invalidInvite();
    }
    const user = await createUser(trx, { email: invite.email, displayName, passwordHash, isAdmin: invite.is_admin }, invite.created_by);
    await trx.updateTable("invites").set({ used_at: new Date(), used_by: user.id }).where("id", "=", invite.id).execute();
    return user;
  });
}
