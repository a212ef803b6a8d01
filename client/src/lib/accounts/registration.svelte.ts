import { errorMessage, isApiError, type ApiClient } from "../api";
import { newPasswordProblem } from "./passwords";

/** The longest display name the server accepts (`DisplayName`). */
export const MAX_DISPLAY_NAME = 100;

export interface RegistrationForm {
  email: string;
  displayName: string;
  password: string;
  /** The password typed again. */
  again: string;
}

/** Why the sign-up form cannot be sent as filled in; null when it can. The server checks again. */
export function registrationProblem(form: RegistrationForm): string | null {
  const displayName = form.displayName.trim();
  if (!form.email.trim().includes("@")) return "Enter the email address the verification link should go to.";
  if (displayName === "") return "Enter your name as others will see it.";
  if (displayName.length > MAX_DISPLAY_NAME) return `Your name can have at most ${MAX_DISPLAY_NAME} characters.`;
  return newPasswordProblem(form.password, form.again);
}

/**
 * Making an account from the sign-up page. After a successful send, `sentTo` is the address the
 * verification link went to; `closed` is true once the server said registration is closed.
 * The server's answer is the same whether or not the address has an account, so this never tells.
 */
export class Registration {
  readonly #api: ApiClient;
  sending = $state(false);
  problem: string | null = $state(null);
  sentTo: string | null = $state(null);
  closed = $state(false);

  constructor(api: ApiClient) {
    this.#api = api;
  }

  /** Checks the form and sends it. Never throws: a refusal shows in `problem` (or `closed`). */
  async submit(form: RegistrationForm): Promise<void> {
    this.problem = registrationProblem(form);
    if (this.problem) return;
    const email = form.email.trim();
    this.sending = true;
    try {
      await this.#api.register({ email, displayName: form.displayName.trim(), password: form.password });
      this.sentTo = email;
    } catch (error) {
      if (isApiError(error, "registration_closed")) this.closed = true;
      else this.problem = errorMessage(error);
    } finally {
      this.sending = false;
    }
  }

  /** Back to the form, e.g. to correct a mistyped address. */
  restart(): void {
    this.sentTo = null;
    this.problem = null;
  }
}
