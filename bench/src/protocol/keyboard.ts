import type { SyncClient } from "./client";

const SLOT_MS = 5;

export interface KeyboardOptions {
  charsPerSecond: number;
  awarenessPerSecond: number;
}

/**
 * Drives typing clients at a steady rate from one timer: each client owns a 5 ms slot in
 * the typing period, so N clients spread their keystrokes evenly instead of in bursts.
 * When the process falls behind by more than a period, the missed slots are skipped (the
 * achieved rate is what the ledger records).
 */
export class Keyboard {
  private readonly slots: SyncClient[][];
  private readonly periodSlots: number;
  private readonly awarenessEvery: number;
  private timer: NodeJS.Timeout | null = null;
  private startedAt = 0;
  private nextSlot = 0;
  skippedSlots = 0;

  constructor(
    clients: readonly SyncClient[],
    options: KeyboardOptions,
  ) {
    this.periodSlots = Math.max(1, Math.round(1000 / options.charsPerSecond / SLOT_MS));
    this.awarenessEvery = Math.max(1, Math.round(options.charsPerSecond / options.awarenessPerSecond));
    this.slots = Array.from({ length: this.periodSlots }, () => []);
    clients.forEach((client, i) => {
      // Spread evenly over the period, whatever the count.
      this.slots[Math.floor((i * this.periodSlots) / clients.length) % this.periodSlots]!.push(client);
    });
  }

  start(): void {
    if (this.timer) return;
    this.startedAt = performance.now();
    this.nextSlot = 0;
    this.timer = setInterval(() => this.tick(), SLOT_MS);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private tick(): void {
    const now = performance.now();
    const due = Math.floor((now - this.startedAt) / SLOT_MS);
    if (due - this.nextSlot > this.periodSlots) {
      this.skippedSlots += due - this.nextSlot - this.periodSlots;
      this.nextSlot = due - this.periodSlots;
    }
    for (; this.nextSlot <= due; this.nextSlot++) {
      const round = Math.floor(this.nextSlot / this.periodSlots);
      const clients = this.slots[this.nextSlot % this.periodSlots]!;
      for (let i = 0; i < clients.length; i++) {
        const client = clients[i]!;
        client.typeOne(now);
        if ((round + i) % this.awarenessEvery === 0) client.sendAwareness();
      }
    }
  }
}
