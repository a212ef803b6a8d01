import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseKinds, makeUser, sessionCookie, snapshotTables, startTestApp, TEST_PASSWORD, type TestApp } from "../helper";

describe.each(databaseKinds)("accounts on %s", (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(kind);
  });
  afterAll(async () => t?.close());

  it("reports health and the database kind", async () => {
    const res = await t.app.inject({ method: "GET", url: "/api/health" });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: "ok", database: kind });
  });

  it("signs in with an httpOnly SameSite=Lax cookie, then signs out", async () => {
    const user = await makeUser(t.db);
    const res = await t.app.inject({ method: "POST", url: "/api/auth/login", payload: { email: user.email.toUpperCase(), password: TEST_PASSWORD } });
    expect(res.statusCode).toBe(200);
    expect(res.json().user.email).toBe(user.email);
    const setCookie = String(res.headers["set-cookie"]);
    expect(setCookie).toMatch(/cw_session=/);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    expect(setCookie).toMatch(/Expires=|Max-Age=/i);
    const cookie = setCookie.split(";")[0]!;
    const me = await t.app.inject({ method: "GET", url: "/api/me", headers: { cookie } });
    expect(me.statusCode).toBe(200);
    expect(me.json().user.id).toBe(user.id);
    const out = await t.app.inject({ method: "POST", url: "/api/auth/logout", headers: { cookie, origin: "http://localhost:80" } });
    expect(out.statusCode).toBe(200);
    const after = await t.app.inject({ method: "GET", url: "/api/me", headers: { cookie } });
    expect(after.statusCode).toBe(401);
    expect(after.json().error.code).toBe("unauthenticated");
  });

  it("answers a wrong password and an unknown email the same way", async () => {
    const user = await makeUser(t.db);
    const wrong = await t.app.inject({ method: "POST", url: "/api/auth/login", payload: { email: user.email, password: "not the password" } });
    const unknown = await t.app.inject({ method: "POST", url: "/api/auth/login", payload: { email: "nobody@example.org", password: "not the password" } });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json()).toEqual(unknown.json());
    expect(wrong.json().error.code).toBe("invalid_credentials");
  });

  it("rate limits repeated failed logins", async () => {
    const user = await makeUser(t.db);
    const codes: number[] = [];
    for (let i = 0; i < 12; i++) {
      const res = await t.app.inject({ method: "POST", url: "/api/auth/login", payload: { email: user.email, password: "wrong password " + i } });
      codes.push(res.statusCode);
    }
    expect(codes.slice(0, 10).every((c) => c === 401)).toBe(true);
    expect(codes.at(-1)).toBe(429);
  });

  it("creates API tokens shown once and stored only as a hash", async () => {
    const user = await makeUser(t.db);
    const res = await t.app.inject({ method: "POST", url: "/api/tokens", headers: user.auth, payload: { name: "cli" } });
    expect(res.statusCode).toBe(201);
    const { token } = res.json();
    expect(token).toMatch(/^cwt_/);
    const rows = await t.db.selectFrom("api_tokens").selectAll().where("user_id", "=", user.id).execute();
    expect(rows.some((r) => r.token_hash.includes(token) || token.includes(r.token_hash))).toBe(false);
    const me = await t.app.inject({ method: "GET", url: "/api/me", headers: { authorization: `Bearer ${token}` } });
    expect(me.json().user.id).toBe(user.id);
  });

  it("lets only admins create users, with 409 on a duplicate email and nothing changed on refusal", async () => {
    const admin = await makeUser(t.db, { admin: true });
    const member = await makeUser(t.db);
    const before = await snapshotTables(t);
    const refused = await t.app.inject({ method: "POST", url: "/api/users", headers: member.auth, payload: { email: "new@example.org", displayName: "New" } });
    expect(refused.statusCode).toBe(403);
    const anonymous = await t.app.inject({ method: "POST", url: "/api/users", payload: { email: "new@example.org", displayName: "New" } });
    expect(anonymous.statusCode).toBe(401);
    expect(await snapshotTables(t)).toBe(before);
    const created = await t.app.inject({ method: "POST", url: "/api/users", headers: admin.auth, payload: { email: "new@example.org", displayName: "New", password: "a long enough password" } });
    expect(created.statusCode).toBe(201);
    const dup = await t.app.inject({ method: "POST", url: "/api/users", headers: admin.auth, payload: { email: "NEW@example.org", displayName: "Again" } });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error.code).toBe("email_taken");
  });

  it("ends every session and token of a disabled user", async () => {
    const admin = await makeUser(t.db, { admin: true });
    const user = await makeUser(t.db);
    const cookie = await sessionCookie(t.app, user.email);
    const res = await t.app.inject({ method: "PATCH", url: `/api/users/${user.id}`, headers: admin.auth, payload: { disabled: true } });
    expect(res.statusCode).toBe(200);
    expect(res.json().user.disabled).toBe(true);
    expect((await t.app.inject({ method: "GET", url: "/api/me", headers: { cookie } })).statusCode).toBe(401);
    expect((await t.app.inject({ method: "GET", url: "/api/me", headers: user.auth })).statusCode).toBe(401);
    const login = await t.app.inject({ method: "POST", url: "/api/auth/login", payload: { email: user.email, password: TEST_PASSWORD } });
    expect(login.statusCode).toBe(401);
  });

  it("turns an invite into an account once", async () => {
    const admin = await makeUser(t.db, { admin: true });
    const invite = await t.app.inject({ method: "POST", url: "/api/invites", headers: admin.auth, payload: { email: "invited@example.org" } });
    expect(invite.statusCode).toBe(201);
    const { token, url } = invite.json();
    expect(url).toContain(token);
    const accept = await t.app.inject({ method: "POST", url: "/api/invites/accept", payload: { token, displayName: "Invited Person", password: "a long enough password" } });
    expect(accept.statusCode).toBe(201);
    expect(accept.json().user.email).toBe("invited@example.org");
    const again = await t.app.inject({ method: "POST", url: "/api/invites/accept", payload: { token, displayName: "Again", password: "a long enough password" } });
    expect(again.statusCode).toBe(400);
    expect(again.json().error.code).toBe("invalid_invite");
  });

  it("refuses a cookie-borne change from a foreign or missing Origin", async () => {
    const user = await makeUser(t.db);
    const cookie = await sessionCookie(t.app, user.email);
    const foreign = await t.app.inject({ method: "POST", url: "/api/tokens", headers: { cookie, origin: "https://evil.example" }, payload: { name: "x" } });
    expect(foreign.statusCode).toBe(403);
    expect(foreign.json().error.code).toBe("origin_refused");
    const missing = await t.app.inject({ method: "POST", url: "/api/tokens", headers: { cookie }, payload: { name: "x" } });
    expect(missing.statusCode).toBe(403);
    const own = await t.app.inject({ method: "POST", url: "/api/tokens", headers: { cookie, origin: "http://localhost:80" }, payload: { name: "x" } });
    expect(own.statusCode).toBe(201);
  });

  it("gives 400 with a code for malformed JSON, prototype keys and wrong shapes, 413 for a large body", async () => {
    const admin = await makeUser(t.db, { admin: true });
    const before = await snapshotTables(t);
    const headers = { ...admin.auth, "content-type": "application/json" };
    const bad = await t.app.inject({ method: "POST", url: "/api/standards", headers, payload: "{not json" });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe("invalid_json");
    const proto = await t.app.inject({ method: "POST", url: "/api/standards", headers, payload: '{"slug":"x","title":"y","__proto__":{"isAdmin":true}}' });
    expect(proto.statusCode).toBe(400);
    const shape = await t.app.inject({ method: "POST", url: "/api/standards", headers, payload: { slug: "Not A Slug", title: "" } });
    expect(shape.statusCode).toBe(400);
    expect(shape.json().error.code).toBe("invalid_request");
    const big = await t.app.inject({ method: "POST", url: "/api/standards", headers, payload: JSON.stringify({ slug: "big", title: "x".repeat(2 * 1024 * 1024) }) });
    expect(big.statusCode).toBe(413);
    expect(big.json().error.code).toBe("body_too_large");
    expect(await snapshotTables(t)).toBe(before);
  });

  it("serves an OpenAPI document naming every route", async () => {
    const res = await t.app.inject({ method: "GET", url: "/api/openapi.json" });
    expect(res.statusCode).toBe(200);
    const paths = Object.keys(res.json().paths);
    for (const p of ["/api/health", "/api/auth/login", "/api/standards/{slug}/sections/{id}", "/api/standards/{slug}/members/{userId}"]) {
      expect(paths).toContain(p);
    }
  });

  it("answers unknown API paths with a JSON 404", async () => {
    const res = await t.app.inject({ method: "GET", url: "/api/nothing-here" });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe("not_found");
  });
});
