import type { Preferences, UpdatePreferencesBody } from "@codewright/shared";
import type { Actor } from "../auth";
import type { DomainContext } from "../context";
import { assertSignedIn } from "../access";

/** How the signed-in user's notifications are mailed. Throws 401. */
export async function readPreferences(ctx: DomainContext, actor: Actor | null): Promise<Preferences> {
  assertSignedIn(actor);
  const row = await ctx.db.selectFrom("users").select("email_notifications").where("id", "=", actor.user.id).executeTakeFirstOrThrow();
  return { email: row.email_notifications };
}

/**
 * Changes how the signed-in user's notifications are mailed; a change naming nothing answers the
 * preferences as they are. Turning mail back on from `off` mails only what comes from now on:
 * what came while it was off is settled, not sent in a heap. Throws 401.
 */
export async function updatePreferences(ctx: DomainContext, actor: Actor | null, change: UpdatePreferencesBody): Promise<Preferences> {
  assertSignedIn(actor);
  return ctx.db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom("users").select("email_notifications").where("id", "=", actor.user.id).forUpdate().executeTakeFirstOrThrow();
    if (change.email === undefined || change.email === before.email_notifications) return { email: before.email_notifications };
    await trx.updateTable("users").set({ email_notifications: change.email }).where("id", "=", actor.user.id).execute();
    if (before.email_notifications === "off") {
      await trx.updateTable("notifications").set({ mailed_at: new Date() }).where("user_id", "=", actor.user.id).where("mailed_at", "is", null).execute();
    }
    return { email: change.email };
  });
}
