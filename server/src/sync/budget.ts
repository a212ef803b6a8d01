import type { Limits, Rate } from "../config";
import { tooManyPresenceUpdates, tooManyUpdates } from "./refusals";

/**
 * A token bucket: starts full with `burst` tokens and refills at `perSecond`, never beyond
 * `burst`. A take succeeds while any token is left and may overdraw the bucket: one message
 * larger than the burst (a reconnecting client's offline work) still passes when the bucket is
 * rested, and the debt is repaid before the next one. `now` is a clock in ms (tests pass their own).
 */
export class TokenBucket {
  #tokens: number;
  #at: number;

  constructor(
    private readonly rate: Rate,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.#tokens = rate.burst;
    this.#at = now();
  }

  /** Takes `amount` tokens and returns true, or takes nothing and returns false when none is left. */
  take(amount: number): boolean {
    this.refill();
    if (this.#tokens <= 0) return false;
    this.#tokens -= amount;
    return true;
  }

  /** Gives back `amount` tokens, up to `burst`. */
  give(amount: number): void {
    this.refill();
    this.#tokens = Math.min(this.rate.burst, this.#tokens + amount);
  }

  private refill(): void {
    const now = this.now();
    if (now > this.#at) this.#tokens = Math.min(this.rate.burst, this.#tokens + ((now - this.#at) / 1000) * this.rate.perSecond);
    this.#at = now;
  }
}

/**
 * What one connection may still send, checked before any work is done for a message. Sync
 * messages are counted in messages and bytes; presence in messages and in the bytes of the
 * states the room relays for it. Every check that fails throws a SyncRefusal (4429).
 */
export class ConnectionBudget {
  readonly #updates: TokenBucket;
  readonly #updateBytes: TokenBucket;
  readonly #presence: TokenBucket;
  readonly #presenceBytes: TokenBucket;

  constructor(limits: Pick<Limits, "updates" | "updateBytes" | "presence" | "presenceBytes">, now?: () => number) {
    this.#updates = new TokenBucket(limits.updates, now);
    this.#updateBytes = new TokenBucket(limits.updateBytes, now);
    this.#presence = new TokenBucket(limits.presence, now);
    this.#presenceBytes = new TokenBucket(limits.presenceBytes, now);
  }

  /** One sync message (update, sync step) of `bytes`. Throws SyncRefusal `too_many_updates`. */
  chargeSync(bytes: number): void {
    if (!this.#updates.take(1) || !this.#updateBytes.take(bytes)) throw tooManyUpdates();
  }

  /** One presence message (awareness, query). Throws SyncRefusal `too_many_presence_updates`. */
  chargePresence(): void {
    if (!this.#presence.take(1)) throw tooManyPresenceUpdates();
  }

  /** Presence states of `bytes` the room is about to relay. Throws SyncRefusal `too_many_presence_updates`. */
  chargePresenceBytes(bytes: number): void {
    if (!this.#presenceBytes.take(bytes)) throw tooManyPresenceUpdates();
  }

  /**
   * The room sent this connection a presence frame. A stock client answers each one with an
   * awareness message of its own (it passes on every change it hears), which is not its doing.
   */
  heardPresence(): void {
    this.#presence.give(1);
  }
}

/**
 * Hands each connection its budget. A user whose connection was closed for going over budget gets
 * that spent budget back on their next connections until it would have refilled, so reconnecting
 * does not buy a new burst. Everyone else starts full: one person's tabs (or one token's many
 * clients) do not share a budget. Anonymous readers cannot write and always start afresh.
 */
export class Budgets {
  readonly #spent = new Map<string, { budget: ConnectionBudget; until: number }>();
  /** How long a spent budget takes to refill completely, ms. */
  readonly #refillMs: number;

  constructor(
    private readonly limits: Pick<Limits, "updates" | "updateBytes" | "presence" | "presenceBytes">,
    private readonly now: () => number = () => performance.now(),
  ) {
    const rates = [limits.updates, limits.updateBytes, limits.presence, limits.presenceBytes];
    this.#refillMs = Math.max(...rates.map((r) => (r.burst / r.perSecond) * 1000));
  }

  /** The budget of a new connection of `userId` (null: anonymous). */
  open(userId: string | null): ConnectionBudget {
    const spent = userId === null ? undefined : this.#spent.get(userId);
    if (spent && spent.until > this.now()) return spent.budget;
    if (spent) this.#spent.delete(userId!);
    return new ConnectionBudget(this.limits, this.now);
  }

  /** A connection of `userId` was closed for going over `budget`. */
  exceeded(userId: string | null, budget: ConnectionBudget): void {
    if (userId === null) return;
    const now = this.now();
    // The map only holds users refused within one refill time; older entries go as new ones come.
    for (const [id, entry] of this.#spent) if (entry.until <= now) this.#spent.delete(id);
    this.#spent.set(userId, { budget, until: now + this.#refillMs });
  }
}

/**
 * Updates accepted by the rooms of one process and not yet stored: memory held, and work every
 * room's next store and broadcast must do. A room asks before accepting one more.
 */
export class Backlog {
  #updates = 0;
  #bytes = 0;

  constructor(private readonly limits: Pick<Limits, "queuedUpdatesPerProcess" | "queuedBytesPerProcess">) {}

  get updates(): number {
    return this.#updates;
  }

  get bytes(): number {
    return this.#bytes;
  }

  /** True when one more update of `bytes` stays within the process's bound. */
  fits(bytes: number): boolean {
    return this.#updates < this.limits.queuedUpdatesPerProcess && this.#bytes + bytes <= this.limits.queuedBytesPerProcess;
  }

  add(bytes: number): void {
    this.#updates++;
    this.#bytes += bytes;
  }

  /** Updates that were stored, or dropped when saving failed. */
  remove(updates: number, bytes: number): void {
    this.#updates -= updates;
    this.#bytes -= bytes;
  }
}
