import type { NotificationEvent } from "@codewright/shared";
import type { Db } from "../../db/database";
import type { StandardRow } from "../../db/tables/standards";
import type { DomainContext } from "../context";
import { enqueueMail } from "../mail/queue";
import { notificationMail } from "./mail";
import { readersAmong } from "./readers";

/** What a notification stores besides its user: enough to show it and mail it without the event. */
export interface NewNotification {
  event: NotificationEvent;
  standard: StandardRow;
  /** Who did it (never notified of it); null for the platform itself. */
  actorId: string | null;
  /** One sentence, without the final full stop: "Ada Lovelace accepted “Rotate keys”". */
  summary: string;
  /** The page concerned, a path of the web client. */
  link: string;
  /** What it is about, e.g. `{ kind: "proposal", id }`. */
  subject: { kind: string; id: string };
  /** Someone's words to quote in mail (a reply, a response, release notes), already shortened. */
  excerpt?: string;
}

/** The stored payload of a notification. */
export interface NotificationPayload {
  summary: string;
  link: string;
  subject: { kind: string; id: string };
  excerpt?: string;
}

/** What a delivery did, for what to do after its commit. */
export interface Delivered {
  userIds: string[];
  /** Mail was queued (someone wants notifications at once). */
  mailed: boolean;
}

/** Shortens someone's words for a notification: whitespace flattened, at most `max` characters. */
export function excerpt(text: string, max = 300): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1).trimEnd()}…`;
}

/**
 * Notifies the recipients who may read the standard now (never the actor), in the caller's
 * transaction, and queues a message at once for those who want notifications mailed
 * immediately. Returns who was notified; after the commit, tell live streams and wake the mail
 * queue (see `announceDelivered`).
 */
export async function deliver(db: Db, publicUrl: string, recipients: Iterable<string>, n: NewNotification): Promise<Delivered> {
  const ids = new Set(recipients);
  if (n.actorId) ids.delete(n.actorId);
  const readers = await readersAmong(db, n.standard, ids);
  if (readers.length === 0) return { userIds: [], mailed: false };
  const payload: NotificationPayload = { summary: n.summary, link: n.link, subject: n.subject, ...(n.excerpt ? { excerpt: n.excerpt } : {}) };
  const rows = await db
    .insertInto("notifications")
    .values(readers.map((u) => ({ user_id: u.id, event: n.event, standard_id: n.standard.id, actor_id: n.actorId, payload: JSON.stringify(payload), read_at: null, mailed_at: null })))
    .returning(["id", "user_id"])
    .execute();
  const byUser = new Map(rows.map((r) => [r.user_id, r.id]));
  const mailedIds: string[] = [];
  for (const user of readers) {
    if (user.email_notifications !== "immediate") continue;
    await enqueueMail(db, publicUrl, await notificationMail(db, publicUrl, user, { event: n.event, standardTitle: n.standard.title, summary: n.summary, link: n.link, excerpt: n.excerpt }));
    mailedIds.push(byUser.get(user.id)!);
  }
  if (mailedIds.length > 0) await db.updateTable("notifications").set({ mailed_at: new Date() }).where("id", "in", mailedIds).execute();
  return { userIds: readers.map((u) => u.id), mailed: mailedIds.length > 0 };
}

/** Merges what several deliveries of one transaction did. */
export function mergeDelivered(all: readonly Delivered[]): Delivered {
  return { userIds: [...new Set(all.flatMap((d) => d.userIds))], mailed: all.some((d) => d.mailed) };
}

/** After the commit of deliveries: live unread counts look again, and the mail sender sends now. */
export function announceDelivered(ctx: DomainContext, delivered: Delivered): void {
  if (delivered.userIds.length > 0) ctx.events.emit("notificationsChanged", { userIds: delivered.userIds });
  if (delivered.mailed) ctx.events.emit("queued", { queue: "mail" });
}
