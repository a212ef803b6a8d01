import WebSocket from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addMember, databaseKinds, makeStandard, makeUser, sessionCookie, startTestApp, type TestApp, type TestUser } from "../helper";
import { listenSync, makeSection } from "../sync/helpers";

/** The Origin of pages this server serves, as `app.inject` addresses it. */
const OWN = "http://localhost:80";
const FOREIGN = "https://evil.example";
const BASIC = "Basic dXNlcjpwYXNz";

/**
 * One reading of credentials, over HTTP and over sync: a Bearer header wins, then `?token=`
 * (upgrades only), then the session cookie. A presented token that is not valid is a 401
 * everywhere; a stale cookie is anonymous; the cookie always needs an allowed Origin to write.
 */
describe.each(databaseKinds)("credential rules (%s)", (kind) => {
  let t: TestApp;
  let base: string;
  /** The Origin of pages served by the listening server. */
  let syncOrigin: string;
  let member: TestUser;
  let other: TestUser;
  let memberCookie: string;
  let publicRoom: string;
  let privateRoom: string;

  beforeAll(async () => {
    t = await startTestApp(kind);
    base = await listenSync(t.app);
    syncOrigin = base.replace(/^ws:/, "http:").replace(/\/sync$/, "");
    member = await makeUser(t.db, { name: "Member" });
    other = await makeUser(t.db, { name: "Other" });
    memberCookie = await sessionCookie(t.app, member.email);
    const open = await makeStandard(t.db, { isPublic: true });
    const closed = await makeStandard(t.db, { isPublic: false });
    await addMember(t.app, closed, member, "editor");
    publicRoom = await makeSection(t.db, open);
    privateRoom = await makeSection(t.db, closed);
  });
  afterAll(async () => t?.close());

  const get = (url: string, headers: Record<string, string>) => t.app.inject({ method: "GET", url, headers });
  const createToken = (headers: Record<string, string>) => t.app.inject({ method: "POST", url: "/api/tokens", headers, payload: { name: "rules" } });
  const meId = async (headers: Record<string, string>) => {
    const res = await get("/api/me", headers);
    expect(res.statusCode, res.body).toBe(200);
    return (res.json() as { user: { id: string } }).user.id;
  };
  const expectUnauthenticated = (res: { statusCode: number; json(): unknown }) => {
    expect(res.statusCode).toBe(401);
    expect((res.json() as { error: { code: string } }).error.code).toBe("unauthenticated");
  };

  /** The HTTP status a websocket upgrade gets: 101 when it opened. */
  const upgrade = (room: string, opts: { token?: string; headers?: Record<string, string> } = {}) =>
    new Promise<number>((resolve, reject) => {
      const query = opts.token === undefined ? "" : `?token=${encodeURIComponent(opts.token)}`;
      const ws = new WebSocket(`${base}/${room}${query}`, { headers: opts.headers ?? {} });
      ws.once("open", () => {
        ws.close();
        resolve(101);
      });
      ws.once("unexpected-response", (_req, res) => {
        resolve(res.statusCode ?? 0);
        res.resume();
        ws.terminate();
      });
      ws.once("error", reject);
    });

  describe("over HTTP", () => {
    it("answers 401 to an unknown bearer token, even on a public read", async () => {
      expectUnauthenticated(await get("/api/standards", { authorization: "Bearer cwt_not-a-token" }));
      expectUnauthenticated(await get("/api/health", { authorization: "Bearer " }));
      expect((await get("/api/standards", {})).statusCode).toBe(200);
    });

    it("answers 401 to a revoked token and to a disabled user's token, even on a public read", async () => {
      const revoked = await makeUser(t.db);
      await t.db.updateTable("api_tokens").set({ revoked_at: new Date() }).where("user_id", "=", revoked.id).execute();
      expectUnauthenticated(await get("/api/standards", revoked.auth));
      const disabled = await makeUser(t.db);
      await t.db.updateTable("users").set({ disabled_at: new Date() }).where("id", "=", disabled.id).execute();
      expectUnauthenticated(await get("/api/standards", disabled.auth));
    });

    it("reads an unknown or expired session cookie as anonymous: public reads work, the rest is 401", async () => {
      const stale = await makeUser(t.db);
      const expired = await sessionCookie(t.app, stale.email);
      await t.db.updateTable("sessions").set({ expires_at: new Date(Date.now() - 1000) }).where("user_id", "=", stale.id).execute();
      for (const cookie of ["cw_session=cws_long-gone", expired]) {
        const standards = await get("/api/standards", { cookie });
        expect(standards.statusCode).toBe(200);
        expect(standards.json()).toEqual((await get("/api/standards", {})).json());
        expectUnauthenticated(await get("/api/me", { cookie }));
      }
    });

    it("lets a bearer header win over the session cookie, and refuses a bad one even beside a good cookie", async () => {
      expect(await meId({ ...other.auth, cookie: memberCookie })).toBe(other.id);
      expectUnauthenticated(await get("/api/me", { authorization: "Bearer cwt_not-a-token", cookie: memberCookie }));
    });

    it("ignores ?token= on HTTP requests", async () => {
      expectUnauthenticated(await get(`/api/me?token=${encodeURIComponent(member.token)}`, {}));
      expect((await get("/api/standards?token=cwt_not-a-token", {})).statusCode).toBe(200);
    });

    it("refuses a cookie write beside a Basic header from a foreign Origin (403 origin_refused), and stores nothing", async () => {
      const before = await t.db.selectFrom("api_tokens").select("id").where("user_id", "=", member.id).execute();
      for (const headers of <Record<string, string>[]>[
        { authorization: BASIC, cookie: memberCookie, origin: FOREIGN },
        { authorization: BASIC, cookie: memberCookie },
        { authorization: "bearer-ish", cookie: memberCookie, origin: "null" },
      ]) {
        const res = await createToken(headers);
        expect(res.statusCode, JSON.stringify(headers)).toBe(403);
        expect(res.json().error.code).toBe("origin_refused");
      }
      expect(await t.db.selectFrom("api_tokens").select("id").where("user_id", "=", member.id).execute()).toHaveLength(before.length);
    });

    it("reads a Basic header beside the cookie as no credential: the cookie identifies the caller", async () => {
      expect(await meId({ authorization: BASIC, cookie: memberCookie })).toBe(member.id);
      const own = await createToken({ authorization: BASIC, cookie: memberCookie, origin: OWN });
      expect(own.statusCode, own.body).toBe(201);
      const stored = await t.db.selectFrom("api_tokens").select("user_id").where("id", "=", own.json().id).executeTakeFirstOrThrow();
      expect(stored.user_id).toBe(member.id);
    });

    it("checks no Origin when a bearer token identifies the caller, even beside a cookie", async () => {
      const res = await createToken({ ...other.auth, cookie: memberCookie, origin: FOREIGN });
      expect(res.statusCode, res.body).toBe(201);
    });
  });

  describe("over sync", () => {
    it("answers 401 to an unknown query token and to an unknown bearer header, even on a public room", async () => {
      expect(await upgrade(publicRoom, { token: "cwt_not-a-token" })).toBe(401);
      expect(await upgrade(publicRoom, { token: "" })).toBe(401);
      expect(await upgrade(publicRoom, { headers: { authorization: "Bearer cwt_not-a-token" } })).toBe(401);
      expect(await upgrade(publicRoom)).toBe(101);
    });

    it("lets the bearer header win over the query token", async () => {
      expect(await upgrade(privateRoom, { token: "cwt_not-a-token", headers: member.auth })).toBe(101);
      expect(await upgrade(privateRoom, { token: member.token, headers: { authorization: "Bearer cwt_not-a-token" } })).toBe(401);
      // The header's user, not the query's: an outsider's header keeps a member's query token out.
      expect(await upgrade(privateRoom, { token: member.token, headers: other.auth })).toBe(404);
    });

    it("reads a stale session cookie as anonymous: a public room opens, a members-only one asks to sign in", async () => {
      const headers = { cookie: "cw_session=cws_long-gone", origin: syncOrigin };
      expect(await upgrade(publicRoom, { headers })).toBe(101);
      expect(await upgrade(privateRoom, { headers })).toBe(401);
    });

    it("checks the Origin whenever the cookie identifies the caller, a Basic header or not", async () => {
      const own = syncOrigin;
      expect(await upgrade(privateRoom, { headers: { cookie: memberCookie, origin: own } })).toBe(101);
      expect(await upgrade(privateRoom, { headers: { authorization: BASIC, cookie: memberCookie, origin: own } })).toBe(101);
      expect(await upgrade(privateRoom, { headers: { authorization: BASIC, cookie: memberCookie, origin: FOREIGN } })).toBe(403);
      expect(await upgrade(privateRoom, { headers: { cookie: memberCookie, origin: FOREIGN } })).toBe(403);
      expect(await upgrade(privateRoom, { headers: { cookie: memberCookie } })).toBe(403);
    });

    it("checks no Origin when a token identifies the caller, even beside a cookie", async () => {
      expect(await upgrade(privateRoom, { token: member.token, headers: { cookie: memberCookie, origin: FOREIGN } })).toBe(101);
      expect(await upgrade(privateRoom, { headers: { ...member.auth, cookie: memberCookie, origin: FOREIGN } })).toBe(101);
    });
  });
});
