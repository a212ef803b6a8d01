/**
 * What every typist sent and when. A typist's Yjs clock is its sequence number: the
 * update that took its clock to `clockEnd` was sent at `sentAt`, so a probe that sees the
 * clock reach `clockEnd` has received that update. Typists and probes live in this one
 * process, so both timestamps come from the same clock.
 */
export class Ledger {
  private readonly logs = new Map<number, SendLog>();
  /** Sends inside [windowStart, windowEnd) produce latency samples. */
  windowStart = Number.POSITIVE_INFINITY;
  windowEnd = Number.POSITIVE_INFINITY;
  readonly samples: number[] = [];
  /** Updates sent inside the window (the inbound count the server CPU is divided by). */
  sentInWindow = 0;

  record(clientId: number, clockEnd: number, sentAt: number): void {
    let log = this.logs.get(clientId);
    if (!log) this.logs.set(clientId, (log = { clockEnd: [], sentAt: [] }));
    log.clockEnd.push(clockEnd);
    log.sentAt.push(sentAt);
    if (sentAt >= this.windowStart && sentAt < this.windowEnd) this.sentInWindow++;
  }

  log(clientId: number): SendLog | undefined {
    return this.logs.get(clientId);
  }

  /** Opens a measurement window now; earlier samples and counts are dropped. */
  openWindow(now: number): void {
    this.windowStart = now;
    this.windowEnd = Number.POSITIVE_INFINITY;
    this.samples.length = 0;
    this.sentInWindow = 0;
  }

  closeWindow(now: number): void {
    this.windowEnd = now;
  }
}

export interface SendLog {
  clockEnd: number[];
  sentAt: number[];
}

/**
 * One probe's view of the ledger: how far it has seen each typist. `observe` is called
 * with a typist's new clock whenever a probe's document advances.
 */
export class LedgerCursor {
  private readonly seen = new Map<number, number>();

  constructor(private readonly ledger: Ledger) {}

  observe(clientId: number, clock: number, now: number): void {
    const log = this.ledger.log(clientId);
    if (!log) return;
    let i = this.seen.get(clientId) ?? 0;
    const { windowStart, windowEnd, samples } = this.ledger;
    while (i < log.clockEnd.length && log.clockEnd[i]! <= clock) {
      const sentAt = log.sentAt[i]!;
      if (sentAt >= windowStart && sentAt < windowEnd) samples.push(now - sentAt);
      i++;
    }
    this.seen.set(clientId, i);
  }

  /** Sends of `clientId` this probe has not seen yet. */
  missing(clientId: number): number {
    const log = this.ledger.log(clientId);
    return log ? log.clockEnd.length - (this.seen.get(clientId) ?? 0) : 0;
  }
}
