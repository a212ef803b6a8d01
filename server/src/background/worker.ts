/**
 * A worker of one database queue: it runs its step whenever it is woken (work was queued in this
 * process), every poll interval (work queued by another process, retries falling due), and again
 * at once while a step finds work. One step runs at a time; a failed step is
 * logged and tried again at the next wake or poll. Queues live in the database, so stopping a
 * worker loses nothing: what it did not finish is found by the next one.
 */
export interface WorkerLog {
  warn(details: object, message: string): void;
}

export interface WorkerOptions {
  name: string;
  /** Does one batch of the work that is due; resolves how many items it did (0: nothing is due). */
  step: () => Promise<number>;
  /** How often to look when nothing woke it, ms; 0: only when woken or drained. */
  pollMs: number;
  log: WorkerLog;
}

export class Worker {
  private running: Promise<void> | null = null;
  private again = false;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(private readonly options: WorkerOptions) {}

  get name(): string {
    return this.options.name;
  }

  start(): void {
    if (this.options.pollMs > 0 && !this.timer) {
      this.timer = setInterval(() => this.wake(), this.options.pollMs);
      this.timer.unref();
    }
    this.wake();
  }

  /** Runs the step soon (now, or right after the one under way). */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.loop().finally(() => {
      this.running = null;
    });
  }

  /**
   * Runs steps until one finds nothing due, and returns how many items they did: for tests and
   * the command line, which want the queue empty now rather than soon. Waits for a step under way.
   */
  async drain(): Promise<number> {
    while (this.running) await this.running;
    let done = 0;
    for (;;) {
      const n = await this.options.step();
      if (n === 0) return done;
      done += n;
    }
  }

  /** Stops waking; resolves once the step under way (if any) has finished. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      try {
        while (!this.stopped && (await this.options.step()) > 0);
      } catch (err) {
        this.options.log.warn({ err, worker: this.options.name }, "a background step failed; it is tried again later");
      }
    } while (this.again && !this.stopped);
  }
}

/** Every worker of the process, by name. */
export class Background {
  private readonly workers = new Map<string, Worker>();

  add(worker: Worker): Worker {
    if (this.workers.has(worker.name)) throw new Error(`A background worker named ${worker.name} exists already.`);
    this.workers.set(worker.name, worker);
    return worker;
  }

  get(name: string): Worker | undefined {
    return this.workers.get(name);
  }

  start(): void {
    for (const w of this.workers.values()) w.start();
  }

  /**
   * Drains every worker, over and over, until a whole round finds nothing to do: one queue's work
   * makes another's (an event makes notifications, which make mail).
   */
  async drain(): Promise<void> {
    for (let round = 0; round < 100; round++) {
      let done = 0;
      for (const w of this.workers.values()) done += await w.drain();
      if (done === 0) return;
    }
    throw new Error("The background queues did not settle after 100 rounds.");
  }

  async stop(): Promise<void> {
    await Promise.all([...this.workers.values()].map((w) => w.stop()));
  }
}
