import { sql } from "kysely";
import type { DomainContext } from "../context";
import { nowPlus, retryDelayMs, type RetryPolicy } from "../retry";

/**
 * The mail queue as the sender works it: claim the messages that are due, then mark each sent or
 * record why it failed.
 *
 * Each message is sent once. A claim takes only messages not yet marked sent, so nothing marked
 * sent is ever sent again. A sender that dies after the server accepted a message and before it
 * was marked leaves it claimed: once the lease runs out it is sent again, with the same
 * Message-ID (`message_id`, fixed when it was queued), the same Date and the same body, so the
 * receiving side can recognise the duplicate. That is the only way a message goes out twice.
 */

/** A queued message, as the transport needs it. */
export interface QueuedMail {
  id: string;
  /** Without angle brackets. */
  messageId: string;
  kind: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  headers: Record<string, string>;
  /** When it was queued: the message's Date, the same on every attempt. */
  createdAt: Date;
  /** Attempts so far, this one included. */
  attempts: number;
}

/** Mail retries: after 1 min, 2, 4… at most 6 h apart; given up after 12 attempts (some 20 hours after the first). */
export const MAIL_RETRY: RetryPolicy = { firstDelayMs: 60_000, maxDelayMs: 6 * 3600_000, maxAttempts: 12, leaseMs: 10 * 60_000 };

/**
 * Claims up to `limit` messages that are due (oldest due first): not sent, not given up, due now,
 * and not claimed by a sender whose lease still runs. Rows another sender is claiming at the same
 * moment are skipped. Each claim counts as an attempt.
 */
export async function claimDueMail(ctx: DomainContext, limit = 20, policy: RetryPolicy = MAIL_RETRY): Promise<QueuedMail[]> {
  const rows = await ctx.db
    .updateTable("mail_queue")
    .set((eb) => ({ locked_until: nowPlus(policy.leaseMs), attempts: eb("attempts", "+", 1) }))
    .where("id", "in", (eb) =>
      eb
        .selectFrom("mail_queue")
        .select("id")
        .where("sent_at", "is", null)
        .where("failed_at", "is", null)
        .where("next_attempt_at", "<=", sql<Date>`now()`)
        .where((w) => w.or([w("locked_until", "is", null), w("locked_until", "<=", sql<Date>`now()`)]))
        .orderBy("next_attempt_at")
        .limit(limit)
        .forUpdate()
        .skipLocked(),
    )
    .returningAll()
    .execute();
  return rows
    .sort((a, b) => a.next_attempt_at.getTime() - b.next_attempt_at.getTime() || a.created_at.getTime() - b.created_at.getTime())
    .map((row) => ({
      id: row.id,
      messageId: row.message_id,
      kind: row.kind,
      to: row.to_address,
      subject: row.subject,
      text: row.text_body,
      html: row.html_body,
      headers: row.headers,
      createdAt: row.created_at,
      attempts: row.attempts,
    }));
}

/** Marks a claimed message sent; it is never claimed again. */
export async function markMailSent(ctx: DomainContext, id: string): Promise<void> {
  await ctx.db
    .updateTable("mail_queue")
    .set({ sent_at: sql<Date>`now()`, locked_until: null, last_error: null })
    .where("id", "=", id)
    .where("sent_at", "is", null)
    .execute();
}

/**
 * Records a failed attempt: the message is tried again after the policy's backoff, or given up
 * (`failed_at`) after its last attempt or when the failure is `permanent` (the server refused
 * the recipient or the message for good). Returns which.
 */
export async function recordMailFailure(
  ctx: DomainContext,
  message: Pick<QueuedMail, "id" | "attempts">,
  error: string,
  permanent: boolean,
  policy: RetryPolicy = MAIL_RETRY,
): Promise<"retry" | "failed"> {
  const giveUp = permanent || message.attempts >= policy.maxAttempts;
  await ctx.db
    .updateTable("mail_queue")
    .set(
      giveUp
        ? { locked_until: null, last_error: error.slice(0, 1000), failed_at: sql<Date>`now()` }
        : { locked_until: null, last_error: error.slice(0, 1000), next_attempt_at: nowPlus(retryDelayMs(policy, message.attempts)) },
    )
    .where("id", "=", message.id)
    .where("sent_at", "is", null)
    .execute();
  return giveUp ? "failed" : "retry";
}
