import type { Membership, MembershipRole, User } from "@codewright/shared";
import { errorMessage, isApiError, type ApiClient } from "./api";

export type SessionStatus = "loading" | "ready" | "unavailable";

/**
 * Who is signed in, as the server sees it. `status` is `loading` until the first answer,
 * `unavailable` when the server could not say (then `problem` says why).
 */
export class Session {
  readonly #api: ApiClient;
  user: User | null = $state(null);
  memberships: Membership[] = $state([]);
  status: SessionStatus = $state("loading");
  problem: string | null = $state(null);

  readonly signedIn = $derived(this.user !== null);
  readonly isAdmin = $derived(this.user?.isAdmin === true);

  constructor(api: ApiClient) {
    this.#api = api;
  }

  /** Asks the server who is signed in. Never throws: a failure shows in `status`. */
  async load(): Promise<void> {
    try {
      const me = await this.#api.me();
      this.user = me.user;
      this.memberships = me.memberships;
      this.status = "ready";
      this.problem = null;
    } catch (error) {
      this.user = null;
      this.memberships = [];
      if (isApiError(error) && error.status === 401) {
        this.status = "ready";
        this.problem = null;
      } else {
        this.status = "unavailable";
        this.problem = errorMessage(error);
      }
    }
  }

  /** Signs in, then reloads memberships. Throws `ApiError` (e.g. `invalid_credentials`). */
  async signIn(email: string, password: string): Promise<User> {
    const user = await this.#api.login(email, password);
    this.user = user;
    await this.load();
    return user;
  }

  /** Ends the session here and on the server; signed out locally even if the server is unreachable. */
  async signOut(): Promise<void> {
    try {
      await this.#api.logout();
    } finally {
      this.user = null;
      this.memberships = [];
    }
  }

  /**
   * The signed-in user's role in a standard, or null when they are not a member: for showing it.
   * What the user may do there comes with the standard (`permissions`), never from the role.
   */
  roleIn(standardSlug: string): MembershipRole | null {
    return this.memberships.find((m) => m.standard === standardSlug)?.role ?? null;
  }
}
