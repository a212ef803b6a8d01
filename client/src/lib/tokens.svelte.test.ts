import type { ApiToken } from "@codewright/shared";
import { describe, expect, it } from "vitest";
import { ApiClient } from "./api";
import { expired, TokenKeyring } from "./tokens.svelte";

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
const listed = (id: string, expiresAt: string | null = null): ApiToken => ({ id, name: `token ${id}`, createdAt: "2026-03-01T10:00:00.000Z", lastUsedAt: null, expiresAt });

describe("TokenKeyring", () => {
  it("lists, creates first in the list, and drops a token once the server revoked it", async () => {
    const calls: string[] = [];
    const keyring = new TokenKeyring(
      new ApiClient({
        fetch: async (url, init) => {
          calls.push(`${init.method} ${url}${init.body ? ` ${init.body}` : ""}`);
          if (init.method === "GET") return json(200, { tokens: [listed("a"), listed("b")] });
          if (init.method === "POST") return json(201, { id: "c", name: "new", token: "cwt_secret", expiresAt: "2026-04-01T10:00:00.000Z" });
          return json(200, { ok: true });
        },
      }),
    );
    await keyring.load();
    expect(keyring.status).toBe("ready");
    const created = await keyring.create("new", 30);
    expect(created.token).toBe("cwt_secret");
    expect(keyring.tokens.map((t) => t.id)).toEqual(["c", "a", "b"]);
    expect(JSON.stringify(keyring.tokens)).not.toContain("cwt_secret");
    await keyring.revoke("a");
    expect(keyring.tokens.map((t) => t.id)).toEqual(["c", "b"]);
    expect(calls).toEqual(["GET /api/tokens", 'POST /api/tokens {"name":"new","expiresInDays":30}', "DELETE /api/tokens/a"]);
  });

  it("keeps a token listed when revoking fails, and shows a failed load", async () => {
    const keyring = new TokenKeyring(
      new ApiClient({
        fetch: async (_url, init) =>
          init.method === "GET" ? json(200, { tokens: [listed("a")] }) : json(404, { error: { code: "not_found", message: "No such API token. Check the address." } }),
      }),
    );
    await keyring.load();
    await expect(keyring.revoke("a")).rejects.toMatchObject({ code: "not_found" });
    expect(keyring.tokens.map((t) => t.id)).toEqual(["a"]);

    const offline = new TokenKeyring(new ApiClient({ fetch: async () => json(401, { error: { code: "unauthenticated", message: "Sign in to do this." } }) }));
    await offline.load();
    expect(offline.status).toBe("failed");
    expect(offline.problem).toBe("Sign in to do this.");
  });

  it("tells an expired token from a live one", () => {
    const now = Date.parse("2026-03-02T00:00:00.000Z");
    expect(expired(listed("a"), now)).toBe(false);
    expect(expired(listed("b", "2026-03-01T00:00:00.000Z"), now)).toBe(true);
    expect(expired(listed("c", "2026-03-03T00:00:00.000Z"), now)).toBe(false);
  });
});
