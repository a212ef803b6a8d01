import type { Membership, MembershipRole, UpdateMeBody, User } from "@codewright/shared";
import { errorMessage, isApiError, type ApiClient } from "./api";

export type SessionStatus = "loading" | "ready" | "unavailable";

/**
 * Who is signed in, as the server sees it. `status` is `loading` until the first answer,
 * `unavailable` when the server could not say (then `problem` says why).
 */
export class Session {
  readonly #api: ApiClient;
  // Bumped whenever this client changes who is signed in, so an answer to an earlier question
  // (the page's first look, sent before a sign-in finished) does not undo the change.
  #generation = 0;
  user: User | null = $state(null);
  memberships: Membership[] = $state([]);
  status: SessionStatus = $state("loading");
  problem: string | null = $state(null);

  readonly signedIn = $derived(this.user !== null);
  readonly isAdmin = $derived(this.user?.isAdmin === true);
  /** Signed in with an address not verified yet: such a user reads, and writes nothing until they verify. */
  readonly unverified = $derived(this.user?.emailVerified === false);

  constructor(api: ApiClient) {
    this.#api = api;
  }

  /** Asks the server who is signed in. Never throws: a failure shows in `status`. */
  async load(): Promise<void> {
    const generation = this.#generation;
    try {
      const me = await this.#api.me();
      if (generation !== this.#generation) return;
      this.user = me.user;
      this.memberships = me.memberships;
      this.status = "ready";
      this.problem = null;
    } catch (error) {
      if (generation !== this.#generation) return;
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
    this.#generation++;
    this.user = user;
    await this.load();
    return user;
  }

  /** Verifies the address with a mailed token, which signs in. Throws `ApiError` (`invalid_token` for an expired or used link). */
  async verifyEmail(token: string): Promise<User> {
    const user = await this.#api.verifyEmail(token);
    this.#generation++;
    this.user = user;
    await this.load();
    return user;
  }

  /**
   * Sets a new password with a mailed token. Every session of that user ends, perhaps this one:
   * the session is asked again. Throws `ApiError` (`invalid_token` for an expired or used link).
   */
  async resetPassword(token: string, password: string): Promise<void> {
    await this.#api.confirmPasswordReset(token, password);
    await this.load();
  }

  /** Changes the signed-in user's name or affiliation, then shows the user as the server now has them. Throws `ApiError`. */
  async updateProfile(change: UpdateMeBody): Promise<void> {
    await this.#api.updateMe(change);
    await this.load();
  }

  /** Ends the session here and on the server; signed out locally even if the server is unreachable. */
  async signOut(): Promise<void> {
    try {
      await this.#api.logout();
    } finally {
      this.#generation++;
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
