import { randomUUID } from "node:crypto";
import type { Db } from "../../db/database";

/** A message to send: both parts, a clear subject, and a link back to the page concerned inside both. */
export interface OutgoingMail {
  /** What it is (`verify`, `reset`, `register-existing`, `notification`, `digest`…), for logs and tests. */
  kind: string;
  to: string;
  /** The user it is for, when it is for one. */
  userId?: string | null;
  subject: string;
  text: string;
  html: string;
  /** Extra headers, e.g. List-Unsubscribe. */
  headers?: Record<string, string>;
}

/**
 * Queues a message; the mail sender sends it after the commit, never inside a request. Call in the
 * transaction of the change that warrants it, so a refused request sends nothing; then wake the
 * sender with `ctx.events.emit("queued", { queue: "mail" })` after the commit. `publicUrl` (the
 * site's) names the Message-ID's domain. Returns the message's id.
 */
export async function enqueueMail(db: Db, publicUrl: string, mail: OutgoingMail): Promise<string> {
  const id = randomUUID();
  const domain = new URL(publicUrl).hostname || "codewright.invalid";
  await db
    .insertInto("mail_queue")
    .values({
      id,
      message_id: `${id}@${domain}`,
      kind: mail.kind,
      to_address: mail.to,
      user_id: mail.userId ?? null,
      subject: mail.subject,
      text_body: mail.text,
      html_body: mail.html,
      headers: JSON.stringify(mail.headers ?? {}),
      locked_until: null,
      last_error: null,
      sent_at: null,
      failed_at: null,
    })
    .execute();
  return id;
}
