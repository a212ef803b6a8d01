import { sql, type RawBuilder } from "kysely";

/**
 * How a database queue (mail, webhook deliveries) retries what failed: the first retry waits
 * `firstDelayMs`, each next one twice as long, at most `maxDelayMs`; after `maxAttempts`
 * attempts it gives up. A claimed item is leased for `leaseMs`: if its worker dies meanwhile,
 * another one takes it once the lease has run out, so the lease must be longer than one attempt
 * can take.
 */
export interface RetryPolicy {
  firstDelayMs: number;
  maxDelayMs: number;
  maxAttempts: number;
  leaseMs: number;
}

/** How long to wait after the `attempts`-th failed attempt (1 for the first), ms. */
export function retryDelayMs(policy: RetryPolicy, attempts: number): number {
  const doublings = Math.max(0, Math.min(attempts - 1, 40));
  return Math.min(policy.maxDelayMs, policy.firstDelayMs * 2 ** doublings);
}

/** The database's now plus `ms`: queues compare against the database's clock, never a process's. */
export function nowPlus(ms: number): RawBuilder<Date> {
  return sql<Date>`now() + cast(${Math.round(ms)} as double precision) * interval '1 millisecond'`;
}
