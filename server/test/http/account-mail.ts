import { expect } from "vitest";
import type { Kysely } from "kysely";
import type { Database } from "../../src/db/database";

/** What the accounts queue for the mail sender: the contract between them (rows of `mail_queue`). */
export interface QueuedMail {
  kind: string;
  to: string;
  subject: string;
  text: string;
  html: string;
}

/** Every message queued for `to`, oldest first. */
export async function mailsTo(db: Kysely<Database>, to: string): Promise<QueuedMail[]> {
  const rows = await db.selectFrom("mail_queue").selectAll().where("to_address", "=", to).orderBy("created_at").orderBy("id").execute();
  return rows.map((r) => ({ kind: r.kind, to: r.to_address, subject: r.subject, text: r.text_body, html: r.html_body }));
}

/** The only message queued for `to`; fails unless there is exactly one. */
export async function onlyMailTo(db: Kysely<Database>, to: string): Promise<QueuedMail> {
  const mails = await mailsTo(db, to);
  expect(mails, `mail to ${to}`).toHaveLength(1);
  return mails[0]!;
}

/**
 * The token of the link to `page` (`verify`, `reset`) in a message: the link must be in both
 * parts, with the token after `#` so that it never reaches a server log.
 */
export function linkToken(mail: QueuedMail, publicUrl: string, page: "verify" | "reset"): string {
  const pattern = new RegExp(`${publicUrl.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}/${page}#([A-Za-z0-9_-]+)`);
  const inText = pattern.exec(mail.text)?.[1];
  const inHtml = pattern.exec(mail.html)?.[1];
  expect(inText, `a ${page} link in the text part of "${mail.subject}"`).toBeDefined();
  expect(inHtml, `the same link in the HTML part of "${mail.subject}"`).toBe(inText);
  return inText!;
}
