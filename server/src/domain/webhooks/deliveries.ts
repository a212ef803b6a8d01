import { sql } from "kysely";
import type { DomainContext } from "../context";
import { nowPlus, retryDelayMs, type RetryPolicy } from "../retry";

/**
 * The webhook delivery queue as the sender works it: claim what is due, then record each
 * attempt's outcome. Deliveries are at least once: one whose sender died after the receiver
 * answered and before the answer was recorded is sent again when its lease runs out, with the
 * same `webhook-id` (the delivery's id), which receivers use to drop duplicates.
 */

/** A delivery to attempt, with its webhook's address and secret. */
export interface DueDelivery {
  id: string;
  webhookId: string;
  url: string;
  secret: string;
  event: string;
  /** The JSON body to send, the same on every attempt. */
  body: string;
  /** Attempts so far, this one included. */
  attempts: number;
}

/** Webhook retries: after 30 s, 1 min, 2… at most 6 h apart; given up after 12 attempts (some 14 hours after the first). */
export const WEBHOOK_RETRY: RetryPolicy = { firstDelayMs: 30_000, maxDelayMs: 6 * 3600_000, maxAttempts: 12, leaseMs: 5 * 60_000 };

/**
 * Claims up to `limit` pending deliveries that are due, oldest due first, skipping those another
 * sender holds (a running lease, or a row being claimed at this moment). Each claim counts as an
 * attempt.
 */
export async function claimDueDeliveries(ctx: DomainContext, limit = 20, policy: RetryPolicy = WEBHOOK_RETRY): Promise<DueDelivery[]> {
  const claimed = await ctx.db
    .updateTable("webhook_deliveries")
    .set((eb) => ({ locked_until: nowPlus(policy.leaseMs), attempts: eb("attempts", "+", 1) }))
    .where("id", "in", (eb) =>
      eb
        .selectFrom("webhook_deliveries")
        .select("id")
        .where("status", "=", "pending")
        .where("next_attempt_at", "<=", sql<Date>`now()`)
        .where((w) => w.or([w("locked_until", "is", null), w("locked_until", "<=", sql<Date>`now()`)]))
        .orderBy("next_attempt_at")
        .limit(limit)
        .forUpdate()
        .skipLocked(),
    )
    .returning(["id", "webhook_id", "event", "payload", "attempts", "next_attempt_at", "created_at"])
    .execute();
  if (claimed.length === 0) return [];
  const hooks = new Map(
    (await ctx.db.selectFrom("webhooks").select(["id", "url", "secret"]).where("id", "in", [...new Set(claimed.map((d) => d.webhook_id))]).execute()).map((h) => [h.id, h]),
  );
  return claimed
    .sort((a, b) => a.next_attempt_at.getTime() - b.next_attempt_at.getTime() || a.created_at.getTime() - b.created_at.getTime())
    .flatMap((d) => {
      // A webhook removed since the claim takes its deliveries with it.
      const hook = hooks.get(d.webhook_id);
      return hook ? [{ id: d.id, webhookId: d.webhook_id, url: hook.url, secret: hook.secret, event: d.event, body: JSON.stringify(d.payload), attempts: d.attempts }] : [];
    });
}

/** Records a 2xx answer: delivered, never sent again. */
export async function markDelivered(ctx: DomainContext, id: string, statusCode: number): Promise<void> {
  await ctx.db
    .updateTable("webhook_deliveries")
    .set({ status: "delivered", delivered_at: sql<Date>`now()`, locked_until: null, last_status_code: statusCode, last_error: null })
    .where("id", "=", id)
    .where("status", "=", "pending")
    .execute();
}

/**
 * Records a failed attempt (an answer other than 2xx, no answer, or an address no longer
 * allowed): tried again after the policy's backoff, or `failed` after the last attempt. Returns which.
 */
export async function recordDeliveryFailure(
  ctx: DomainContext,
  delivery: Pick<DueDelivery, "id" | "attempts">,
  outcome: { statusCode: number | null; error: string },
  policy: RetryPolicy = WEBHOOK_RETRY,
): Promise<"retry" | "failed"> {
  const giveUp = delivery.attempts >= policy.maxAttempts;
  const recorded = { locked_until: null, last_status_code: outcome.statusCode, last_error: outcome.error.slice(0, 1000) };
  await ctx.db
    .updateTable("webhook_deliveries")
    .set(giveUp ? { ...recorded, status: "failed" } : { ...recorded, next_attempt_at: nowPlus(retryDelayMs(policy, delivery.attempts)) })
    .where("id", "=", delivery.id)
    .where("status", "=", "pending")
    .execute();
  return giveUp ? "failed" : "retry";
}
