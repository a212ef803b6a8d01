import type { ApiToken, TokenCreated } from "@codewright/shared";
import { errorMessage, type ApiClient } from "./api";

export type TokenListStatus = "loading" | "ready" | "failed";

/**
 * The signed-in user's API tokens, as their account page shows them. Mutations update the list
 * from the server's answer and throw `ApiError` for the caller to show.
 */
export class TokenKeyring {
  readonly #api: ApiClient;
  tokens: ApiToken[] = $state([]);
  status: TokenListStatus = $state("loading");
  problem: string | null = $state(null);

  constructor(api: ApiClient) {
    this.#api = api;
  }

  /** Asks the server for the list. Never throws: a failure shows in `status` and `problem`. */
  async load(): Promise<void> {
    try {
      this.tokens = await this.#api.listTokens();
      this.status = "ready";
      this.problem = null;
    } catch (error) {
      this.status = "failed";
      this.problem = errorMessage(error);
    }
  }

  /** Creates a token (shown once, in the answer) and lists it first. */
  async create(name: string, expiresInDays?: number): Promise<TokenCreated> {
    const created = await this.#api.createToken(name, expiresInDays);
    const listed: ApiToken = { id: created.id, name: created.name, createdAt: new Date().toISOString(), lastUsedAt: null, expiresAt: created.expiresAt };
    this.tokens = [listed, ...this.tokens.filter((t) => t.id !== created.id)];
    return created;
  }

  /** Revokes a token; it leaves the list once the server has revoked it. */
  async revoke(id: string): Promise<void> {
    await this.#api.revokeToken(id);
    this.tokens = this.tokens.filter((t) => t.id !== id);
  }
}

/** True when the token's expiry has passed at `now`. */
export const expired = (token: ApiToken, now = Date.now()): boolean => token.expiresAt !== null && Date.parse(token.expiresAt) <= now;
