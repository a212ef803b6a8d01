import type { Notification, NotificationEvent } from "@codewright/shared";
import { errorMessage, type ApiClient } from "../api";
import { compareIds } from "../proposals/activity";

/** Notifications per page. */
export const PAGE_SIZE = 20;

/** A short name for each kind of notification, shown beside it. */
export const EVENT_LABELS: Readonly<Record<NotificationEvent, string>> = {
  "proposal.submitted": "Submitted",
  "proposal.decided": "Decided",
  "proposal.reopened": "Reopened",
  "comment.reply": "Reply",
  "comment.disposed": "Disposition",
  "vote.needed": "Vote needed",
  "release.published": "Release",
  "deadline.approaching": "Deadline",
};

/** Where the header's count is kept, so marking read here shows there at once. */
export interface UnreadSink {
  set(count: number): void;
}

/** Both lists' notifications, each once (the later copy wins), newest first. */
export function mergeNotifications(current: readonly Notification[], incoming: readonly Notification[]): Notification[] {
  const byId = new Map(current.map((n) => [n.id, n]));
  for (const n of incoming) byId.set(n.id, n);
  return [...byId.values()].sort((a, b) => compareIds(b.id, a.id));
}

/**
 * The notifications inbox: newest first, a page at a time, all or only the unread. Marking read
 * shows at once and is undone if the server refuses.
 */
export class Inbox {
  readonly #api: ApiClient;
  readonly #sink: UnreadSink | null;
  notifications: Notification[] = $state.raw([]);
  /** The cursor of the next page; null on the last. */
  nextCursor: string | null = $state(null);
  /** Unread notifications in all, whatever is loaded. */
  unread = $state(0);
  onlyUnread = $state(false);
  status: "loading" | "ready" | "failed" = $state("loading");
  loadingMore = $state(false);
  problem: string | null = $state(null);

  constructor(api: ApiClient, sink: UnreadSink | null = null) {
    this.#api = api;
    this.#sink = sink;
  }

  /** Loads the first page again (after a change of filter, or to see new ones). Never throws. */
  async load(): Promise<void> {
    try {
      const page = await this.#api.notifications({ unread: this.onlyUnread, limit: PAGE_SIZE });
      this.notifications = mergeNotifications([], page.notifications);
      this.nextCursor = page.nextCursor;
      this.#count(page.unread);
      this.status = "ready";
      this.problem = null;
    } catch (error) {
      this.status = "failed";
      this.problem = errorMessage(error);
    }
  }

  /** Appends the next page. Never throws: a failure shows in `problem`. */
  async more(): Promise<void> {
    if (this.nextCursor === null || this.loadingMore) return;
    this.loadingMore = true;
    try {
      const page = await this.#api.notifications({ unread: this.onlyUnread, cursor: this.nextCursor, limit: PAGE_SIZE });
      this.notifications = mergeNotifications(this.notifications, page.notifications);
      this.nextCursor = page.nextCursor;
      this.#count(page.unread);
      this.problem = null;
    } catch (error) {
      this.problem = errorMessage(error);
    } finally {
      this.loadingMore = false;
    }
  }

  /** Marks one notification read, as when it is opened. Never throws. */
  async markRead(id: string): Promise<void> {
    const target = this.notifications.find((n) => n.id === id);
    if (!target || target.read) return;
    this.#setRead((n) => n.id === id, true);
    this.#count(this.unread - 1);
    try {
      const unread = await this.#api.markRead({ ids: [id] });
      if (unread !== null) this.#count(unread);
    } catch (error) {
      this.#setRead((n) => n.id === id, false);
      this.#count(this.unread + 1);
      this.problem = errorMessage(error);
    }
  }

  /** Marks every notification read, loaded or not. Never throws. */
  async markAllRead(): Promise<void> {
    const before = { notifications: this.notifications, unread: this.unread };
    this.#setRead(() => true, true);
    this.#count(0);
    try {
      await this.#api.markRead({ all: true });
      this.problem = null;
    } catch (error) {
      this.notifications = before.notifications;
      this.#count(before.unread);
      this.problem = errorMessage(error);
    }
  }

  #setRead(which: (n: Notification) => boolean, read: boolean): void {
    this.notifications = this.notifications.map((n) => (which(n) && n.read !== read ? { ...n, read } : n));
  }

  #count(unread: number): void {
    this.unread = Math.max(0, unread);
    this.#sink?.set(this.unread);
  }
}
