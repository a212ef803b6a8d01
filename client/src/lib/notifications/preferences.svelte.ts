import type { EmailPreference } from "@codewright/shared";
import { errorMessage, type ApiClient } from "../api";

/** The choices of how notifications are mailed, in the order offered, with what each means. */
export const EMAIL_CHOICES: ReadonlyArray<{ value: EmailPreference; label: string; hint: string }> = [
  { value: "immediate", label: "Each as it happens", hint: "One email for every notification." },
  { value: "daily", label: "A daily digest", hint: "One email a day, grouped by standard. The default." },
  { value: "off", label: "No email", hint: "Notifications only appear in your inbox here." },
];

/** How the signed-in user's notifications are mailed, as the account page shows and changes it. */
export class EmailPreferences {
  readonly #api: ApiClient;
  /** As the server has it; null until loaded. */
  saved: EmailPreference | null = $state(null);
  /** As chosen in the form. */
  chosen: EmailPreference = $state("daily");
  status: "loading" | "ready" | "failed" = $state("loading");
  saving = $state(false);
  problem: string | null = $state(null);
  /** True right after a save succeeded, until the next change. */
  confirmed = $state(false);

  constructor(api: ApiClient) {
    this.#api = api;
  }

  /** Never throws. */
  async load(): Promise<void> {
    try {
      const preferences = await this.#api.preferences();
      this.saved = this.chosen = preferences.email;
      this.status = "ready";
      this.problem = null;
    } catch (error) {
      this.status = "failed";
      this.problem = errorMessage(error);
    }
  }

  /** Saves the choice in the form. Never throws. */
  async save(): Promise<void> {
    this.saving = true;
    this.problem = null;
    this.confirmed = false;
    try {
      this.saved = this.chosen = (await this.#api.updatePreferences({ email: this.chosen })).email;
      this.confirmed = true;
    } catch (error) {
      this.problem = errorMessage(error);
    } finally {
      this.saving = false;
    }
  }
}
