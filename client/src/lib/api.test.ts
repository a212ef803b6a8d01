import { describe, expect, it } from "vitest";
import { ApiClient, ApiError, errorMessage, isApiError } from "./api";

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
