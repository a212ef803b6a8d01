import type { NotificationEvent } from "@codewright/shared";
import type { Db } from "../../db/database";
import type { UserRow } from "../../db/tables/users";
import { composeMail, type MailContent } from "../mail/compose";
import type { OutgoingMail } from "../mail/queue";
import { absolute, pagePaths } from "./links";
import { unsubscribeHeaders, unsubscribeUrl } from "./unsubscribe";

/**
 * The messages that carry notifications: one per notification (`immediate`) or one digest a day
 * grouped by standard (`daily`). Each has both parts, a link to the page concerned, and a
 * one-click unsubscribe link in its footer and headers.
 */

/** A notification as mail tells it. */
export interface MailedNotification {
  event: NotificationEvent;
  standardTitle: string;
  summary: string;
  /** A path of the web client. */
  link: string;
  /** Someone's words to quote under the summary (a reply, a response, release notes). */
  excerpt?: string;
}

const ACTION_LABEL: Record<NotificationEvent, string> = {
  "proposal.submitted": "Open the proposal",
  "proposal.decided": "Open the proposal",
  "proposal.reopened": "Open the proposal",
  "vote.needed": "Review and vote",
  "comment.reply": "Open the thread",
  "comment.disposed": "Open your comment",
  "release.published": "Open the release",
  "deadline.approaching": "Open it",
};

/** A header may not break lines; a subject stays readable in a list of mail. */
function subjectLine(text: string): string {
  const flat = text.replace(/[\r\n\t]+/g, " ").replace(/ {2,}/g, " ").trim();
  return flat.length <= 140 ? flat : `${flat.slice(0, 139).trimEnd()}…`;
}

async function footer(db: Db, publicUrl: string, user: UserRow): Promise<{ lines: string[]; headers: Record<string, string> }> {
  const url = await unsubscribeUrl(db, publicUrl, user.id);
  return {
    lines: [
      "You get this because you watch it, or something it belongs to, or take part in the standard on Codewright.",
      `Choose how notifications are mailed (at once, a daily digest, or never) on your account page: ${absolute(publicUrl, pagePaths.account())}`,
      `Stop all notification email with one click: ${url}`,
    ],
    headers: unsubscribeHeaders(url),
  };
}

/** One notification, mailed at once. */
export async function notificationMail(db: Db, publicUrl: string, user: UserRow, n: MailedNotification): Promise<OutgoingMail> {
  const { lines, headers } = await footer(db, publicUrl, user);
  const content: MailContent = {
    greeting: `Hello ${user.display_name},`,
    paragraphs: [`${n.summary}.`, ...(n.excerpt ? [`“${n.excerpt}”`] : [])],
    action: { label: ACTION_LABEL[n.event], url: absolute(publicUrl, n.link) },
    footer: lines,
  };
  return { kind: "notification", to: user.email, userId: user.id, subject: subjectLine(`${n.standardTitle}: ${n.summary}`), ...composeMail(content), headers };
}

/** The day's notifications of one user, grouped by standard (in the order given), each linked. */
export async function digestMail(db: Db, publicUrl: string, user: UserRow, notifications: readonly MailedNotification[]): Promise<OutgoingMail> {
  const { lines, headers } = await footer(db, publicUrl, user);
  const groups = new Map<string, MailedNotification[]>();
  for (const n of notifications) groups.set(n.standardTitle, [...(groups.get(n.standardTitle) ?? []), n]);
  const count = notifications.length;
  const content: MailContent = {
    greeting: `Hello ${user.display_name},`,
    paragraphs: [`Here is what happened since your last digest: ${count === 1 ? "one notification" : `${count} notifications`} in ${groups.size === 1 ? "one standard" : `${groups.size} standards`}.`],
    groups: [...groups].map(([heading, items]) => ({ heading, items: items.map((n) => ({ text: `${n.summary}.`, url: absolute(publicUrl, n.link) })) })),
    action: { label: "Open your inbox", url: absolute(publicUrl, pagePaths.inbox()) },
    footer: lines,
  };
  const where = groups.size === 1 ? [...groups.keys()][0]! : `${groups.size} standards`;
  return {
    kind: "digest",
    to: user.email,
    userId: user.id,
    subject: subjectLine(`Your Codewright digest: ${count === 1 ? "1 notification" : `${count} notifications`} in ${where}`),
    ...composeMail(content),
    headers,
  };
}
