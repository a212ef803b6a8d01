import type { DomainContext } from "../domain/context";
import { claimDueMail, markMailSent, recordMailFailure } from "../domain/mail/delivery";
import { describeMailFailure, isPermanentMailFailure, type MailTransport } from "../mail/transport";
import { Worker, type WorkerLog } from "./worker";

/**
 * The "mail" queue's worker: sends the messages that are due, one at a time, through the
 * transport, and marks each sent or failed (see domain/mail/delivery.ts for why each message goes
 * out once). Woken when mail is queued in this process (`queued` with `mail`), and every poll.
 */
export function mailWorker(ctx: DomainContext, transport: MailTransport, options: { pollMs: number; log: WorkerLog }): Worker {
  return new Worker({ name: "mail", pollMs: options.pollMs, log: options.log, step: () => sendDueMail(ctx, transport, options.log) });
}

/** One batch: resolves how many messages it tried. */
export async function sendDueMail(ctx: DomainContext, transport: MailTransport, log: WorkerLog): Promise<number> {
  const due = await claimDueMail(ctx);
  for (const message of due) {
    try {
      await transport.send(message);
    } catch (err) {
      const error = describeMailFailure(err);
      const outcome = await recordMailFailure(ctx, message, error, isPermanentMailFailure(err));
      log.warn({ mail: message.id, kind: message.kind, attempts: message.attempts, error }, outcome === "failed" ? "a message could not be sent and was given up" : "a message could not be sent; it is tried again later");
      continue;
    }
    // Sent: a crash before this line sends it once more, with the same Message-ID.
    await markMailSent(ctx, message.id);
  }
  return due.length;
}
