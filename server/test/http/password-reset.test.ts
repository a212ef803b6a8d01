import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashSecret } from "../../src/domain/secrets";
import { databaseKinds, makeUser, sessionCookie, snapshotTables, startTestApp, TEST_PASSWORD, unique, type TestApp } from "../helper";
import { linkToken, mailsTo, onlyMailTo } from "./account-mail";

const NEW_PASSWORD = "a brand new passphrase";

describe.each(databaseKinds)("password reset on %s", (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(kind);
  });
  afterAll(async () => t?.close());

  const requestReset = (email: string) => t.app.inject({ method: "POST", url: "/api/auth/password-reset", payload: { email } });
  const confirm = (token: string, password = NEW_PASSWORD, headers: Record<string, string> = {}) =>
    t.app.inject({ method: "POST", url: "/api/auth/password-reset/confirm", payload: { token, password }, headers });
  const login = (email: string, password: string) => t.app.inject({ method: "POST", url: "/api/auth/login", payload: { email, password } });
  const resetToken = async (email: string) => {
    const mails = (await mailsTo(t.db, email)).filter((m) => m.kind === "reset");
    return linkToken(mails.at(-1)!, t.config.publicUrl, "reset");
  };

  it("always answers 202 pending, and mails a one-hour link only when the account exists", async () => {
    const user = await makeUser(t.db, { name: "Forgetful" });
    const known = await requestReset(user.email.toUpperCase());
    const snapshot = await snapshotTables(t);
    const unknown = await requestReset(`${unique("nobody")}@example.org`);
    expect(known.statusCode).toBe(202);
    expect(unknown.statusCode).toBe(202);
    expect(known.body).toBe(unknown.body);
    expect(known.json()).toEqual({ status: "pending" });
    expect(await snapshotTables(t)).toBe(snapshot);

    const mail = await onlyMailTo(t.db, user.email);
    expect(mail).toMatchObject({ kind: "reset", subject: "Choose a new Codewright password" });
    const token = linkToken(mail, t.config.publicUrl, "reset");
    const row = await t.db.selectFrom("user_tokens").selectAll().where("token_hash", "=", hashSecret(token)).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ purpose: "reset", user_id: user.id, used_at: null });
    const minutes = (row.expires_at.getTime() - Date.now()) / 60_000;
    expect(minutes).toBeGreaterThan(59);
    expect(minutes).toBeLessThanOrEqual(60);
  });

  it("mails nothing for a disabled account", async () => {
    const user = await makeUser(t.db);
    await t.db.updateTable("users").set({ disabled_at: new Date() }).where("id", "=", user.id).execute();
    const snapshot = await snapshotTables(t);
    expect((await requestReset(user.email)).statusCode).toBe(202);
    expect(await snapshotTables(t)).toBe(snapshot);
  });

  it("sets the password once, ending every session and API token of the user", async () => {
    const user = await makeUser(t.db);
    const cookieA = await sessionCookie(t.app, user.email);
    const cookieB = await sessionCookie(t.app, user.email);
    await requestReset(user.email);
    const token = await resetToken(user.email);

    const res = await confirm(token, NEW_PASSWORD, { cookie: cookieA, origin: "http://localhost:80" });
    expect(res.statusCode).toBe(200);
    // Two sessions, and the API token made with the user.
    expect(res.json()).toEqual({ ok: true, sessionsEnded: 2, tokensRevoked: 1 });
    expect(String(res.headers["set-cookie"])).toMatch(/cw_session=;/);
    for (const headers of [{ cookie: cookieA }, { cookie: cookieB }, user.auth]) {
      expect((await t.app.inject({ method: "GET", url: "/api/me", headers })).statusCode).toBe(401);
    }
    expect((await login(user.email, TEST_PASSWORD)).statusCode).toBe(401);
    expect((await login(user.email, NEW_PASSWORD)).statusCode).toBe(200);

    const snapshot = await snapshotTables(t);
    const again = await confirm(token, "yet another passphrase");
    expect(again.statusCode).toBe(400);
    expect(again.json().error.code).toBe("invalid_token");
    expect(again.json().error.message).toMatch(/Ask for a new one/);
    expect(await snapshotTables(t)).toBe(snapshot);
    expect((await login(user.email, NEW_PASSWORD)).statusCode).toBe(200);
  });

  it("verifies the address, and every other mailed link of the user stops working", async () => {
    const email = `${unique("unverified")}@example.org`;
    await t.app.inject({ method: "POST", url: "/api/auth/register", payload: { email, displayName: "Not Yet", password: "the registered password" } });
    const verifyToken = linkToken(await onlyMailTo(t.db, email), t.config.publicUrl, "verify");
    await requestReset(email);
    const older = await resetToken(email);
    await requestReset(email);
    const newer = await resetToken(email);
    expect(newer).not.toBe(older);
    // Only the newest reset link works.
    expect((await confirm(older)).json().error.code).toBe("invalid_token");

    expect((await confirm(newer)).statusCode).toBe(200);
    const me = await login(email, NEW_PASSWORD);
    expect(me.json().user.emailVerified).toBe(true);
    const verified = await t.app.inject({ method: "POST", url: "/api/auth/verify", payload: { token: verifyToken } });
    expect(verified.statusCode).toBe(400);
    expect(verified.json().error.code).toBe("invalid_token");
  });

  it("lets an account without a password (made by an admin, or through the provider) set one", async () => {
    const admin = await makeUser(t.db, { admin: true });
    const email = `${unique("nopassword")}@example.org`;
    expect((await t.app.inject({ method: "POST", url: "/api/users", headers: admin.auth, payload: { email, displayName: "No Password" } })).statusCode).toBe(201);
    await requestReset(email);
    expect((await confirm(await resetToken(email))).statusCode).toBe(200);
    expect((await login(email, NEW_PASSWORD)).statusCode).toBe(200);
  });

  it("refuses an expired, unknown or wrong-purpose token and a short password, storing nothing", async () => {
    const user = await makeUser(t.db);
    await requestReset(user.email);
    const token = await resetToken(user.email);
    const snapshot = await snapshotTables(t);
    const short = await confirm(token, "short");
    expect(short.statusCode).toBe(400);
    expect(short.json().error.code).toBe("invalid_request");
    for (const bad of ["", "has spaces", "x".repeat(201)]) {
      const res = await confirm(bad);
      expect(res.statusCode, bad).toBe(400);
      expect(res.json().error.code).toBe("invalid_request");
    }
    expect(await snapshotTables(t)).toBe(snapshot);

    await t.db.updateTable("user_tokens").set({ expires_at: new Date(Date.now() - 1000) }).where("token_hash", "=", hashSecret(token)).execute();
    const expiredSnapshot = await snapshotTables(t);
    for (const candidate of [token, "cwr_unknown"]) {
      const res = await confirm(candidate);
      expect(res.statusCode, candidate).toBe(400);
      expect(res.json().error.code).toBe("invalid_token");
    }
    expect(await snapshotTables(t)).toBe(expiredSnapshot);
    expect((await login(user.email, TEST_PASSWORD)).statusCode).toBe(200);

    // A verification token does not reset a password.
    const email = `${unique("purpose")}@example.org`;
    await t.app.inject({ method: "POST", url: "/api/auth/register", payload: { email, displayName: "Purpose", password: "the registered password" } });
    const verifyToken = linkToken(await onlyMailTo(t.db, email), t.config.publicUrl, "verify");
    expect((await confirm(verifyToken)).json().error.code).toBe("invalid_token");
    expect((await login(email, "the registered password")).statusCode).toBe(200);
  });

  it("refuses a malformed address with 400, mailing nothing", async () => {
    const snapshot = await snapshotTables(t);
    for (const email of ["nope", "a@b", "<script>@example.org", "x".repeat(300) + "@example.org"]) {
      const res = await requestReset(email);
      expect(res.statusCode, email).toBe(400);
      expect(res.json().error.code).toBe("invalid_request");
    }
    expect(await snapshotTables(t)).toBe(snapshot);
  });
});
