import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashSecret } from "../../src/domain/secrets";
import { databaseKinds, makeUser, sessionCookie, snapshotTables, startTestApp, testConfig, TEST_PASSWORD, unique, type TestApp } from "../helper";
import { linkToken, mailsTo, onlyMailTo } from "./account-mail";

const PASSWORD = "a long enough password";
const newEmail = () => `${unique("newcomer")}@example.org`;
const sessionOf = (res: { cookies: { name: string; value: string }[] }) => {
  const cookie = res.cookies.find((c) => c.name === "cw_session");
  return cookie ? `cw_session=${cookie.value}` : undefined;
};

describe.each(databaseKinds)("registration on %s", (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(kind);
  });
  afterAll(async () => t?.close());

  const registerAs = (payload: Record<string, unknown>, remoteAddress?: string) =>
    t.app.inject({ method: "POST", url: "/api/auth/register", payload, ...(remoteAddress ? { remoteAddress } : {}) });
  const verify = (token: string, headers: Record<string, string> = {}) => t.app.inject({ method: "POST", url: "/api/auth/verify", payload: { token }, headers });
  const login = (email: string, password: string) => t.app.inject({ method: "POST", url: "/api/auth/login", payload: { email, password } });
  const userRow = (email: string) => t.db.selectFrom("users").selectAll().where("email", "=", email).executeTakeFirst();

  it("offers open registration and no provider by default, to anyone", async () => {
    const res = await t.app.inject({ method: "GET", url: "/api/auth/options" });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ registration: "open", oidc: null });
  });

  it("makes an unverified account and mails a verification link whose token is stored hashed", async () => {
    const email = newEmail();
    const res = await registerAs({ email, displayName: "  Ada Lovelace ", password: PASSWORD });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({ status: "pending" });
    expect(res.cookies).toEqual([]);

    const user = await userRow(email);
    expect(user).toMatchObject({ display_name: "Ada Lovelace", email_verified_at: null, is_admin: false, affiliation: null });
    expect(user!.password_hash).toMatch(/^scrypt\$/);

    const mail = await onlyMailTo(t.db, email);
    expect(mail).toMatchObject({ kind: "verify", subject: "Verify your address for Codewright" });
    expect(mail.text).toContain("Ada Lovelace");
    const token = linkToken(mail, t.config.publicUrl, "verify");
    const tokens = await t.db.selectFrom("user_tokens").selectAll().where("user_id", "=", user!.id).execute();
    expect(tokens).toHaveLength(1);
    expect(tokens[0]).toMatchObject({ purpose: "verify", used_at: null, token_hash: hashSecret(token) });
    expect(JSON.stringify(tokens)).not.toContain(token);
    const hours = (tokens[0]!.expires_at.getTime() - Date.now()) / 3600_000;
    expect(hours).toBeGreaterThan(23.9);
    expect(hours).toBeLessThanOrEqual(24);

    // Unverified, the account may sign in (and read).
    const signedIn = await login(email.toUpperCase(), PASSWORD);
    expect(signedIn.statusCode).toBe(200);
    expect(signedIn.json().user).toMatchObject({ email, emailVerified: false, affiliation: null });
  });

  it("verifies the address once and signs the user in, ending what was opened before", async () => {
    const email = newEmail();
    await registerAs({ email, displayName: "Grace Hopper", password: PASSWORD });
    const token = linkToken(await onlyMailTo(t.db, email), t.config.publicUrl, "verify");
    // Before verifying, a session and an API token: whoever registered last could have opened them.
    const before = await sessionCookie(t.app, email, PASSWORD);
    const apiToken = (await t.app.inject({ method: "POST", url: "/api/tokens", headers: { cookie: before, origin: "http://localhost:80" }, payload: { name: "early" } })).json().token;

    const res = await verify(token);
    expect(res.statusCode).toBe(200);
    expect(res.json().user).toMatchObject({ email, displayName: "Grace Hopper", emailVerified: true });
    const cookie = sessionOf(res);
    expect(cookie).toBeDefined();
    expect(String(res.headers["set-cookie"])).toMatch(/HttpOnly/i);
    const me = await t.app.inject({ method: "GET", url: "/api/me", headers: { cookie: cookie! } });
    expect(me.statusCode).toBe(200);
    expect(me.json().user).toMatchObject({ email, emailVerified: true });
    expect((await userRow(email))!.email_verified_at).not.toBeNull();

    expect((await t.app.inject({ method: "GET", url: "/api/me", headers: { cookie: before } })).statusCode).toBe(401);
    expect((await t.app.inject({ method: "GET", url: "/api/me", headers: { authorization: `Bearer ${apiToken}` } })).statusCode).toBe(401);

    // Single use: the same link again changes nothing and says what to do.
    const snapshot = await snapshotTables(t);
    const again = await verify(token);
    expect(again.statusCode).toBe(400);
    expect(again.json().error.code).toBe("invalid_token");
    expect(again.json().error.message).toMatch(/new link/);
    expect(again.cookies).toEqual([]);
    expect(await snapshotTables(t)).toBe(snapshot);
  });

  it("refuses an expired or unknown verification token, storing nothing", async () => {
    const email = newEmail();
    await registerAs({ email, displayName: "Late Larry", password: PASSWORD });
    const token = linkToken(await onlyMailTo(t.db, email), t.config.publicUrl, "verify");
    await t.db.updateTable("user_tokens").set({ expires_at: new Date(Date.now() - 1000) }).where("token_hash", "=", hashSecret(token)).execute();
    // A reset token is not a verification token.
    await t.app.inject({ method: "POST", url: "/api/auth/password-reset", payload: { email } });
    const reset = linkToken((await mailsTo(t.db, email)).find((m) => m.kind === "reset")!, t.config.publicUrl, "reset");
    const snapshot = await snapshotTables(t);
    for (const candidate of [token, `${token}x`, "cwv_unknown", reset]) {
      const res = await verify(candidate);
      expect(res.statusCode, candidate).toBe(400);
      expect(res.json().error.code).toBe("invalid_token");
    }
    expect(await snapshotTables(t)).toBe(snapshot);
    expect((await userRow(email))!.email_verified_at).toBeNull();
  });

  it("answers an address that has an account exactly as a new one, and tells its owner instead", async () => {
    const owner = await makeUser(t.db, { name: "Owner" });
    const fresh = newEmail();
    const known = await registerAs({ email: owner.email.toUpperCase(), displayName: "Intruder", password: PASSWORD });
    const unknown = await registerAs({ email: fresh, displayName: "Intruder", password: PASSWORD });
    expect(known.statusCode).toBe(unknown.statusCode);
    expect(known.body).toBe(unknown.body);
    expect(known.headers["content-type"]).toBe(unknown.headers["content-type"]);

    // The account is as it was: same name, same password.
    const row = await userRow(owner.email);
    expect(row!.display_name).toBe("Owner");
    expect(row!.password_hash).toBe(owner.password_hash);
    expect((await login(owner.email, TEST_PASSWORD)).statusCode).toBe(200);
    expect((await login(owner.email, PASSWORD)).statusCode).toBe(401);

    const mail = await onlyMailTo(t.db, owner.email);
    expect(mail.kind).toBe("register-existing");
    expect(mail.subject).toBe("Someone tried to register with your address");
    expect(mail.text).toContain(`${t.config.publicUrl}/login`);
    expect(mail.html).toContain(`${t.config.publicUrl}/login`);
    // Its reset link works, for an owner who forgot they had an account.
    const reset = linkToken(mail, t.config.publicUrl, "reset");
    const confirmed = await t.app.inject({ method: "POST", url: "/api/auth/password-reset/confirm", payload: { token: reset, password: "the owner's new password" } });
    expect(confirmed.statusCode).toBe(200);
    expect((await login(owner.email, "the owner's new password")).statusCode).toBe(200);
  });

  it("mails a new link when an unverified address registers again; the newest registration stands", async () => {
    const email = newEmail();
    await registerAs({ email, displayName: "First Try", password: "the first password" });
    const second = await registerAs({ email, displayName: "Second Try", password: "the second password" });
    expect(second.statusCode).toBe(202);
    expect(second.json()).toEqual({ status: "pending" });
    const mails = await mailsTo(t.db, email);
    expect(mails.map((m) => m.kind)).toEqual(["verify", "verify"]);
    const [first, latest] = mails.map((m) => linkToken(m, t.config.publicUrl, "verify"));
    expect((await t.db.selectFrom("users").select("id").where("email", "=", email).execute()).length).toBe(1);

    expect((await verify(first!)).json().error.code).toBe("invalid_token");
    const res = await verify(latest!);
    expect(res.statusCode).toBe(200);
    expect(res.json().user.displayName).toBe("Second Try");
    expect((await login(email, "the first password")).statusCode).toBe(401);
    expect((await login(email, "the second password")).statusCode).toBe(200);
  });

  it("sends nothing and stores nothing for a disabled account's address, answering the same", async () => {
    const disabled = await makeUser(t.db);
    await t.db.updateTable("users").set({ disabled_at: new Date() }).where("id", "=", disabled.id).execute();
    const snapshot = await snapshotTables(t);
    const res = await registerAs({ email: disabled.email, displayName: "Back Again", password: PASSWORD });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({ status: "pending" });
    expect(await snapshotTables(t)).toBe(snapshot);
  });

  it("mails a signed-in unverified user a new link on request; earlier links stop working", async () => {
    const email = newEmail();
    await registerAs({ email, displayName: "Resender", password: PASSWORD });
    const cookie = await sessionCookie(t.app, email, PASSWORD);
    const res = await t.app.inject({ method: "POST", url: "/api/auth/verify/resend", headers: { cookie, origin: "http://localhost:80" } });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({ status: "pending" });
    const [first, second] = (await mailsTo(t.db, email)).map((m) => linkToken(m, t.config.publicUrl, "verify"));
    expect(second).toBeDefined();
    expect((await verify(first!)).statusCode).toBe(400);
    expect((await verify(second!)).statusCode).toBe(200);

    const verified = await makeUser(t.db);
    const snapshot = await snapshotTables(t);
    const nothingToDo = await t.app.inject({ method: "POST", url: "/api/auth/verify/resend", headers: verified.auth });
    expect(nothingToDo.statusCode).toBe(409);
    expect(nothingToDo.json().error.code).toBe("already_verified");
    const anonymous = await t.app.inject({ method: "POST", url: "/api/auth/verify/resend" });
    expect(anonymous.statusCode).toBe(401);
    expect(await snapshotTables(t)).toBe(snapshot);
  });

  it("refuses malformed addresses, over-long or control-laden names and short passwords with 400, storing and mailing nothing", async () => {
    const snapshot = await snapshotTables(t);
    const good = { email: newEmail(), displayName: "Fine Name", password: PASSWORD };
    const cases: Record<string, unknown>[] = [
      { ...good, email: "not-an-address" },
      { ...good, email: "two@@example.org" },
      { ...good, email: "spaces in@example.org" },
      { ...good, email: "line\nbreak@example.org" },
      { ...good, email: "no-domain@" },
      { ...good, email: `${"a".repeat(250)}@example.org` },
      { ...good, displayName: "x".repeat(101) },
      { ...good, displayName: "" },
      { ...good, displayName: "   " },
      { ...good, displayName: "Bell\u0007Ringer" },
      { ...good, displayName: "New\nLine" },
      { ...good, displayName: "Evil\u202eeman" },
      { ...good, password: "short" },
      { ...good, password: "p".repeat(257) },
      { email: good.email, password: PASSWORD },
      { ...good, email: 42 },
    ];
    for (const payload of cases) {
      const res = await registerAs(payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().error.code, JSON.stringify(payload)).toBe("invalid_request");
    }
    expect(await snapshotTables(t)).toBe(snapshot);
  });
});

describe.each(databaseKinds)("registration limits on %s", (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    const defaults = testConfig();
    t = await startTestApp(kind, { limits: { ...defaults.limits, accountMailPerAddressPerHour: 3, accountMailPerEmailPerHour: 2 } });
  });
  afterAll(async () => t?.close());

  it("refuses a register flood from one address with 429, storing and mailing nothing", async () => {
    const from = { remoteAddress: "203.0.113.7" };
    for (let i = 0; i < 3; i++) {
      const res = await t.app.inject({ method: "POST", url: "/api/auth/register", ...from, payload: { email: newEmail(), displayName: "Flood", password: PASSWORD } });
      expect(res.statusCode).toBe(202);
    }
    const snapshot = await snapshotTables(t);
    const refused = await t.app.inject({ method: "POST", url: "/api/auth/register", ...from, payload: { email: newEmail(), displayName: "Flood", password: PASSWORD } });
    expect(refused.statusCode).toBe(429);
    expect(refused.json().error.code).toBe("rate_limited");
    expect(refused.json().error.message).toMatch(/Try again in \d+ minutes?/);
    expect(Number(refused.headers["retry-after"])).toBeGreaterThan(0);
    // Password reset requests draw on the same budget.
    const reset = await t.app.inject({ method: "POST", url: "/api/auth/password-reset", ...from, payload: { email: newEmail() } });
    expect(reset.statusCode).toBe(429);
    expect(await snapshotTables(t)).toBe(snapshot);
    // Another address is not held back.
    const other = await t.app.inject({ method: "POST", url: "/api/auth/register", remoteAddress: "203.0.113.8", payload: { email: newEmail(), displayName: "Other", password: PASSWORD } });
    expect(other.statusCode).toBe(202);
  });

  it("refuses more than the limit of messages to one email, from any address, storing nothing", async () => {
    const owner = await makeUser(t.db);
    const ask = (n: number, url: string, payload: Record<string, unknown>) => t.app.inject({ method: "POST", url, remoteAddress: `198.51.100.${n}`, payload });
    expect((await ask(1, "/api/auth/password-reset", { email: owner.email })).statusCode).toBe(202);
    expect((await ask(2, "/api/auth/register", { email: owner.email.toUpperCase(), displayName: "Again", password: PASSWORD })).statusCode).toBe(202);
    expect(await mailsTo(t.db, owner.email)).toHaveLength(2);
    const snapshot = await snapshotTables(t);
    const refused = await ask(3, "/api/auth/password-reset", { email: owner.email });
    expect(refused.statusCode).toBe(429);
    expect(refused.json().error.code).toBe("rate_limited");
    // An unknown address is limited just the same, so the limit tells nothing either.
    const unknown = newEmail();
    expect((await ask(4, "/api/auth/password-reset", { email: unknown })).statusCode).toBe(202);
    expect((await ask(5, "/api/auth/password-reset", { email: unknown })).statusCode).toBe(202);
    expect((await ask(6, "/api/auth/password-reset", { email: unknown })).statusCode).toBe(429);
    expect(await snapshotTables(t)).toBe(snapshot);
  });
});

describe.each(databaseKinds)("registration by invitation only on %s", (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(kind, { registration: "invite", oidc: { issuer: "https://id.example.org", clientId: "codewright", clientSecret: "secret", name: "IEEE account" } });
  });
  afterAll(async () => t?.close());

  it("says so in the options, refuses to register with 403 `registration_closed`, and still takes invites", async () => {
    expect((await t.app.inject({ method: "GET", url: "/api/auth/options" })).json()).toEqual({ registration: "invite", oidc: { name: "IEEE account" } });
    const snapshot = await snapshotTables(t);
    const res = await t.app.inject({ method: "POST", url: "/api/auth/register", payload: { email: newEmail(), displayName: "Hopeful", password: PASSWORD } });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe("registration_closed");
    expect(res.json().error.message).toMatch(/invite link/);
    expect(await snapshotTables(t)).toBe(snapshot);

    const admin = await makeUser(t.db, { admin: true });
    const email = newEmail();
    const invite = await t.app.inject({ method: "POST", url: "/api/invites", headers: admin.auth, payload: { email } });
    expect(invite.statusCode).toBe(201);
    const accepted = await t.app.inject({ method: "POST", url: "/api/invites/accept", payload: { token: invite.json().token, displayName: "Invited", password: PASSWORD } });
    expect(accepted.statusCode).toBe(201);
    // Invited accounts count as verified.
    expect(accepted.json().user).toMatchObject({ email, emailVerified: true });
  });
});

describe.each(databaseKinds)("closed registration on %s", (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(kind, { registration: "closed" });
  });
  afterAll(async () => t?.close());

  it("refuses registration and invites with 403 `registration_closed`; admins still make accounts", async () => {
    expect((await t.app.inject({ method: "GET", url: "/api/auth/options" })).json()).toEqual({ registration: "closed", oidc: null });
    const admin = await makeUser(t.db, { admin: true });
    const snapshot = await snapshotTables(t);
    const res = await t.app.inject({ method: "POST", url: "/api/auth/register", payload: { email: newEmail(), displayName: "Hopeful", password: PASSWORD } });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe("registration_closed");
    expect(res.json().error.message).toMatch(/Ask an admin/);
    const invite = await t.app.inject({ method: "POST", url: "/api/invites", headers: admin.auth, payload: { email: newEmail() } });
    expect(invite.statusCode).toBe(403);
    expect(invite.json().error.code).toBe("registration_closed");
    expect(await snapshotTables(t)).toBe(snapshot);

    const created = await t.app.inject({ method: "POST", url: "/api/users", headers: admin.auth, payload: { email: newEmail(), displayName: "Made By Admin", password: PASSWORD } });
    expect(created.statusCode).toBe(201);
    expect(created.json().user.emailVerified).toBe(true);
  });
});
