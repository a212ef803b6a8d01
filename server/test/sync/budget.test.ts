import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config";
import { Backlog, Budgets, ConnectionBudget, TokenBucket } from "../../src/sync/budget";
import { SyncRefusal } from "../../src/sync/refusals";

/** A clock the test moves by hand. */
function manualClock() {
  let now = 0;
  return { now: () => now, advance: (ms: number) => void (now += ms) };
}

function refusalOf(f: () => void): SyncRefusal | null {
  try {
    f();
    return null;
  } catch (err) {
    if (err instanceof SyncRefusal) return err;
    throw err;
  }
}

describe("TokenBucket", () => {
  it("starts full, takes nothing when empty, refills at its rate and never beyond its burst", () => {
    const clock = manualClock();
    const bucket = new TokenBucket({ perSecond: 10, burst: 5 }, clock.now);
    for (let i = 0; i < 5; i++) expect(bucket.take(1)).toBe(true);
    expect(bucket.take(1)).toBe(false);
    clock.advance(100);
    expect(bucket.take(1)).toBe(true);
    expect(bucket.take(1)).toBe(false);
    clock.advance(60_000);
    for (let i = 0; i < 5; i++) expect(bucket.take(1)).toBe(true);
    expect(bucket.take(1)).toBe(false);
  });

  it("lets one take larger than the burst through when rested, then waits until the debt is repaid", () => {
    const clock = manualClock();
    const bucket = new TokenBucket({ perSecond: 100, burst: 100 }, clock.now);
    expect(bucket.take(250)).toBe(true);
    expect(bucket.take(1)).toBe(false);
    clock.advance(1500);
    expect(bucket.take(1)).toBe(false);
    clock.advance(1000);
    expect(bucket.take(1)).toBe(true);
  });

  it("gives tokens back up to its burst", () => {
    const clock = manualClock();
    const bucket = new TokenBucket({ perSecond: 1, burst: 3 }, clock.now);
    expect(bucket.take(3)).toBe(true);
    bucket.give(1);
    expect(bucket.take(1)).toBe(true);
    expect(bucket.take(1)).toBe(false);
    bucket.give(10);
    for (let i = 0; i < 3; i++) expect(bucket.take(1)).toBe(true);
    expect(bucket.take(1)).toBe(false);
  });
});

describe("ConnectionBudget", () => {
  const limits = {
    updates: { perSecond: 100, burst: 10 },
    updateBytes: { perSecond: 1000, burst: 2000 },
    presence: { perSecond: 10, burst: 3 },
    presenceBytes: { perSecond: 100, burst: 500 },
  };

  it("refuses sync messages beyond the count or the bytes with 4429 too_many_updates", () => {
    const byCount = new ConnectionBudget(limits, manualClock().now);
    for (let i = 0; i < 10; i++) byCount.chargeSync(10);
    const refused = refusalOf(() => byCount.chargeSync(10));
    expect(refused?.closeCode).toBe(4429);
    expect(refused?.reason).toMatch(/^too_many_updates: /);

    const byBytes = new ConnectionBudget(limits, manualClock().now);
    byBytes.chargeSync(1500);
    byBytes.chargeSync(600);
    expect(refusalOf(() => byBytes.chargeSync(1))?.id).toBe("too_many_updates");
  });

  it("refuses presence beyond its count or the bytes it relays, and does not charge echoes of what it heard", () => {
    const budget = new ConnectionBudget(limits, manualClock().now);
    for (let i = 0; i < 3; i++) budget.chargePresence();
    expect(refusalOf(() => budget.chargePresence())?.id).toBe("too_many_presence_updates");

    const echoing = new ConnectionBudget(limits, manualClock().now);
    for (let i = 0; i < 100; i++) {
      echoing.heardPresence();
      echoing.chargePresence();
    }
    echoing.chargePresenceBytes(500);
    const refused = refusalOf(() => echoing.chargePresenceBytes(1));
    expect(refused?.closeCode).toBe(4429);
    expect(refused?.id).toBe("too_many_presence_updates");
  });
});

describe("Budgets", () => {
  const limits = {
    updates: { perSecond: 10, burst: 20 },
    updateBytes: { perSecond: 1000, burst: 1000 },
    presence: { perSecond: 10, burst: 10 },
    presenceBytes: { perSecond: 100, burst: 100 },
  };

  it("gives each connection a full budget, except a user refused within the refill time, who gets the spent one back", () => {
    const clock = manualClock();
    const budgets = new Budgets(limits, clock.now);
    const spend = (b: ConnectionBudget) => {
      let n = 0;
      while (!refusalOf(() => b.chargeSync(1))) n++;
      return n;
    };
    // Two connections of one user (one token, many clients) each have their own.
    expect(spend(budgets.open("u1"))).toBe(20);
    expect(spend(budgets.open("u1"))).toBe(20);
    const flooding = budgets.open("u2");
    spend(flooding);
    budgets.exceeded("u2", flooding);
    expect(spend(budgets.open("u2"))).toBe(0);
    expect(spend(budgets.open("u3"))).toBe(20);
    // Anonymous connections are never remembered.
    const anonymous = budgets.open(null);
    spend(anonymous);
    budgets.exceeded(null, anonymous);
    expect(spend(budgets.open(null))).toBe(20);
    // Once it would have refilled, the user starts afresh.
    clock.advance(2001);
    expect(spend(budgets.open("u2"))).toBe(20);
  });
});

describe("Backlog", () => {
  it("fits updates while under both bounds and frees them when removed", () => {
    const backlog = new Backlog({ queuedUpdatesPerProcess: 2, queuedBytesPerProcess: 100 });
    expect(backlog.fits(100)).toBe(true);
    expect(backlog.fits(101)).toBe(false);
    backlog.add(60);
    expect(backlog.fits(41)).toBe(false);
    backlog.add(10);
    expect(backlog.fits(1)).toBe(false);
    backlog.remove(2, 70);
    expect([backlog.updates, backlog.bytes]).toEqual([0, 0]);
    expect(backlog.fits(100)).toBe(true);
  });
});

describe("budget configuration", () => {
  it("has defaults that let a fast typist, a paste as large as a message and the first sync through", () => {
    const { limits, sync } = loadConfig({});
    expect(limits.updates.perSecond).toBeGreaterThanOrEqual(50);
    expect(limits.updateBytes.burst).toBeGreaterThanOrEqual(limits.messageBytes);
    expect(limits.presence.perSecond).toBeGreaterThanOrEqual(30);
    expect(limits.presenceStateBytes).toBeGreaterThanOrEqual(1024);
    expect(sync.presenceIntervalMs).toBe(50);
  });

  it("reads LIMIT_* budgets and refuses values that could refuse everything", () => {
    const { limits } = loadConfig({ LIMIT_UPDATES_PER_SECOND: "7", LIMIT_UPDATE_BURST: "9", LIMIT_PRESENCE_BYTES: "100", LIMIT_QUEUED_UPDATES_PER_ROOM: "3" });
    expect(limits.updates).toEqual({ perSecond: 7, burst: 9 });
    expect(limits.presenceStateBytes).toBe(100);
    expect(limits.queuedUpdatesPerRoom).toBe(3);
    expect(() => loadConfig({ LIMIT_UPDATES_PER_SECOND: "0" })).toThrow(/LIMIT_UPDATES_PER_SECOND/);
    expect(() => loadConfig({ LIMIT_PRESENCE_BURST: "0" })).toThrow(/LIMIT_PRESENCE_BURST/);
    expect(() => loadConfig({ LIMIT_UPDATE_BURST_BYTES: "-1" })).toThrow(/LIMIT_UPDATE_BURST_BYTES/);
  });
});
