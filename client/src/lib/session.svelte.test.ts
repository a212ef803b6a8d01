import type { User } from "@codewright/shared";
import { describe, expect, it } from "vitest";
import { ApiClient } from "./api";
import { Session } from "./session.svelte";

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
const user = (over: Partial<User> = {}): User => ({
  id: "u1",
  email: "ada@example.org",
  displayName: "Ada",
  isAdmin: false,
  disabled: false,
  emailVerified: true,
  affiliation: null,
  ...over,
});

/** A promise and the function that settles it, to answer a request when the test says so. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe("Session", () => {
  it("tells an unverified user from a verified one", async () => {
    const session = new Session(new ApiClient({ fetch: async () => json(200, { user: user({ emailVerified: false }), memberships: [] }) }));
    await session.load();
    expect(session.unverified).toBe(true);
    const verified = new Session(new ApiClient({ fetch: async () => json(200, { user: user(), memberships: [] }) }));
    await verified.load();
    expect(verified.unverified).toBe(false);
    expect(new Session(new ApiClient()).unverified).toBe(false);
  });

  it("is signed in by a verification link, even when the page's first look answers later", async () => {
    const firstLook = deferred<Response>();
    let looks = 0;
    const session = new Session(
      new ApiClient({
        fetch: async (url) => {
          if (url === "/api/auth/verify") return json(200, { user: user() });
          // The first look at who is signed in went out before the link was sent, and answers last.
          if (looks++ === 0) return firstLook.promise;
          return json(200, { user: user(), memberships: [] });
        },
      }),
    );
    const first = session.load();
    await session.verifyEmail("tok");
    firstLook.resolve(json(401, { error: { code: "unauthenticated", message: "Sign in first." } }));
    await first;
    expect(session.user?.email).toBe("ada@example.org");
    expect(session.status).toBe("ready");
  });

  it("asks again who is signed in after a password reset, which ends every session", async () => {
    const calls: string[] = [];
    const session = new Session(
      new ApiClient({
        fetch: async (url, init) => {
          calls.push(`${init.method} ${url}`);
          if (url === "/api/me") return json(401, { error: { code: "unauthenticated", message: "Sign in first." } });
          return json(200, { ok: true });
        },
      }),
    );
    session.user = user();
    await session.resetPassword("tok", "a long new password");
    expect(calls).toEqual(["POST /api/auth/password-reset/confirm", "GET /api/me"]);
    expect(session.user).toBeNull();
  });

  it("shows the profile as the server has it after a change", async () => {
    let saved = user();
    const session = new Session(
      new ApiClient({
        fetch: async (url, init) => {
          if (init.method === "PATCH") {
            saved = { ...saved, ...JSON.parse(init.body as string) };
            return json(200, { user: saved });
          }
          return json(200, { user: saved, memberships: [] });
        },
      }),
    );
    await session.load();
    await session.updateProfile({ affiliation: "Acme Medical" });
    expect(session.user?.affiliation).toBe("Acme Medical");
  });
});
