import { createHash, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../src/app";
import { databaseKinds, makeStandard, makeUser, sessionCookie, startTestApp, TEST_PASSWORD, type TestApp, type TestUser } from "../helper";
import { connectClient, listenSync, makeSection, refusedStatus, waitFor, type Client } from "../sync/helpers";
import type { StandardRow } from "../../src/db/tables/standards";

const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");
const OWN = "http://localhost:80";
const DAY_MS = 24 * 3600 * 1000;

/** API tokens over their life: listed to their owner, revoked by them, withdrawn with a new password, expired. */
describe.each(databaseKinds)("API tokens (%s)", (kind) => {
  let t: TestApp;
  let base: string;
  let standard: StandardRow;
  const clients: Client[] = [];
  const track = (c: Client) => (clients.push(c), c);

  beforeAll(async () => {
    t = await startTestApp(kind);
    base = await listenSync(t.app);
    standard = await makeStandard(t.db, { isPublic: true });
  });
  afterAll(async () => {
    for (const c of clients) c.destroy();
    await t?.close();
  });

  const newToken = async (user: TestUser, name: string, expiresInDays?: number) => {
    const res = await t.app.inject({ method: "POST", url: "/api/tokens", headers: user.auth, payload: { name, ...(expiresInDays ? { expiresInDays } : {}) } });
    expect(res.statusCode, res.body).toBe(201);
    return res.json<{ id: string; name: string; token: string; expiresAt: string | null }>();
  };
  const me = (token: string) => t.app.inject({ method: "GET", url: "/api/me", headers: { authorization: `Bearer ${token}` } });

  it("lists the signed-in user's own tokens, never their secret nor its hash", async () => {
    const user = await makeUser(t.db);
    const other = await makeUser(t.db);
    const cli = await newToken(user, "laptop");
    await newToken(other, "someone else's");
    expect((await me(cli.token)).statusCode).toBe(200);

    const res = await t.app.inject({ method: "GET", url: "/api/tokens", headers: user.auth });
    expect(res.statusCode).toBe(200);
    const { tokens } = res.json<{ tokens: { id: string; name: string; createdAt: string; lastUsedAt: string | null; expiresAt: string | null }[] }>();
    // The factory's token and the one made here; not the other user's.
    expect(tokens.map((tk) => tk.name).sort()).toEqual(["laptop", "test"]);
    const laptop = tokens.find((tk) => tk.id === cli.id)!;
    expect(Object.keys(laptop).sort()).toEqual(["createdAt", "expiresAt", "id", "lastUsedAt", "name"]);
    expect(Date.parse(laptop.createdAt)).toBeLessThanOrEqual(Date.now());
    expect(laptop.expiresAt).toBeNull();
    // Its use above is recorded.
    expect(laptop.lastUsedAt).not.toBeNull();
    for (const secret of [cli.token, sha256(cli.token), user.token, sha256(user.token)]) expect(res.body).not.toContain(secret);
    expect(res.body).not.toMatch(/hash|cwt_/i);

    expect((await t.app.inject({ method: "GET", url: "/api/tokens" })).statusCode).toBe(401);
  });

  it("records a token's last use only when its request succeeds", async () => {
    const user = await makeUser(t.db);
    const row = () => t.db.selectFrom("api_tokens").select("last_used_at").where("token_hash", "=", sha256(user.token)).executeTakeFirstOrThrow();
    const refused = await t.app.inject({ method: "POST", url: "/api/users", headers: user.auth, payload: { email: "x@example.org", displayName: "X" } });
    expect(refused.statusCode).toBe(403);
    expect((await row()).last_used_at).toBeNull();
    expect((await me(user.token)).statusCode).toBe(200);
    expect((await row()).last_used_at).not.toBeNull();
  });

  it("revokes one of the owner's tokens at once, over HTTP and in open sync connections", async () => {
    const user = await makeUser(t.db);
    const revoked = await newToken(user, "script");
    const kept = await newToken(user, "editor plug-in");
    const room = await makeSection(t.db, standard);
    const live = track(connectClient(base, room, { token: revoked.token }, { reconnect: false }));
    const other = track(connectClient(base, room, { token: kept.token }, { reconnect: false }));
    await Promise.all([live.synced(), other.synced()]);

    const res = await t.app.inject({ method: "DELETE", url: `/api/tokens/${revoked.id}`, headers: user.auth });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ ok: true });

    const after = await me(revoked.token);
    expect(after.statusCode).toBe(401);
    expect(after.json().error.code).toBe("unauthenticated");
    await waitFor(() => live.closes.length > 0, "the revoked token's connection closed");
    expect(await refusedStatus(base, room, { token: revoked.token })).toBe(401);
    // Only that token: the owner's other token and its connection go on.
    expect((await me(kept.token)).statusCode).toBe(200);
    expect(other.closes).toEqual([]);

    const listed = (await t.app.inject({ method: "GET", url: "/api/tokens", headers: user.auth })).json<{ tokens: { id: string }[] }>().tokens;
    expect(listed.map((tk) => tk.id)).not.toContain(revoked.id);
    expect(listed.map((tk) => tk.id)).toContain(kept.id);
    const stored = await t.db.selectFrom("api_tokens").select("revoked_at").where("id", "=", revoked.id).executeTakeFirstOrThrow();
    expect(stored.revoked_at).not.toBeNull();
    // Once revoked, it is gone: revoking again is a 404.
    expect((await t.app.inject({ method: "DELETE", url: `/api/tokens/${revoked.id}`, headers: user.auth })).statusCode).toBe(404);
  });

  it("answers 404 for another user's token id and for an unknown one, and revokes nothing", async () => {
    const owner = await makeUser(t.db);
    const intruder = await makeUser(t.db, { admin: true });
    const target = await newToken(owner, "owner's");
    for (const id of [target.id, randomUUID()]) {
      const res = await t.app.inject({ method: "DELETE", url: `/api/tokens/${id}`, headers: intruder.auth });
      expect(res.statusCode).toBe(404);
      expect(res.json().error.code).toBe("not_found");
    }
    expect((await t.app.inject({ method: "DELETE", url: `/api/tokens/${target.id}` })).statusCode).toBe(401);
    expect((await t.app.inject({ method: "DELETE", url: "/api/tokens/not-a-uuid", headers: owner.auth })).statusCode).toBe(400);
    expect((await me(target.token)).statusCode).toBe(200);
  });

  it("revokes every token and ends the other sessions on a password change, and says so", async () => {
    const user = await makeUser(t.db);
    const second = await newToken(user, "second");
    const here = await sessionCookie(t.app, user.email);
    const elsewhere = await sessionCookie(t.app, user.email);
    const room = await makeSection(t.db, standard);
    const live = track(connectClient(base, room, { token: second.token }, { reconnect: false }));
    const otherBrowser = track(connectClient(base, room, { cookie: elsewhere, origin: base.replace(/^ws:/, "http:").replace(/\/sync$/, "") }, { reconnect: false }));
    await Promise.all([live.synced(), otherBrowser.synced()]);

    const res = await t.app.inject({
      method: "PUT",
      url: "/api/me/password",
      headers: { cookie: here, origin: OWN },
      payload: { currentPassword: TEST_PASSWORD, newPassword: "a brand new long password" },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ ok: true, tokensRevoked: 2, sessionsEnded: 1 });

    for (const token of [user.token, second.token]) {
      const after = await me(token);
      expect(after.statusCode).toBe(401);
      expect(after.json().error.code).toBe("unauthenticated");
    }
    expect((await t.app.inject({ method: "GET", url: "/api/me", headers: { cookie: elsewhere } })).statusCode).toBe(401);
    // The session that changed the password stays signed in.
    expect((await t.app.inject({ method: "GET", url: "/api/me", headers: { cookie: here } })).statusCode).toBe(200);
    await waitFor(() => live.closes.length > 0 && otherBrowser.closes.length > 0, "connections of withdrawn credentials closed");
    expect(otherBrowser.closes[0]!.code).toBe(4401);
    expect(await t.db.selectFrom("api_tokens").select("id").where("user_id", "=", user.id).where("revoked_at", "is", null).execute()).toEqual([]);
  });

  it("revokes every token and ends every session when an admin sets a new password, and says so", async () => {
    const admin = await makeUser(t.db, { admin: true });
    const user = await makeUser(t.db);
    const cookie = await sessionCookie(t.app, user.email);
    const res = await t.app.inject({ method: "PATCH", url: `/api/users/${user.id}`, headers: admin.auth, payload: { password: "reset by the admin now" } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ user: { id: user.id, disabled: false }, tokensRevoked: 1, sessionsEnded: 1 });
    expect((await me(user.token)).statusCode).toBe(401);
    expect((await t.app.inject({ method: "GET", url: "/api/me", headers: { cookie } })).statusCode).toBe(401);
    // A change that withdraws nothing says so too.
    const renamed = await t.app.inject({ method: "PATCH", url: `/api/users/${user.id}`, headers: admin.auth, payload: { displayName: "Renamed" } });
    expect(renamed.json()).toMatchObject({ user: { displayName: "Renamed" }, tokensRevoked: 0, sessionsEnded: 0 });
    expect((await me(admin.token)).statusCode).toBe(200);
  });

  it("gives a token an expiry when asked, and refuses it after", async () => {
    const user = await makeUser(t.db);
    const forever = await newToken(user, "no expiry");
    expect(forever.expiresAt).toBeNull();
    const shortLived = await newToken(user, "a week", 7);
    const expiresAt = Date.parse(shortLived.expiresAt!);
    expect(Math.abs(expiresAt - (Date.now() + 7 * DAY_MS))).toBeLessThan(60_000);
    const listed = (await t.app.inject({ method: "GET", url: "/api/tokens", headers: user.auth })).json<{ tokens: { id: string; expiresAt: string | null }[] }>().tokens;
    expect(listed.find((tk) => tk.id === shortLived.id)!.expiresAt).toBe(shortLived.expiresAt);
    expect((await me(shortLived.token)).statusCode).toBe(200);

    await t.db.updateTable("api_tokens").set({ expires_at: new Date(Date.now() - 1000) }).where("id", "=", shortLived.id).execute();
    const expired = await me(shortLived.token);
    expect(expired.statusCode).toBe(401);
    expect(expired.json().error.code).toBe("unauthenticated");
    expect((await me(forever.token)).statusCode).toBe(200);

    for (const expiresInDays of [0, -1, 1.5, 100_000]) {
      const bad = await t.app.inject({ method: "POST", url: "/api/tokens", headers: user.auth, payload: { name: "bad", expiresInDays } });
      expect(bad.statusCode, String(expiresInDays)).toBe(400);
    }
  });

  // Processes hear each other through PostgreSQL; one PGlite serves one process.
  if (kind === "postgres") {
    it("closes a revoked token's connections on another process too", async () => {
      const second = await buildApp({ config: t.config, database: t.database, logger: false });
      try {
        const secondBase = await listenSync(second);
        const user = await makeUser(t.db);
        const token = await newToken(user, "elsewhere");
        const room = await makeSection(t.db, standard);
        const live = track(connectClient(secondBase, room, { token: token.token }, { reconnect: false }));
        await live.synced();
        expect((await t.app.inject({ method: "DELETE", url: `/api/tokens/${token.id}`, headers: user.auth })).statusCode).toBe(200);
        await waitFor(() => live.closes.length > 0, "the connection on the other process closed");
      } finally {
        await second.close();
      }
    });
  }
});
