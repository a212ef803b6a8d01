import type { ActivityItem } from "@codewright/shared";
import { errorMessage, type ApiClient } from "../api";
import { compareIds, mergeActivity } from "./activity";

/** What the feed needs of an `EventSource`; tests hand it a fake. */
export interface ActivityStream {
  addEventListener(type: "activity" | "open" | "error", listener: (event: MessageEvent | Event) => void): void;
  close(): void;
}
export type OpenStream = (url: string) => ActivityStream;

/**
 * The signed-in user's activity feed: replies to their comments, decisions on their proposals
 * and new proposals in their standards, newest first. `follow` keeps it live from the server's
 * event stream; the browser reconnects on its own, and items seen twice are shown once.
 */
export class ActivityFeed {
  readonly #api: ApiClient;
  items: ActivityItem[] = $state.raw([]);
  status: "loading" | "ready" | "failed" = $state("loading");
  problem: string | null = $state(null);
  /** True while the stream is connected. */
  live = $state(false);

  constructor(api: ApiClient) {
    this.#api = api;
  }

  /** Loads the newest items. Never throws. */
  async load(): Promise<void> {
    try {
      this.items = mergeActivity(this.items, await this.#api.activity());
      this.status = "ready";
      this.problem = null;
    } catch (error) {
      this.status = "failed";
      this.problem = errorMessage(error);
    }
  }

  /** The newest id seen, for the stream to start after. */
  get latest(): string | null {
    return this.items.reduce<string | null>((max, item) => (max === null || compareIds(item.id, max) > 0 ? item.id : max), null);
  }

  /** Follows the stream from the newest item loaded; returns the function that stops following. */
  follow(open: OpenStream): () => void {
    const after = this.latest;
    const stream = open("/api/me/activity/stream" + (after ? `?after=${after}` : ""));
    stream.addEventListener("open", () => (this.live = true));
    stream.addEventListener("error", () => (this.live = false));
    stream.addEventListener("activity", (event) => {
      try {
        const item = JSON.parse((event as MessageEvent<string>).data) as ActivityItem;
        this.items = mergeActivity(this.items, [item]);
        this.live = true;
      } catch {
        // A malformed event is skipped; the next load shows the feed as stored.
      }
    });
    return () => {
      stream.close();
      this.live = false;
    };
  }
}
