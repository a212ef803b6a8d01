import type { PublishReleaseBody, ReleaseSummary } from "@codewright/shared";
import { errorMessage, type ApiClient } from "../api";

export type CatalogStatus = "loading" | "ready" | "failed";

/**
 * The releases of one standard, newest first, and publishing the next one. A failed load
 * shows in `status` and `problem`; `publish` throws `ApiError` for its form to show.
 */
export class ReleaseCatalog {
  readonly #api: ApiClient;
  readonly slug: string;
  releases: ReleaseSummary[] = $state([]);
  status: CatalogStatus = $state("loading");
  problem: string | null = $state(null);

  readonly latest: ReleaseSummary | null = $derived(this.releases[0] ?? null);
  readonly versions: string[] = $derived(this.releases.map((r) => r.version));

  constructor(api: ApiClient, slug: string) {
    this.#api = api;
    this.slug = slug;
  }

  /** Loads the list. Never throws. */
  async load(): Promise<void> {
    this.status = "loading";
    try {
      this.releases = await this.#api.releases(this.slug);
      this.status = "ready";
      this.problem = null;
    } catch (error) {
      this.status = "failed";
      this.problem = errorMessage(error);
    }
  }

  /**
   * Publishes the draft as a release and puts it at the top of the list. Others may have
   * published meanwhile, so the list is then read again, as it is after a refusal.
   */
  async publish(body: PublishReleaseBody): Promise<ReleaseSummary> {
    try {
      const release = await this.#api.publishRelease(this.slug, body);
      this.releases = [release, ...this.releases.filter((r) => r.version !== release.version)];
      return release;
    } finally {
      void this.#refresh();
    }
  }

  // Reads the list again in the background; on failure the list shown stays as it was.
  async #refresh(): Promise<void> {
    try {
      this.releases = await this.#api.releases(this.slug);
    } catch {
      // The next load will tell.
    }
  }
}
