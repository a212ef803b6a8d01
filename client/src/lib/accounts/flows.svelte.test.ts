import type { User } from "@codewright/shared";
import { describe, expect, it } from "vitest";
import { ApiClient } from "../api";
import { Session } from "../session.svelte";
import { PasswordReset, ResetRequest } from "./password-reset.svelte";
import { ProfileForm } from "./profile.svelte";
import { Registration } from "./registration.svelte";
import { EmailVerification, VerificationResend } from "./verification.svelte";

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
const refuse = (status: number, code: string, message: string) => json(status, { error: { code, message } });
const ada: User = { id: "u1", email: "ada@example.org", displayName: "Ada Lovelace", isAdmin: false, disabled: false, emailVerified: true, affiliation: null };

/** An API client answering with `respond`, recording `METHOD url body` of each call. */
function server(respond: (method: string, url: string, body: unknown) => Response) {
  const calls: string[] = [];
  const api = new ApiClient({
    fetch: async (url, init) => {
      calls.push(`${init.method} ${url}${init.body ? ` ${init.body}` : ""}`);
      return respond(init.method!, url, init.body ? JSON.parse(init.body as string) : undefined);
    },
  });
  return { api, calls };
}

const form = { email: " ada@example.org ", displayName: " Ada Lovelace ", password: "a long new password", again: "a long new password" };

describe("Registration", () => {
  it("sends the form trimmed and says where the link went", async () => {
    const { api, calls } = server(() => json(202, { status: "pending" }));
    const registration = new Registration(api);
    await registration.submit(form);
    expect(registration.sentTo).toBe("ada@example.org");
    expect(calls).toEqual(['POST /api/auth/register {"email":"ada@example.org","displayName":"Ada Lovelace","password":"a long new password"}']);
    registration.restart();
    expect(registration.sentTo).toBeNull();
  });

  it("sends nothing for a form it can tell is wrong", async () => {
    const { api, calls } = server(() => json(202, { status: "pending" }));
    const registration = new Registration(api);
    await registration.submit({ ...form, again: "something else" });
    expect(registration.problem).toContain("differ");
    expect(calls).toEqual([]);
  });

  it("learns that registration is closed, and shows other refusals", async () => {
    const closed = new Registration(server(() => refuse(403, "registration_closed", "Registration is closed.")).api);
    await closed.submit(form);
    expect([closed.closed, closed.sentTo, closed.problem]).toEqual([true, null, null]);
    const limited = new Registration(server(() => refuse(429, "rate_limited", "Too many attempts. Try again in an hour.")).api);
    await limited.submit(form);
    expect([limited.closed, limited.problem]).toEqual([false, "Too many attempts. Try again in an hour."]);
  });
});

describe("EmailVerification", () => {
  it("verifies and signs in", async () => {
    const { api, calls } = server((_m, url) => (url === "/api/auth/verify" ? json(200, { user: ada }) : json(200, { user: ada, memberships: [] })));
    const session = new Session(api);
    const verification = new EmailVerification(session);
    await verification.verify("tok");
    expect(verification.state).toBe("verified");
    expect(session.user?.id).toBe("u1");
    expect(calls[0]).toBe('POST /api/auth/verify {"token":"tok"}');
  });

  it("tells an expired or used link, an incomplete one and another failure apart", async () => {
    const spent = new EmailVerification(new Session(server(() => refuse(400, "invalid_token", "This link has expired or was used.")).api));
    await spent.verify("tok");
    expect(spent.state).toBe("spent");

    const { api, calls } = server(() => json(200, {}));
    const incomplete = new EmailVerification(new Session(api));
    await incomplete.verify("");
    expect(incomplete.state).toBe("incomplete");
    expect(calls).toEqual([]);

    const failed = new EmailVerification(new Session(server(() => refuse(503, "database_unavailable", "Try again in a moment.")).api));
    await failed.verify("tok");
    expect([failed.state, failed.problem]).toEqual(["failed", "Try again in a moment."]);
  });

  it("asks for a new link", async () => {
    const { api, calls } = server(() => json(202, { status: "pending" }));
    const resend = new VerificationResend(api);
    await resend.send();
    expect(resend.status).toBe("sent");
    expect(calls).toEqual(["POST /api/auth/verify/resend"]);
    const refused = new VerificationResend(server(() => refuse(429, "rate_limited", "Wait a while.")).api);
    await refused.send();
    expect([refused.status, refused.problem]).toEqual(["failed", "Wait a while."]);
  });
});

describe("password reset", () => {
  it("asks for a link for a trimmed address", async () => {
    const { api, calls } = server(() => json(202, { status: "pending" }));
    const request = new ResetRequest(api);
    await request.submit("nobody");
    expect(request.problem).toContain("email address");
    await request.submit(" ada@example.org ");
    expect(request.sentTo).toBe("ada@example.org");
    expect(calls).toEqual(['POST /api/auth/password-reset {"email":"ada@example.org"}']);
  });

  it("sets the password, or says the link must be asked for again", async () => {
    const ok = server((_m, url) => (url === "/api/me" ? refuse(401, "unauthenticated", "Sign in.") : json(200, { ok: true })));
    const reset = new PasswordReset(new Session(ok.api));
    await reset.submit("tok", "short", "short");
    expect([reset.state, ok.calls]).toEqual(["editing", []]);
    await reset.submit("tok", "a long new password", "a long new password");
    expect(reset.state).toBe("done");

    const spent = new PasswordReset(new Session(server(() => refuse(400, "invalid_token", "This link has expired.")).api));
    await spent.submit("tok", "a long new password", "a long new password");
    expect(spent.state).toBe("spent");

    const busy = new PasswordReset(new Session(server(() => refuse(503, "server_busy", "Busy; try again.")).api));
    await busy.submit("tok", "a long new password", "a long new password");
    expect([busy.state, busy.problem]).toEqual(["editing", "Busy; try again."]);
  });
});

describe("ProfileForm", () => {
  it("sends only what changed, an empty affiliation as none", async () => {
    let saved: User = { ...ada, affiliation: "Acme Medical" };
    const { api, calls } = server((method, _url, body) => {
      if (method === "PATCH") saved = { ...saved, ...(body as Partial<User>) };
      return json(200, method === "PATCH" ? { user: saved } : { user: saved, memberships: [] });
    });
    const session = new Session(api);
    await session.load();
    const form = new ProfileForm(session, session.user!);
    expect([form.displayName, form.affiliation]).toEqual(["Ada Lovelace", "Acme Medical"]);

    await form.save();
    expect(form.saved).toBe(true);
    expect(calls.filter((c) => c.startsWith("PATCH"))).toEqual([]);

    form.affiliation = "  ";
    await form.save();
    expect(calls.filter((c) => c.startsWith("PATCH"))).toEqual(['PATCH /api/me {"affiliation":null}']);
    expect(session.user?.affiliation).toBeNull();

    form.displayName = "";
    await form.save();
    expect(form.problem).toContain("name");
    form.displayName = "Ada";
    form.affiliation = "x".repeat(201);
    await form.save();
    expect(form.problem).toContain("at most 200");
    expect(calls.filter((c) => c.startsWith("PATCH"))).toHaveLength(1);
  });
});
