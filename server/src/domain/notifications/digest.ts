import { sql } from "kysely";
import type { DomainContext } from "../context";
import { enqueueMail } from "../mail/queue";
import { userCanRead } from "../access";
import { digestMail, type MailedNotification } from "./mail";
import type { NotificationPayload } from "./deliver";

/**
 * The daily digest: for each user who wants one (`daily`, the default), one message a day at the
 * digest hour (UTC) with the notifications not mailed yet, grouped by standard. A notification
 * waits for the first digest hour after it was made, so a user gets at most one digest a day.
 * Rights are checked again as the digest is made: what the user can no longer read is left out.
 */

/** The latest digest hour that is not after `now`. */
export function lastDigestHour(now: Date, hourUtc: number): Date {
  const at = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), hourUtc));
  if (at.getTime() > now.getTime()) at.setUTCDate(at.getUTCDate() - 1);
  return at;
}

/**
 * Sends the digests that are due, up to `batch` users, each in its own transaction, and marks
 * their notifications mailed. Each user's digest of the day is claimed in `digest_runs` first, so
 * two processes never both send it. Returns how many users it handled.
 */
export async function sendDigests(ctx: DomainContext, hourUtc: number, batch = 20, now = new Date()): Promise<number> {
  const since = lastDigestHour(now, hourUtc);
  const due = await ctx.db
    .selectFrom("notifications as n")
    .innerJoin("users as u", "u.id", "n.user_id")
    .select("n.user_id")
    .distinct()
    .where("u.email_notifications", "=", "daily")
    .where("u.disabled_at", "is", null)
    .where("n.mailed_at", "is", null)
    .where("n.created_at", "<", since)
    .where((eb) => eb.not(eb.exists(eb.selectFrom("digest_runs as d").select("d.user_id").whereRef("d.user_id", "=", "n.user_id").where("d.last_sent_at", ">=", since))))
    .limit(batch)
    .execute();
  let handled = 0;
  let mailed = false;
  for (const { user_id: userId } of due) {
    const sent = await ctx.db.transaction().execute(async (trx) => {
      const user = await trx.selectFrom("users").selectAll().where("id", "=", userId).executeTakeFirst();
      if (!user || user.disabled_at !== null || user.email_notifications !== "daily") return null;
      const claimed = await trx
        .insertInto("digest_runs")
        .values({ user_id: userId, last_sent_at: now })
        .onConflict((oc) => oc.column("user_id").doUpdateSet({ last_sent_at: now }).where("digest_runs.last_sent_at", "<", since))
        .returning("user_id")
        .executeTakeFirst();
      if (!claimed) return null;
      const rows = await trx
        .selectFrom("notifications as n")
        .innerJoin("standards as s", "s.id", "n.standard_id")
        .select(["n.id", "n.event", "n.payload", "n.standard_id"])
        .select(["s.title as standard_title", "s.is_public"])
        .select(sql<boolean>`exists (select 1 from memberships m where m.standard_id = n.standard_id and m.user_id = n.user_id)`.as("is_member"))
        .where("n.user_id", "=", userId)
        .where("n.mailed_at", "is", null)
        .orderBy("s.title")
        .orderBy("n.standard_id")
        .orderBy("n.id")
        .forUpdate("n")
        .execute();
      const readable = rows.filter((r) => userCanRead(r, user, r.is_member));
      const items: MailedNotification[] = readable.map((r) => {
        const p = r.payload as unknown as NotificationPayload;
        return { event: r.event as MailedNotification["event"], standardTitle: r.standard_title, summary: p.summary, link: p.link };
      });
      if (items.length > 0) await enqueueMail(trx, ctx.publicUrl, await digestMail(trx, ctx.publicUrl, user, items));
      // What can no longer be read is settled too: it is not to be mailed later.
      if (rows.length > 0) await trx.updateTable("notifications").set({ mailed_at: now }).where("id", "in", rows.map((r) => r.id)).execute();
      return items.length > 0;
    });
    if (sent !== null) handled++;
    if (sent) mailed = true;
  }
  if (mailed) ctx.events.emit("queued", { queue: "mail" });
  return handled;
}
