import type { ApiClient } from "../api";

/** What the counter needs of an `EventSource`; tests hand it a fake. */
export interface UnreadStream {
  /** 2 (`EventSource.CLOSED`) once the browser gave up reconnecting on its own. */
  readonly readyState: number;
  addEventListener(type: "unread" | "open" | "error", listener: (event: MessageEvent | Event) => void): void;
  close(): void;
}
/** Opens the stream at `url`; null where the browser has no `EventSource`. */
export type OpenUnreadStream = ((url: string) => UnreadStream) | null;

/** The timers the counter waits with; tests hand it a fake. */
export interface Timers {
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const CLOSED = 2;
export const STREAM_URL = "/api/me/notifications/stream";
/** The first wait before opening a stream again that the browser gave up on, doubled each time up to the last. */
export const RETRY_MS = [2_000, 5_000, 15_000, 30_000, 60_000] as const;

/**
 * The signed-in user's count of unread notifications, for the header, kept live. `follow` listens
 * to the server's stream (`event: unread`, `data: {"unread": n}`); the browser reconnects a
 * dropped stream by itself, and a stream it gave up on (the server refused it, or none is offered)
 * is opened again later, the count read meanwhile. Without `EventSource` the count is read now and
 * then instead. `count` is null until known.
 */
export class UnreadCounter {
  readonly #api: ApiClient;
  count: number | null = $state(null);
  /** True while the stream is connected. */
  live = $state(false);
  // Bumped by every count from the stream, so a read started before it does not overwrite it.
  #version = 0;

  constructor(api: ApiClient) {
    this.#api = api;
  }

  /** Sets the count as an action here changed it (marking read). */
  set(count: number): void {
    this.#version++;
    this.count = Math.max(0, count);
  }

  /** Reads the count once. Never throws: the count stays as it was when the server cannot say. */
  async refresh(): Promise<void> {
    const version = this.#version;
    try {
      const { unread } = await this.#api.notifications({ unread: true, limit: 1 });
      if (version === this.#version) this.count = unread;
    } catch {
      // Shown as before; the stream or the next read corrects it.
    }
  }

  /** Keeps the count live until the returned function is called, which forgets the count too. */
  follow(open: OpenUnreadStream, timers: Timers = globalThis as unknown as Timers): () => void {
    let stream: UnreadStream | null = null;
    let retry: unknown = null;
    let attempt = 0;
    let stopped = false;

    const later = () => {
      const wait = RETRY_MS[Math.min(attempt, RETRY_MS.length - 1)]!;
      attempt++;
      retry = timers.setTimeout(() => {
        retry = null;
        connect();
      }, wait);
    };

    const connect = () => {
      if (stopped) return;
      void this.refresh();
      if (open === null) return later();
      const current = open(STREAM_URL);
      stream = current;
      current.addEventListener("open", () => {
        this.live = true;
        attempt = 0;
      });
      current.addEventListener("unread", (event) => {
        const unread = readUnread((event as MessageEvent).data);
        if (unread === null) return;
        this.set(unread);
        this.live = true;
      });
      current.addEventListener("error", () => {
        this.live = false;
        if (current.readyState !== CLOSED || stopped) return;
        current.close();
        if (stream === current) stream = null;
        later();
      });
    };

    connect();
    return () => {
      stopped = true;
      if (retry !== null) timers.clearTimeout(retry);
      stream?.close();
      stream = null;
      this.live = false;
      this.count = null;
      this.#version++;
    };
  }
}

/** The count in an `unread` event's data, or null for anything else. */
export function readUnread(data: unknown): number | null {
  if (typeof data !== "string") return null;
  try {
    const unread = (JSON.parse(data) as { unread?: unknown }).unread;
    return typeof unread === "number" && Number.isInteger(unread) && unread >= 0 ? unread : null;
  } catch {
    return null;
  }
}
