import { errorMessage, type ApiClient } from "../api";
import type { Session } from "../session.svelte";
import { isSpentLink } from "./mailed-link";
import { newPasswordProblem } from "./passwords";

/**
 * Asking for a reset link on the forgot-password page. The server answers the same whether or not
 * an account has the address; `sentTo` is the address asked for, once sent.
 */
export class ResetRequest {
  readonly #api: ApiClient;
  sending = $state(false);
  problem: string | null = $state(null);
  sentTo: string | null = $state(null);

  constructor(api: ApiClient) {
    this.#api = api;
  }

  /** Never throws: a refusal shows in `problem`. */
  async submit(email: string): Promise<void> {
    const address = email.trim();
    this.problem = address.includes("@") ? null : "Enter the email address of your account.";
    if (this.problem) return;
    this.sending = true;
    try {
      await this.#api.requestPasswordReset(address);
      this.sentTo = address;
    } catch (error) {
      this.problem = errorMessage(error);
    } finally {
      this.sending = false;
    }
  }
}

/** Choosing a new password from a mailed reset link. `state` is `spent` when the link expired or was used. */
export class PasswordReset {
  readonly #session: Session;
  state: "editing" | "sending" | "done" | "spent" = $state("editing");
  problem: string | null = $state(null);

  constructor(session: Session) {
    this.#session = session;
  }

  /** Checks the password typed twice and sets it. Never throws. */
  async submit(token: string, password: string, again: string): Promise<void> {
    this.problem = newPasswordProblem(password, again);
    if (this.problem) return;
    this.state = "sending";
    try {
      await this.#session.resetPassword(token, password);
      this.state = "done";
    } catch (error) {
      this.state = isSpentLink(error) ? "spent" : "editing";
      this.problem = errorMessage(error);
    }
  }
}
