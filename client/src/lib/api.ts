import type {
  Ballot,
  BallotVoteBody,
  CommitteeAction,
  CommitteeActionBody,
  CreateCycleBody,
  Cycle,
  CycleList,
  CycleResponse,
  UpdateStageBody,
} from "@codewright/shared";
import type {
  AcceptInviteBody,
  ApiToken,
  CreateInviteBody,
  CreateUserBody,
  InviteCreated,
  MemberList,
  MeResponse,
  Membership,
  PasswordChanged,
  PublishReleaseBody,
  Release,
  ReleaseDiff,
  ReleaseList,
  ReleaseSummary,
  SectionDetail,
  SectionSummary,
  SetMembershipBody,
  Standard,
  StandardList,
  TokenCreated,
  TokenList,
  UpdateStandardBody,
  UpdateUserBody,
  User,
} from "@codewright/shared";
import type {
  ActivityItem,
  AddProposalSectionBody,
  AuthOptions,
  MarkReadBody,
  NotificationList,
  Pending,
  Preferences,
  RegisterBody,
  UnreadCount,
  UpdateMeBody,
  UpdatePreferencesBody,
  Watch,
  WatchKind,
  WatchList,
  WatchState,
  CommentListQuery,
  CommentThread,
  CreateCommentBody,
  CreateProposalBody,
  DispositionBody,
  ProposalCreated,
  ProposalDetail,
  ProposalDiff,
  ProposalPreview,
  ProposalSection,
  ProposalState,
  ProposalSummary,
  Tally,
  UpdateProposalBody,
  UpdateProposalSectionBody,
  UserRef,
  Vote,
  VoteBody,
} from "@codewright/shared";

/**
 * A failed API call: the server's stable `code` (`forbidden`, `not_found` …) and its
 * sentence for people in `message`. `status` is the HTTP status, 0 when the server
 * could not be reached at all.
 */
export class ApiError extends Error {
  override readonly name = "ApiError";
  readonly status: number;
  readonly code: string;
  /** Facts the server sends with some refusals for a program to act on (`blockers` of `stage_requirements_unmet`). */
  readonly details: Readonly<Record<string, unknown>> | null;

  constructor(status: number, code: string, message: string, details: Record<string, unknown> | null = null) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

/** True when `error` is an `ApiError`, optionally with the given code. */
export function isApiError(error: unknown, code?: string): error is ApiError {
  return error instanceof ApiError && (code === undefined || error.code === code);
}

/** What a user whose address is not verified is told when the server refuses a write. */
export const EMAIL_UNVERIFIED_MESSAGE =
  "Verify your email address first: open the link we mailed you, or ask for a new one with “Resend link” at the top of the page.";

/**
 * A sentence to show for any thrown value: the server's message for API errors, except a write
 * refused for an unverified address, which says the same thing wherever it happens.
 */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError && error.code === "email_unverified") return EMAIL_UNVERIFIED_MESSAGE;
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error && error.message) return error.message;
  return "Something went wrong. Reload the page and try again.";
}

type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
type Fetch = (input: string, init: RequestInit) => Promise<Response>;

const segment = encodeURIComponent;

/**
 * Typed calls to the Codewright HTTP API. Browser requests ride on the session cookie
 * (same origin); every method resolves to the response body or throws `ApiError`.
 */
export class ApiClient {
  readonly #fetch: Fetch;
  readonly #base: string;

  /** `base` is prefixed to every path (default: same origin); `fetch` is replaceable for tests. */
  constructor(options: { fetch?: Fetch; base?: string } = {}) {
    this.#fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.#base = options.base ?? "";
  }

  /** The answer's body, which must be JSON. */
  async #request<T>(method: Method, path: string, body?: unknown): Promise<T> {
    const { status, payload } = await this.#send(method, path, body);
    if (payload === undefined) throw unexpected(status);
    return payload as T;
  }

  /** The answer's JSON body, or undefined when a successful answer has none (204, 202). */
  async #requestOptional<T>(method: Method, path: string, body?: unknown): Promise<T | undefined> {
    return (await this.#send(method, path, body)).payload as T | undefined;
  }

  async #send(method: Method, path: string, body?: unknown): Promise<{ status: number; payload: unknown }> {
    const headers: Record<string, string> = { accept: "application/json" };
    const init: RequestInit = { method, headers, credentials: "same-origin" };
    if (body !== undefined) {
      headers["content-type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    let response: Response;
    try {
      response = await this.#fetch(this.#base + path, init);
    } catch {
      throw new ApiError(0, "network_error", "Codewright's server could not be reached. Check your connection and try again.");
    }
    const payload = await readJson(response);
    if (response.ok) return { status: response.status, payload };
    const error = (payload as { error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined)?.error;
    if (typeof error?.code === "string" && typeof error.message === "string") {
      const details = typeof error.details === "object" && error.details !== null ? (error.details as Record<string, unknown>) : null;
      throw new ApiError(response.status, error.code, error.message, details);
    }
    throw unexpected(response.status);
  }

  // Accounts and sessions

  /** Signs in and sets the session cookie. Throws `invalid_credentials` (401). */
  async login(email: string, password: string): Promise<User> {
    return (await this.#request<{ user: User }>("POST", "/api/auth/login", { email, password })).user;
  }

  async logout(): Promise<void> {
    await this.#request("POST", "/api/auth/logout");
  }

  /** The signed-in user and their memberships. Throws `unauthenticated` (401) when signed out. */
  me(): Promise<MeResponse> {
    return this.#request("GET", "/api/me");
  }

  /**
   * Changes the signed-in user's password. This session stays signed in; every API token and every
   * other session end, and the answer counts them. Throws `invalid_credentials` (403).
   */
  changePassword(currentPassword: string, newPassword: string): Promise<PasswordChanged> {
    return this.#request("PUT", "/api/me/password", { currentPassword, newPassword });
  }

  /** A new API token, valid until revoked or for `expiresInDays`; its secret is in the response only. */
  createToken(name: string, expiresInDays?: number): Promise<TokenCreated> {
    return this.#request("POST", "/api/tokens", expiresInDays === undefined ? { name } : { name, expiresInDays });
  }

  /** The signed-in user's API tokens that are not revoked, newest first (never their secrets). */
  async listTokens(): Promise<ApiToken[]> {
    return (await this.#request<TokenList>("GET", "/api/tokens")).tokens;
  }

  /** Revokes one of the signed-in user's API tokens. Throws `not_found` (404) for any other id. */
  async revokeToken(id: string): Promise<void> {
    await this.#request("DELETE", `/api/tokens/${segment(id)}`);
  }

  // Joining: registration, email verification, password reset

  /** Who may join and how one may sign in. Public. */
  authOptions(): Promise<AuthOptions> {
    return this.#request("GET", "/api/auth/options");
  }

  /**
   * Asks for an account; a verification link is mailed. The answer is the same whether or not the
   * address has an account. Throws `registration_closed` (403), `rate_limited` (429).
   */
  register(body: RegisterBody): Promise<Pending> {
    return this.#request("POST", "/api/auth/register", body);
  }

  /** Verifies the address with a mailed token and signs in. Throws `invalid_token` (400) for an expired or used link. */
  async verifyEmail(token: string): Promise<User> {
    return (await this.#request<{ user: User }>("POST", "/api/auth/verify", { token })).user;
  }

  /** Mails the signed-in user a new verification link. */
  async resendVerification(): Promise<void> {
    await this.#requestOptional("POST", "/api/auth/verify/resend");
  }

  /** Mails a reset link if an account has this address; the answer never says whether one has. */
  async requestPasswordReset(email: string): Promise<void> {
    await this.#requestOptional("POST", "/api/auth/password-reset", { email });
  }

  /** Sets a new password with a mailed token; every session and API token of the user ends. Throws `invalid_token` (400). */
  async confirmPasswordReset(token: string, password: string): Promise<void> {
    await this.#requestOptional("POST", "/api/auth/password-reset/confirm", { token, password });
  }

  /** Changes the signed-in user's name or affiliation (`null` removes it). */
  async updateMe(change: UpdateMeBody): Promise<User> {
    return (await this.#request<{ user: User }>("PATCH", "/api/me", change)).user;
  }

  // Watching and notifications

  preferences(): Promise<Preferences> {
    return this.#request("GET", "/api/me/preferences");
  }

  updatePreferences(change: UpdatePreferencesBody): Promise<Preferences> {
    return this.#request("PATCH", "/api/me/preferences", change);
  }

  /** What the signed-in user watches. */
  async watches(): Promise<Watch[]> {
    return (await this.#request<WatchList>("GET", "/api/me/watches")).watches;
  }

  /** Whether the signed-in user watches this standard, section, proposal or thread. */
  async watching(kind: WatchKind, id: string): Promise<boolean> {
    return (await this.#request<WatchState>("GET", `/api/me/watches/${kind}/${segment(id)}`)).watching;
  }

  /** Starts (`true`) or stops watching. Throws `not_found` (404) for what the user may not read. */
  async setWatching(kind: WatchKind, id: string, watching: boolean): Promise<void> {
    await this.#requestOptional(watching ? "PUT" : "DELETE", `/api/me/watches/${kind}/${segment(id)}`);
  }

  /** A page of notifications, newest first; `cursor` is the previous page's `nextCursor`. */
  notifications(query: { unread?: boolean; cursor?: string | null; limit?: number } = {}): Promise<NotificationList> {
    const params = new URLSearchParams();
    if (query.unread) params.set("unread", "true");
    if (query.cursor) params.set("cursor", query.cursor);
    if (query.limit !== undefined) params.set("limit", String(query.limit));
    const search = params.toString();
    return this.#request("GET", "/api/me/notifications" + (search ? `?${search}` : ""));
  }

  /** Marks notifications read; resolves to the unread count after, when the server says it. */
  async markRead(body: MarkReadBody): Promise<number | null> {
    const answer = await this.#requestOptional<Partial<UnreadCount>>("POST", "/api/me/notifications/read", body);
    return typeof answer?.unread === "number" ? answer.unread : null;
  }

  // Administration of accounts

  async listUsers(): Promise<User[]> {
    return (await this.#request<{ users: User[] }>("GET", "/api/users")).users;
  }

  async createUser(body: CreateUserBody): Promise<User> {
    return (await this.#request<{ user: User }>("POST", "/api/users", body)).user;
  }

  async updateUser(id: string, change: UpdateUserBody): Promise<User> {
    return (await this.#request<{ user: User }>("PATCH", `/api/users/${segment(id)}`, change)).user;
  }

  /** An invitation; its link is in the response only. */
  createInvite(body: CreateInviteBody): Promise<InviteCreated> {
    return this.#request("POST", "/api/invites", body);
  }

  /** Creates the invited account. Does not sign in. */
  async acceptInvite(body: AcceptInviteBody): Promise<User> {
    return (await this.#request<{ user: User }>("POST", "/api/invites/accept", body)).user;
  }

  // Standards, members and sections

  async listStandards(): Promise<StandardList["standards"]> {
    return (await this.#request<StandardList>("GET", "/api/standards")).standards;
  }

  standard(slug: string): Promise<Standard> {
    return this.#request("GET", `/api/standards/${segment(slug)}`);
  }

  updateStandard(slug: string, change: UpdateStandardBody): Promise<Standard> {
    return this.#request("PATCH", `/api/standards/${segment(slug)}`, change);
  }

  async members(slug: string): Promise<MemberList["members"]> {
    return (await this.#request<MemberList>("GET", `/api/standards/${segment(slug)}/members`)).members;
  }

  /** Adds a member or changes their role and voting right. */
  setMember(slug: string, userId: string, body: SetMembershipBody): Promise<Membership> {
    return this.#request("PUT", `/api/standards/${segment(slug)}/members/${segment(userId)}`, body);
  }

  async removeMember(slug: string, userId: string): Promise<void> {
    await this.#request("DELETE", `/api/standards/${segment(slug)}/members/${segment(userId)}`);
  }

  /** The standard's live sections, in outline order (a section, then its children). */
  async sections(slug: string): Promise<SectionSummary[]> {
    return (await this.#request<{ sections: SectionSummary[] }>("GET", `/api/standards/${segment(slug)}/sections`)).sections;
  }

  section(slug: string, id: string): Promise<SectionDetail> {
    return this.#request("GET", `/api/standards/${segment(slug)}/sections/${segment(id)}`);
  }

  // Releases and diffs

  /** The standard's releases, newest first. */
  async releases(slug: string): Promise<ReleaseSummary[]> {
    return (await this.#request<ReleaseList>("GET", `/api/standards/${segment(slug)}/releases`)).releases;
  }

  /** A published release document. Throws `not_found` (404) for a version never published. */
  release(slug: string, version: string): Promise<Release> {
    return this.#request("GET", `/api/standards/${segment(slug)}/releases/${segment(version)}`);
  }

  /** Publishes the draft as a new release (editors). Throws `invalid_version` (400) or `version_taken` (409). */
  publishRelease(slug: string, body: PublishReleaseBody): Promise<ReleaseSummary> {
    return this.#request("POST", `/api/standards/${segment(slug)}/releases`, body);
  }

  /** The diff between two versions; `draft` names the working draft, which only members may compare. */
  diff(slug: string, from: string, to: string): Promise<ReleaseDiff> {
    const query = new URLSearchParams({ from, to });
    return this.#request("GET", `/api/standards/${segment(slug)}/diff?${query}`);
  }

  // Proposals

  /** The standard's proposals, newest first; `state` keeps only those in that state. */
  async proposals(slug: string, state?: ProposalState): Promise<ProposalSummary[]> {
    const query = state ? `?${new URLSearchParams({ state })}` : "";
    return (await this.#request<{ proposals: ProposalSummary[] }>("GET", `/api/standards/${segment(slug)}/proposals${query}`)).proposals;
  }

  /**
   * Starts a draft proposal: members at any time; during a cycle's open input stage, any verified
   * reader of a public standard, with `fromSection` forked at once (the proposal is an input of the cycle).
   */
  createProposal(slug: string, body: CreateProposalBody & { fromSection?: string }): Promise<ProposalCreated> {
    return this.#request("POST", `/api/standards/${segment(slug)}/proposals`, body);
  }

  /** A proposal with its outline, votes, tally, timeline and what the caller may do. Throws `not_found` (404). */
  proposal(id: string): Promise<ProposalDetail> {
    return this.#request("GET", `/api/proposals/${segment(id)}`);
  }

  /** Changes the title or rationale (its authors, while a draft). Throws `proposal_not_draft` (409). */
  updateProposal(id: string, change: UpdateProposalBody): Promise<ProposalDetail> {
    return this.#request("PATCH", `/api/proposals/${segment(id)}`, change);
  }

  /** Members the author may invite as co-authors (the author only). */
  async coAuthorCandidates(id: string): Promise<UserRef[]> {
    return (await this.#request<{ candidates: UserRef[] }>("GET", `/api/proposals/${segment(id)}/co-authors/candidates`)).candidates;
  }

  /** Invites a member as co-author (the author only). Throws `not_a_member` (400). */
  async addCoAuthor(id: string, userId: string): Promise<UserRef[]> {
    return (await this.#request<{ coAuthors: UserRef[] }>("POST", `/api/proposals/${segment(id)}/co-authors`, { userId })).coAuthors;
  }

  async removeCoAuthor(id: string, userId: string): Promise<UserRef[]> {
    return (await this.#request<{ coAuthors: UserRef[] }>("DELETE", `/api/proposals/${segment(id)}/co-authors/${segment(userId)}`)).coAuthors;
  }

  /** Adds a section to the proposal's outline. Throws `label_taken` (409), `invalid_parent` (400). */
  addProposalSection(id: string, body: AddProposalSectionBody): Promise<ProposalSection> {
    return this.#request("POST", `/api/proposals/${segment(id)}/sections`, body);
  }

  /** Moves, retitles or relabels a section of the proposal. Throws `invalid_move` (400), `label_taken` (409). */
  updateProposalSection(id: string, sectionId: string, change: UpdateProposalSectionBody): Promise<ProposalSection> {
    return this.#request("PATCH", `/api/proposals/${segment(id)}/sections/${segment(sectionId)}`, change);
  }

  /** Deletes a section (and its subsections) from the proposal; resolves to the ids removed. */
  async deleteProposalSection(id: string, sectionId: string): Promise<string[]> {
    return (await this.#request<{ removed: string[] }>("DELETE", `/api/proposals/${segment(id)}/sections/${segment(sectionId)}`)).removed;
  }

  /** Forks a section into the proposal's own room (its authors, while a draft); resolves to the room. */
  async forkProposalSection(id: string, sectionId: string): Promise<string> {
    return (await this.#request<{ room: string }>("POST", `/api/proposals/${segment(id)}/sections/${segment(sectionId)}/fork`)).room;
  }

  /**
   * Moves the proposal on: `submit` (draft → open), `reopen` (open → draft) and `withdraw`, by its
   * author. Throws `proposal_not_open` / `proposal_not_draft` (409) from the wrong state.
   */
  transitionProposal(id: string, verb: "submit" | "reopen" | "withdraw"): Promise<ProposalDetail> {
    return this.#request("POST", `/api/proposals/${segment(id)}/${verb}`);
  }

  /** Accepts and merges (editors). Without a note, throws `reason_required` (400) when the tally does not pass. */
  acceptProposal(id: string, note?: string): Promise<ProposalDetail> {
    return this.#request("POST", `/api/proposals/${segment(id)}/accept`, note ? { note } : {});
  }

  /** Rejects (editors); the reason is required. */
  rejectProposal(id: string, reason: string): Promise<ProposalDetail> {
    return this.#request("POST", `/api/proposals/${segment(id)}/reject`, { reason });
  }

  /** Casts or changes the caller's vote. Throws `reason_required` (400) for a disapproval without reason. */
  vote(id: string, body: VoteBody): Promise<{ tally: Tally; vote: Vote }> {
    return this.#request("PUT", `/api/proposals/${segment(id)}/vote`, body);
  }

  /** The proposal against its base. */
  proposalDiff(id: string): Promise<ProposalDiff> {
    return this.#request("GET", `/api/proposals/${segment(id)}/diff`);
  }

  /** Today's draft against the draft if the proposal were accepted now, with what would not merge. */
  proposalPreview(id: string): Promise<ProposalPreview> {
    return this.#request("GET", `/api/proposals/${segment(id)}/preview`);
  }

  /** The committee's action on an input of a cycle, or null before one is recorded. */
  async committeeAction(id: string): Promise<CommitteeAction | null> {
    const answer = await this.#requestOptional<{ committeeAction?: CommitteeAction | null } | CommitteeAction | null>("GET", `/api/proposals/${segment(id)}/committee-action`);
    return unwrapAction(answer);
  }

  /** Records the committee's action with its statement (editors, during committee). Throws `stage_closed` (409) outside it. */
  async setCommitteeAction(id: string, body: CommitteeActionBody): Promise<CommitteeAction | null> {
    const answer = await this.#requestOptional<{ committeeAction?: CommitteeAction | null } | CommitteeAction | null>("PUT", `/api/proposals/${segment(id)}/committee-action`, body);
    return unwrapAction(answer);
  }

  // Revision cycles

  /** The standard's cycles, newest first. */
  async cycles(slug: string): Promise<Cycle[]> {
    return (await this.#request<CycleList>("GET", `/api/standards/${segment(slug)}/cycles`)).cycles;
  }

  /** Starts a cycle (editors). Throws `cycle_active` (409), `invalid_schedule` (400) naming the stage. */
  async createCycle(slug: string, body: CreateCycleBody): Promise<Cycle> {
    return (await this.#request<CycleResponse>("POST", `/api/standards/${segment(slug)}/cycles`, body)).cycle;
  }

  async cycle(id: string): Promise<Cycle> {
    return (await this.#request<CycleResponse>("GET", `/api/cycles/${segment(id)}`)).cycle;
  }

  /** Moves a stage's window, with the reason shown on the cycle page (editors). */
  async updateStage(id: string, stageId: string, body: UpdateStageBody): Promise<Cycle> {
    return (await this.#request<CycleResponse>("PATCH", `/api/cycles/${segment(id)}/stages/${segment(stageId)}`, body)).cycle;
  }

  async cancelCycle(id: string, reason: string): Promise<Cycle> {
    return (await this.#request<CycleResponse>("POST", `/api/cycles/${segment(id)}/cancel`, { reason })).cycle;
  }

  /** Closes the open stage early (editors). Throws `stage_requirements_unmet` (409) with `details.blockers`. */
  async advanceCycle(id: string): Promise<Cycle> {
    return (await this.#request<CycleResponse>("POST", `/api/cycles/${segment(id)}/advance`)).cycle;
  }

  /** The cycle's ballot: its rounds with tallies and named votes, and the roster. */
  ballot(id: string): Promise<Ballot> {
    return this.#request("GET", `/api/cycles/${segment(id)}/ballot`);
  }

  /** Casts or changes the caller's ballot. Throws 403 off the roster, `reason_required` (400) for a disapproval without one. */
  async castBallot(id: string, body: BallotVoteBody): Promise<void> {
    await this.#requestOptional("PUT", `/api/cycles/${segment(id)}/ballot`, body);
  }

  /** The editors' response to a voter's disapproval. */
  async respondToNegative(id: string, userId: string, response: string): Promise<void> {
    await this.#requestOptional("PUT", `/api/cycles/${segment(id)}/ballot/negatives/${segment(userId)}`, { response });
  }

  // Comments

  /** Comment threads, as `CommentListQuery` selects them. */
  async comments(query: CommentListQuery): Promise<CommentThread[]> {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, value);
    return (await this.#request<{ comments: CommentThread[] }>("GET", `/api/comments?${params}`)).comments;
  }

  /** Starts a thread. Throws `invalid_anchor` (400) when the anchored text is not found. */
  createComment(body: CreateCommentBody): Promise<CommentThread> {
    return this.#request("POST", "/api/comments", body);
  }

  reply(threadId: string, body: string): Promise<CommentThread> {
    return this.#request("POST", `/api/comments/${segment(threadId)}/replies`, { body });
  }

  /** Resolves or reopens a thread (its author, or an editor). */
  setCommentState(threadId: string, to: "resolved" | "open"): Promise<CommentThread> {
    return this.#request("POST", `/api/comments/${segment(threadId)}/${to === "resolved" ? "resolve" : "reopen"}`);
  }

  /** Records the disposition of a public comment (editors). */
  dispose(threadId: string, body: DispositionBody): Promise<CommentThread> {
    return this.#request("PUT", `/api/comments/${segment(threadId)}/disposition`, body);
  }

  // Activity

  /** The signed-in user's activity, newest first; `after` keeps only what is newer than that item. */
  async activity(after?: string): Promise<ActivityItem[]> {
    const query = after ? `?${new URLSearchParams({ after })}` : "";
    return (await this.#request<{ items: ActivityItem[] }>("GET", `/api/me/activity${query}`)).items;
  }
}

/** A committee action from an answer that is the action itself or wraps it in `committeeAction`. */
function unwrapAction(answer: unknown): CommitteeAction | null {
  if (answer === undefined || answer === null || typeof answer !== "object") return null;
  if ("committeeAction" in answer) return ((answer as { committeeAction: CommitteeAction | null }).committeeAction ?? null);
  return "action" in answer ? (answer as CommitteeAction) : null;
}

/** The URL of a standard's RFC 5545 calendar of every cycle's stages. */
export const calendarUrl = (slug: string) => `/api/standards/${segment(slug)}/calendar.ics`;

async function readJson(response: Response): Promise<unknown> {
  if (!response.headers.get("content-type")?.includes("application/json")) return undefined;
  try {
    return await response.json();
  } catch {
    return undefined;
  }
}

function unexpected(status: number): ApiError {
  return new ApiError(status, "unexpected_response", `The server gave an unexpected answer (HTTP ${status}). Try again in a moment.`);
}
