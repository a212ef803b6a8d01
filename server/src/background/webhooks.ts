import type { DomainContext } from "../domain/context";
import { claimDueDeliveries, markDelivered, recordDeliveryFailure } from "../domain/webhooks/deliveries";
import { sendDelivery, type SenderOptions } from "../webhooks/sender";
import { Worker, type WorkerLog } from "./worker";

/**
 * The "webhooks" queue's worker: makes the deliveries that are due, a few at once, and records
 * each outcome (2xx: delivered; anything else: retried with backoff, then failed). Woken after
 * events were dispatched in this process (`queued` with `webhooks`), and every poll.
 */
export function webhookWorker(ctx: DomainContext, options: SenderOptions & { pollMs: number; log: WorkerLog }): Worker {
  return new Worker({ name: "webhooks", pollMs: options.pollMs, log: options.log, step: () => deliverDue(ctx, options, options.log) });
}

/** How many deliveries run at once: receivers are other people's servers, some of them slow. */
const PARALLEL = 4;

/** One batch: resolves how many deliveries it attempted. */
export async function deliverDue(ctx: DomainContext, options: SenderOptions, log: WorkerLog): Promise<number> {
  const due = await claimDueDeliveries(ctx);
  let next = 0;
  const lane = async () => {
    while (next < due.length) {
      const delivery = due[next++]!;
      const outcome = await sendDelivery(delivery, options);
      if (outcome.delivered) {
        await markDelivered(ctx, delivery.id, outcome.statusCode!);
        continue;
      }
      const error = outcome.error ?? "failed";
      const status = await recordDeliveryFailure(ctx, delivery, { statusCode: outcome.statusCode, error });
      log.warn({ delivery: delivery.id, webhook: delivery.webhookId, attempts: delivery.attempts, error }, status === "failed" ? "a webhook delivery failed and was given up" : "a webhook delivery failed; it is tried again later");
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, due.length) }, lane));
  return due.length;
}
