import { describe, expect, it } from "vitest";
import { ApiClient, ApiError, EMAIL_UNVERIFIED_MESSAGE, errorMessage, isApiError } from "./api";

interface Call {
  url: string;
  init: RequestInit;
}

function client(respond: (call: Call) => Response | Promise<Response>) {
  const calls: Call[] = [];
  const api = new ApiClient({
    fetch: async (url, init) => {
      const call = { url, init };
      calls.push(call);
      return respond(call);
    },
  });
  return { api, calls };
}

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json; charset=utf-8" } });

describe("ApiClient", () => {
  it("sends JSON with the session cookie and returns the typed body", async () => {
    const user = { id: "u1", email: "a@example.org", displayName: "A", isAdmin: false, disabled: false };
    const { api, calls } = client(() => json(200, { user }));
    await expect(api.login("a@example.org", "pw")).resolves.toEqual(user);
    expect(calls[0]!.url).toBe("/api/auth/login");
    expect(calls[0]!.init.method).toBe("POST");
    expect(calls[0]!.init.credentials).toBe("same-origin");
    expect((calls[0]!.init.headers as Record<string, string>)["content-type"]).toBe("application/json");
    expect(JSON.parse(calls[0]!.init.body as string)).toEqual({ email: "a@example.org", password: "pw" });
  });

  it("sends no body and no content type when there is nothing to send", async () => {
    const { api, calls } = client(() => json(200, { ok: true }));
    await api.logout();
    expect(calls[0]!.init.body).toBeUndefined();
    expect((calls[0]!.init.headers as Record<string, string>)["content-type"]).toBeUndefined();
  });

  it("encodes path parameters", async () => {
    const { api, calls } = client(() => json(200, { sections: [] }));
    await api.sections("a/b c");
    expect(calls[0]!.url).toBe("/api/standards/a%2Fb%20c/sections");
  });

  it("throws the server's code and message", async () => {
    const { api } = client(() => json(403, { error: { code: "forbidden", message: "Only an admin can do this." } }));
    const error = await api.listUsers().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 403, code: "forbidden", message: "Only an admin can do this." });
    expect(isApiError(error, "forbidden")).toBe(true);
    expect(isApiError(error, "not_found")).toBe(false);
    expect(errorMessage(error)).toBe("Only an admin can do this.");
  });

  it("explains an answer that is not the API's", async () => {
    const { api } = client(() => new Response("<html>Bad gateway</html>", { status: 502, headers: { "content-type": "text/html" } }));
    await expect(api.me()).rejects.toMatchObject({ status: 502, code: "unexpected_response" });
  });

  it("reports an unreachable server as a network error", async () => {
    const { api } = client(() => Promise.reject(new TypeError("Failed to fetch")));
    await expect(api.listStandards()).rejects.toMatchObject({ status: 0, code: "network_error" });
  });
});

describe("ApiClient for joining and notifications", () => {
  it("accepts an answer without a body where there is nothing to say", async () => {
    const { api, calls } = client(() => new Response(null, { status: 202 }));
    await api.requestPasswordReset("a@example.org");
    await api.confirmPasswordReset("tok", "a long new password");
    await api.resendVerification();
    await api.setWatching("proposal", "p 1", true);
    await api.setWatching("thread", "t1", false);
    await expect(api.markRead({ all: true })).resolves.toBeNull();
    expect(calls.map((c) => `${c.init.method} ${c.url}${c.init.body ? ` ${c.init.body}` : ""}`)).toEqual([
      'POST /api/auth/password-reset {"email":"a@example.org"}',
      'POST /api/auth/password-reset/confirm {"token":"tok","password":"a long new password"}',
      "POST /api/auth/verify/resend",
      "PUT /api/me/watches/proposal/p%201",
      "DELETE /api/me/watches/thread/t1",
      'POST /api/me/notifications/read {"all":true}',
    ]);
  });

  it("still wants a body where the caller reads one", async () => {
    const { api } = client(() => new Response(null, { status: 204 }));
    await expect(api.watching("section", "s1")).rejects.toMatchObject({ code: "unexpected_response" });
  });

  it("asks for a page of notifications with the query it was given", async () => {
    const { api, calls } = client(() => json(200, { notifications: [], nextCursor: null, unread: 3 }));
    await api.notifications();
    await api.notifications({ unread: true, cursor: "41", limit: 20 });
    expect(calls.map((c) => c.url)).toEqual(["/api/me/notifications", "/api/me/notifications?unread=true&cursor=41&limit=20"]);
  });

  it("reads the unread count after marking read when the server says it", async () => {
    const { api } = client(() => json(200, { unread: 2 }));
    await expect(api.markRead({ ids: ["5"] })).resolves.toBe(2);
  });

  it("says the same thing wherever a write is refused for an unverified address", async () => {
    const { api } = client(() => json(403, { error: { code: "email_unverified", message: "Verify your email address first." } }));
    const error = await api.reply("t1", "I agree.").catch((e: unknown) => e);
    expect(isApiError(error, "email_unverified")).toBe(true);
    expect(errorMessage(error)).toBe(EMAIL_UNVERIFIED_MESSAGE);
    expect(errorMessage(error)).toContain("Resend link");
  });
});
