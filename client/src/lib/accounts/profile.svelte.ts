import type { UpdateMeBody, User } from "@codewright/shared";
import { errorMessage } from "../api";
import type { Session } from "../session.svelte";
import { MAX_DISPLAY_NAME } from "./registration.svelte";

/** The longest affiliation the server accepts (`Affiliation`). */
export const MAX_AFFILIATION = 200;

/**
 * The name and affiliation form of the account page, filled in from the user as loaded. An empty
 * affiliation removes it. Only what changed is sent.
 */
export class ProfileForm {
  readonly #session: Session;
  displayName = $state("");
  affiliation = $state("");
  saving = $state(false);
  saved = $state(false);
  problem: string | null = $state(null);

  constructor(session: Session, user: Pick<User, "displayName" | "affiliation">) {
    this.#session = session;
    this.displayName = user.displayName;
    this.affiliation = user.affiliation ?? "";
  }

  /** The change to send for what is in the form against `user`; empty when nothing changed. */
  change(user: Pick<User, "displayName" | "affiliation">): UpdateMeBody {
    const change: UpdateMeBody = {};
    const displayName = this.displayName.trim();
    const affiliation = this.affiliation.trim() || null;
    if (displayName !== user.displayName) change.displayName = displayName;
    if (affiliation !== (user.affiliation ?? null)) change.affiliation = affiliation;
    return change;
  }

  /** Checks and saves the form. Never throws: a refusal shows in `problem`. */
  async save(): Promise<void> {
    this.saved = false;
    const user = this.#session.user;
    const displayName = this.displayName.trim();
    if (!user) this.problem = "Sign in again to change your profile.";
    else if (displayName === "") this.problem = "Enter your name as others will see it.";
    else if (displayName.length > MAX_DISPLAY_NAME) this.problem = `Your name can have at most ${MAX_DISPLAY_NAME} characters.`;
    else if (this.affiliation.trim().length > MAX_AFFILIATION) this.problem = `The affiliation can have at most ${MAX_AFFILIATION} characters.`;
    else this.problem = null;
    if (this.problem || !user) return;
    const change = this.change(user);
    if (Object.keys(change).length === 0) {
      this.saved = true;
      return;
    }
    this.saving = true;
    try {
      await this.#session.updateProfile(change);
      this.saved = true;
    } catch (error) {
      this.problem = errorMessage(error);
    } finally {
      this.saving = false;
    }
  }
}
