import type {
  AcceptInviteBody,
  CreateInviteBody,
  CreateUserBody,
  InviteCreated,
  MemberList,
  MeResponse,
  Membership,
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
  UpdateStandardBody,
  UpdateUserBody,
  User,
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

  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** True when `error` is an `ApiError`, optionally with the given code. */
export function isApiError(error: unknown, code?: string): error is ApiError {
  return error instanceof ApiError && (code === undefined || error.code === code);
}

/** A sentence to show for any thrown value: the server's message for API errors. */
export function errorMessage(error: unknown): string {
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

  async #request<T>(method: Method, path: string, body?: unknown): Promise<T> {
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
    if (response.ok) {
      if (payload === undefined) throw unexpected(response.status);
      return payload as T;
    }
    const error = (payload as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
    if (typeof error?.code === "string" && typeof error.message === "string") {
      throw new ApiError(response.status, error.code, error.message);
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

  async changePassword(currentPassword: string, newPassword: string): Promise<void> {
    await this.#request("PUT", "/api/me/password", { currentPassword, newPassword });
  }

  /** A new API token; its secret is in the response only. */
  createToken(name: string): Promise<TokenCreated> {
    return this.#request("POST", "/api/tokens", { name });
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
}

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
