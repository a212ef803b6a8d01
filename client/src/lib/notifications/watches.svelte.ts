import type { Watch, WatchKind } from "@codewright/shared";
import { errorMessage, type ApiClient } from "../api";

/** How each kind of watched thing is named in a sentence. */
export const WATCH_NOUNS: Readonly<Record<WatchKind, string>> = {
  standard: "standard",
  section: "section",
  proposal: "proposal",
  thread: "comment thread",
};

/**
 * Whether the signed-in user watches one standard, section, proposal or thread, and the toggle
 * that changes it. `watching` is null until known.
 */
export class WatchToggle {
  readonly #api: ApiClient;
  readonly kind: WatchKind;
  readonly id: string;
  watching: boolean | null = $state(null);
  busy = $state(false);
  problem: string | null = $state(null);

  constructor(api: ApiClient, kind: WatchKind, id: string) {
    this.#api = api;
    this.kind = kind;
    this.id = id;
  }

  /** Never throws: when the server cannot say, `watching` stays null and the toggle is not offered. */
  async load(): Promise<void> {
    try {
      this.watching = await this.#api.watching(this.kind, this.id);
    } catch {
      this.watching = null;
    }
  }

  /** Starts or stops watching; the state changes once the server agreed. Never throws. */
  async toggle(): Promise<void> {
    if (this.watching === null || this.busy) return;
    const next = !this.watching;
    this.busy = true;
    this.problem = null;
    try {
      await this.#api.setWatching(this.kind, this.id, next);
      this.watching = next;
    } catch (error) {
      this.problem = errorMessage(error);
    } finally {
      this.busy = false;
    }
  }
}

/** Everything the signed-in user watches, as the account page lists it. */
export class WatchedList {
  readonly #api: ApiClient;
  watches: Watch[] = $state.raw([]);
  status: "loading" | "ready" | "failed" = $state("loading");
  problem: string | null = $state(null);

  constructor(api: ApiClient) {
    this.#api = api;
  }

  /** Never throws. */
  async load(): Promise<void> {
    try {
      this.watches = await this.#api.watches();
      this.status = "ready";
      this.problem = null;
    } catch (error) {
      this.status = "failed";
      this.problem = errorMessage(error);
    }
  }

  /** Stops watching; it leaves the list once the server agreed. Throws `ApiError`. */
  async unwatch(watch: Pick<Watch, "kind" | "id">): Promise<void> {
    await this.#api.setWatching(watch.kind, watch.id, false);
    this.watches = this.watches.filter((w) => !(w.kind === watch.kind && w.id === watch.id));
  }
}
