import type { AddProposalSectionBody, ProposalDetail, ProposalDiff, ProposalPreview, ProposalSection, UpdateProposalBody, UpdateProposalSectionBody, VoteBody } from "@codewright/shared";
import { errorMessage, type ApiClient } from "../api";
import { Outline } from "../outline";

export type ProposalStatus = "loading" | "ready" | "failed";

/** A document the proposal page reads besides the proposal itself, loaded on its own. */
export interface Loadable<T> {
  value: T | null;
  problem: string | null;
  loading: boolean;
}

/**
 * One proposal as its page shows it: the proposal, its diff against the base and the merge
 * preview, and everything people do with it. Every action sends one request, takes the
 * server's answer as the new state, and throws `ApiError` (with the server's sentence) for
 * the form that asked to show. The server checks every right again; `permissions` only
 * decides which buttons to show.
 */
export class ProposalPage {
  readonly #api: ApiClient;
  readonly id: string;
  detail: ProposalDetail | null = $state.raw(null);
  status: ProposalStatus = $state("loading");
  problem: string | null = $state(null);
  diff: Loadable<ProposalDiff> = $state({ value: null, problem: null, loading: false });
  preview: Loadable<ProposalPreview> = $state({ value: null, problem: null, loading: false });

  /** The proposal's outline as it would be: deleted sections left out, for numbers and cross-references. */
  readonly outline: Outline<ProposalSection> = $derived(Outline.fromList(this.detail?.sections.filter((s) => s.change !== "deleted") ?? []));
  /** Sections the proposal changes in any way. */
  readonly changed: ProposalSection[] = $derived(this.detail?.sections.filter((s) => s.change !== "unchanged") ?? []);

  constructor(api: ApiClient, id: string) {
    this.#api = api;
    this.id = id;
  }

  /** The section with this id in the proposal (deleted ones included), or undefined. */
  section(id: string): ProposalSection | undefined {
    return this.detail?.sections.find((s) => s.id === id);
  }

  /** The page of the proposal last shown: undefined before the first, null for its own page, else a section's id. */
  #shown: string | null | undefined = undefined;

  /**
   * Loads the proposal when the reader opens one of its pages (its own, or one of its
   * sections) other than the one last shown, so what others changed meanwhile (text, votes,
   * state) shows; the first call is the first load. Showing the same page again reads nothing.
   */
  show(sectionId: string | null): void {
    if (this.#shown === sectionId) return;
    this.#shown = sectionId;
    void this.load();
  }

  /** Loads the proposal, then its diff and preview. Never throws: a failure shows in `status`. */
  async load(): Promise<void> {
    try {
      this.detail = await this.#api.proposal(this.id);
      this.status = "ready";
      this.problem = null;
    } catch (error) {
      if (this.status !== "ready") this.status = "failed";
      this.problem = errorMessage(error);
      return;
    }
    void this.loadDocuments();
  }

  /** Reads the diff and the merge preview again (after edits, or when asked). Never throws. */
  async loadDocuments(): Promise<void> {
    await Promise.all([this.#fetch(this.diff, () => this.#api.proposalDiff(this.id)), this.#fetch(this.preview, () => this.#api.proposalPreview(this.id))]);
  }

  async #fetch<T>(slot: Loadable<T>, read: () => Promise<T>): Promise<void> {
    slot.loading = true;
    try {
      slot.value = await read();
      slot.problem = null;
    } catch (error) {
      slot.problem = errorMessage(error);
    } finally {
      slot.loading = false;
    }
  }

  /** Takes a changed proposal from the server; what it merges into may have changed too. */
  #took(detail: ProposalDetail): ProposalDetail {
    this.detail = detail;
    void this.loadDocuments();
    return detail;
  }

  /** Reads the proposal again, keeping the current one on failure. Throws `ApiError`. */
  async refresh(): Promise<ProposalDetail> {
    return this.#took(await this.#api.proposal(this.id));
  }

  update(change: UpdateProposalBody): Promise<ProposalDetail> {
    return this.#api.updateProposal(this.id, change).then((d) => this.#took(d));
  }

  /** `submit`, `reopen` (back to draft) or `withdraw`. */
  transition(verb: "submit" | "reopen" | "withdraw"): Promise<ProposalDetail> {
    return this.#api.transitionProposal(this.id, verb).then((d) => this.#took(d));
  }

  accept(note: string): Promise<ProposalDetail> {
    return this.#api.acceptProposal(this.id, note.trim() || undefined).then((d) => this.#took(d));
  }

  reject(reason: string): Promise<ProposalDetail> {
    return this.#api.rejectProposal(this.id, reason).then((d) => this.#took(d));
  }

  async vote(body: VoteBody): Promise<void> {
    await this.#api.vote(this.id, body);
    this.detail = await this.#api.proposal(this.id);
  }

  async inviteCoAuthor(userId: string): Promise<void> {
    const coAuthors = await this.#api.addCoAuthor(this.id, userId);
    if (this.detail) this.detail = { ...this.detail, coAuthors };
    await this.refresh();
  }

  async removeCoAuthor(userId: string): Promise<void> {
    await this.#api.removeCoAuthor(this.id, userId);
    await this.refresh();
  }

  /** Members the author may invite. Throws `ApiError`. */
  coAuthorCandidates() {
    return this.#api.coAuthorCandidates(this.id);
  }

  async addSection(body: AddProposalSectionBody): Promise<ProposalSection> {
    const section = await this.#api.addProposalSection(this.id, body);
    await this.refresh();
    return section;
  }

  async changeSection(sectionId: string, change: UpdateProposalSectionBody): Promise<ProposalSection> {
    const section = await this.#api.updateProposalSection(this.id, sectionId, change);
    await this.refresh();
    return section;
  }

  async deleteSection(sectionId: string): Promise<void> {
    await this.#api.deleteProposalSection(this.id, sectionId);
    await this.refresh();
  }

  /** Forks a section into the proposal's room before its authors edit it; resolves to the room. */
  async fork(sectionId: string): Promise<string> {
    const room = await this.#api.forkProposalSection(this.id, sectionId);
    if (this.detail && !this.section(sectionId)?.forked) {
      this.detail = { ...this.detail, sections: this.detail.sections.map((s) => (s.id === sectionId ? { ...s, forked: true } : s)) };
    }
    return room;
  }
}
