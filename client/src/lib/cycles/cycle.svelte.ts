import type { Ballot, BallotVoteBody, Blocker, Cycle, Standard } from "@codewright/shared";
import { errorMessage, isApiError, type ApiClient } from "../api";
import { blockersOf } from "./stages";

export type CycleStatus = "loading" | "ready" | "failed";

/**
 * One cycle as its page shows it: the cycle, its ballot and its standard (for what the viewer may
 * do). Every action sends one request and takes the server's answer as the new state; failures
 * throw `ApiError` for the form that asked, except advancing, whose refusal lists its blockers.
 */
export class CyclePage {
  readonly #api: ApiClient;
  readonly id: string;
  cycle: Cycle | null = $state.raw(null);
  ballot: Ballot | null = $state.raw(null);
  standard: Standard | null = $state.raw(null);
  status: CycleStatus = $state("loading");
  problem: string | null = $state(null);
  /** The blockers of the last refused advance, and its sentence. */
  refusal: { message: string; blockers: Blocker[] } | null = $state.raw(null);
  advancing = $state(false);

  /** Editors manage the cycle: the server says so with the standard's `publish` permission. */
  readonly canManage = $derived(this.standard?.permissions.publish === true);

  constructor(api: ApiClient, id: string) {
    this.#api = api;
    this.id = id;
  }

  /** Reads the cycle, then its standard and ballot. Never throws: a failure shows in `status`. */
  async load(): Promise<void> {
    try {
      const cycle = await this.#api.cycle(this.id);
      this.cycle = cycle;
      if (this.standard?.slug !== cycle.standard) this.standard = await this.#api.standard(cycle.standard).catch(() => null);
      this.status = "ready";
      this.problem = null;
    } catch (error) {
      if (this.status !== "ready") this.status = "failed";
      this.problem = errorMessage(error);
      return;
    }
    await this.loadBallot();
  }

  /** Reads the ballot again; a cycle whose ballot cannot be read shows none. */
  async loadBallot(): Promise<void> {
    try {
      this.ballot = await this.#api.ballot(this.id);
    } catch {
      this.ballot = null;
    }
  }

  /** Closes the open stage early. A refusal with blockers shows in `refusal`; other failures throw. */
  async advance(): Promise<void> {
    this.advancing = true;
    this.refusal = null;
    try {
      this.cycle = await this.#api.advanceCycle(this.id);
      void this.loadBallot();
    } catch (error) {
      if (isApiError(error, "stage_requirements_unmet")) {
        this.refusal = { message: error.message, blockers: blockersOf(error.details) };
        void this.load();
        return;
      }
      throw error;
    } finally {
      this.advancing = false;
    }
  }

  async moveWindow(stageId: string, change: { opensAt?: string; closesAt?: string; reason: string }): Promise<void> {
    this.cycle = await this.#api.updateStage(this.id, stageId, change);
  }

  async cancel(reason: string): Promise<void> {
    this.cycle = await this.#api.cancelCycle(this.id, reason);
  }

  async vote(body: BallotVoteBody): Promise<void> {
    await this.#api.castBallot(this.id, body);
    await this.loadBallot();
  }

  async respond(userId: string, response: string): Promise<void> {
    await this.#api.respondToNegative(this.id, userId, response);
    await this.loadBallot();
  }
}
