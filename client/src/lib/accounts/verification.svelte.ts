import type { User } from "@codewright/shared";
import { errorMessage, type ApiClient } from "../api";
import type { Session } from "../session.svelte";
import { isSpentLink } from "./mailed-link";

/** Where opening a verification link stands: being checked, done, a link that no longer works, or another failure. */
export type VerificationState = "verifying" | "verified" | "spent" | "incomplete" | "failed";

/** Opening a mailed verification link: the address is verified and the user signed in. */
export class EmailVerification {
  readonly #session: Session;
  state: VerificationState = $state("verifying");
  problem: string | null = $state(null);
  user: User | null = $state(null);

  constructor(session: Session) {
    this.#session = session;
  }

  /** Verifies with the link's token (call it once: the token is single-use). Never throws. */
  async verify(token: string): Promise<void> {
    if (token === "") {
      this.state = "incomplete";
      return;
    }
    this.state = "verifying";
    try {
      this.user = await this.#session.verifyEmail(token);
      this.state = "verified";
    } catch (error) {
      this.state = isSpentLink(error) ? "spent" : "failed";
      this.problem = errorMessage(error);
    }
  }
}

/** Asking for a new verification link, for the signed-in user. */
export class VerificationResend {
  readonly #api: ApiClient;
  status: "idle" | "sending" | "sent" | "failed" = $state("idle");
  problem: string | null = $state(null);

  constructor(api: ApiClient) {
    this.#api = api;
  }

  /** Never throws: a failure shows in `status` and `problem`. */
  async send(): Promise<void> {
    this.status = "sending";
    this.problem = null;
    try {
      await this.#api.resendVerification();
      this.status = "sent";
    } catch (error) {
      this.status = "failed";
      this.problem = errorMessage(error);
    }
  }
}
