import type { CommentAnchor, CommentListQuery, CommentTarget, CommentThread, DispositionBody } from "@codewright/shared";
import { errorMessage, type ApiClient } from "../api";
import { marginOrder } from "./placement";

export type ThreadsStatus = "loading" | "ready" | "failed";

/** A target as one string: two targets with the same key hold the same threads. */
export function targetKey(target: CommentTarget): string {
  return [target.kind, target.standard, target.section ?? "", target.proposal ?? "", target.version ?? ""].join("|");
}

/**
 * The comment threads on one target (a draft section, a proposal or one of its sections, a
 * release section), and what can be done with them. Actions throw `ApiError` for their forms
 * to show; each answer from the server replaces the thread it is about.
 */
export class CommentThreads {
  readonly #api: ApiClient;
  readonly target: CommentTarget;
  readonly #only: CommentTarget["kind"] | undefined;
  threads: CommentThread[] = $state.raw([]);
  status: ThreadsStatus = $state("loading");
  problem: string | null = $state(null);

  /** In margin order: open first, anchored ones in text order. */
  readonly ordered: CommentThread[] = $derived(marginOrder(this.threads));
  readonly openCount: number = $derived(this.threads.filter((t) => t.state === "open").length);

  /** `only` keeps the listed threads of these kinds (a proposal's list holds those on its sections too). */
  constructor(api: ApiClient, target: CommentTarget, only?: CommentTarget["kind"]) {
    this.#api = api;
    this.target = target;
    this.#only = only;
  }

  /** What `GET /api/comments` is asked for this target. */
  get query(): CommentListQuery {
    const { standard, section, proposal, version } = this.target;
    if (proposal) return { standard, proposal, ...(section ? { section } : {}) };
    if (version) return { standard, version, ...(section ? { section } : {}) };
    return { standard, ...(section ? { section } : {}) };
  }

  /** Loads (or reloads) the threads. Never throws: a failure shows in `status`. */
  async load(): Promise<void> {
    try {
      const threads = await this.#api.comments(this.query);
      this.threads = this.#only ? threads.filter((t) => t.target.kind === this.#only) : threads;
      this.status = "ready";
      this.problem = null;
    } catch (error) {
      if (this.status !== "ready") this.status = "failed";
      this.problem = errorMessage(error);
    }
  }

  /** Starts a thread on the target, on a range of its text when `anchor` is given. */
  async start(body: string, anchor?: CommentAnchor): Promise<CommentThread> {
    const thread = await this.#api.createComment({ target: this.target, body, ...(anchor ? { anchor } : {}) });
    this.threads = [...this.threads, thread];
    return thread;
  }

  async reply(id: string, body: string): Promise<CommentThread> {
    return this.#replace(await this.#api.reply(id, body));
  }

  async setState(id: string, to: "resolved" | "open"): Promise<CommentThread> {
    return this.#replace(await this.#api.setCommentState(id, to));
  }

  async dispose(id: string, body: DispositionBody): Promise<CommentThread> {
    return this.#replace(await this.#api.dispose(id, body));
  }

  #replace(thread: CommentThread): CommentThread {
    this.threads = this.threads.some((t) => t.id === thread.id) ? this.threads.map((t) => (t.id === thread.id ? thread : t)) : [...this.threads, thread];
    return thread;
  }
}
