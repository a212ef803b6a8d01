import http from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import { Webhook } from "standardwebhooks";
import { DomainError } from "../domain/errors";
import type { DueDelivery } from "../domain/webhooks/deliveries";
import { vetWebhookUrl } from "../domain/webhooks/address";

/**
 * Sends one webhook delivery as the Standard Webhooks specification says: a POST of the JSON body
 * with `webhook-id` (the delivery's id, the same on every attempt), `webhook-timestamp` (this
 * attempt, in seconds) and `webhook-signature` (`v1,<base64 HMAC-SHA256>` of id, timestamp and
 * body, made with the `standardwebhooks` library and the webhook's secret).
 *
 * The address is checked again first (see domain/webhooks/address.ts): what the host resolves to
 * now must still be allowed, and the request connects to exactly that address, never resolving
 * the name a second time. Redirects are not followed; they count as failures.
 */

export interface DeliveryOutcome {
  /** A 2xx answer. */
  delivered: boolean;
  /** The answer's status; null when there was none. */
  statusCode: number | null;
  /** Why it failed, in one line; null when delivered. */
  error: string | null;
}

export interface SenderOptions {
  allowPrivate: boolean;
  /** The most one attempt may take, from connecting to the answer's status line, ms. */
  timeoutMs: number;
}

export const DEFAULT_TIMEOUT_MS = 10_000;

export async function sendDelivery(delivery: DueDelivery, options: SenderOptions): Promise<DeliveryOutcome> {
  let vetted;
  try {
    vetted = await vetWebhookUrl(delivery.url, options.allowPrivate);
  } catch (err) {
    if (err instanceof DomainError) return { delivered: false, statusCode: null, error: err.message };
    throw err;
  }
  const { url, address, family } = vetted;
  const body = Buffer.from(delivery.body, "utf8");
  const sentAt = new Date();
  const headers = {
    "content-type": "application/json",
    "content-length": String(body.length),
    "user-agent": "Codewright-Webhooks/1",
    "webhook-id": delivery.id,
    "webhook-timestamp": String(Math.floor(sentAt.getTime() / 1000)),
    "webhook-signature": new Webhook(delivery.secret).sign(delivery.id, sentAt, body),
  };
  // The vetted address, whatever the resolver would say now (both call shapes of `lookup`).
  const lookup = ((_host: string, opts: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    if (opts?.all) callback(null, [{ address, family }]);
    else callback(null, address, family);
  }) as unknown as LookupFunction;
  const request = (url.protocol === "https:" ? https : http).request;
  return new Promise<DeliveryOutcome>((resolve) => {
    let settled = false;
    const settle = (outcome: DeliveryOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      resolve(outcome);
    };
    const req = request({
      method: "POST",
      protocol: url.protocol,
      hostname: url.hostname.replace(/^\[(.*)\]$/, "$1"),
      port: url.port || undefined,
      path: `${url.pathname}${url.search}`,
      headers,
      lookup,
      agent: false,
    });
    const deadline = setTimeout(() => {
      req.destroy();
      settle({ delivered: false, statusCode: null, error: `no answer within ${options.timeoutMs / 1000} s` });
    }, options.timeoutMs);
    req.on("response", (res) => {
      const status = res.statusCode ?? 0;
      // The answer's body is not needed: read and drop it so the socket can close.
      res.resume();
      res.on("error", () => {});
      if (status >= 200 && status < 300) settle({ delivered: true, statusCode: status, error: null });
      else settle({ delivered: false, statusCode: status, error: `HTTP ${status}${res.statusMessage ? ` ${res.statusMessage}` : ""}`.slice(0, 200) });
    });
    req.on("error", (err: NodeJS.ErrnoException) => settle({ delivered: false, statusCode: null, error: `${err.code ? `${err.code}: ` : ""}${err.message}`.slice(0, 300) }));
    req.end(body);
  });
}
