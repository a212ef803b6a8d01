import { randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import WebSocket from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addMember, databaseKinds, makeUser, snapshotTables, startTestApp, unique, type TestApp } from "../helper";
import { ADMIN, buildWorld, EDITORS, EVERY_MEMBER, OUTSIDERS, ROLES, SIGNED_IN, worldSection, type MatrixEntry, type Role, type World } from "./roles";
import { WORKFLOW_MATRIX } from "../workflow/matrix";
import { issueToken } from "../../src/domain/auth";
import { RELEASE_MATRIX } from "../releases/matrix";
import { WEBHOOK_MATRIX } from "../webhooks/matrix";
import { CYCLE_MATRIX } from "../cycles/matrix";
import { NOTIFICATION_MATRIX } from "../notifications/matrix";
import { RESOLUTION_MATRIX } from "../comments/matrix";

/**
 * The authorization matrix. Every API route registered on the app must have an entry here,
 * so a new route cannot escape it: for each route and each role, the expected outcome, and
 * proof that a refusal changed nothing stored.
 */
export const MATRIX: Record<string, MatrixEntry> = {
  "GET /api/health": { site: true, allowed: "everyone", public: true, build: () => ({ method: "GET", url: "/api/health" }) },
  "GET /api/openapi.json": { site: true, allowed: "everyone", public: true, build: () => ({ method: "GET", url: "/api/openapi.json" }) },
  "POST /api/auth/login": { site: true,
    allowed: [],
    public: true,
    build: (w) => ({ method: "POST", url: "/api/auth/login", payload: { email: w.users.nonMember.email, password: "wrong password" } }),
  },
  // The matrix's app has no OpenID provider: both answer 404 to everyone (test/http/oidc.test.ts signs in through one).
  "GET /api/auth/oidc/start": { site: true, allowed: [], public: true, build: () => ({ method: "GET", url: "/api/auth/oidc/start?returnTo=%2F" }) },
  "GET /api/auth/oidc/callback": { site: true, allowed: [], public: true, build: () => ({ method: "GET", url: "/api/auth/oidc/callback?code=c&state=s" }) },
  "POST /api/auth/logout": { site: true, allowed: SIGNED_IN, build: () => ({ method: "POST", url: "/api/auth/logout" }) },
  "GET /api/me": { site: true, allowed: SIGNED_IN, build: () => ({ method: "GET", url: "/api/me" }) },
  "PUT /api/me/password": { site: true,
    allowed: [],
    build: () => ({ method: "PUT", url: "/api/me/password", payload: { currentPassword: "wrong password", newPassword: "another long password" } }),
  },
  "GET /api/auth/options": { site: true, allowed: "everyone", public: true, build: () => ({ method: "GET", url: "/api/auth/options" }) },
  // A new address each time: registering is open to everyone, signed in or not, and answers the same.
  "POST /api/auth/register": { site: true,
    allowed: "everyone",
    public: true,
    build: () => ({ method: "POST", url: "/api/auth/register", payload: { email: `${unique("reg")}@example.org`, displayName: "Newcomer", password: "a long enough password" } }),
  },
  "POST /api/auth/verify": { site: true, allowed: [], public: true, build: () => ({ method: "POST", url: "/api/auth/verify", payload: { token: "cwv_unknown" } }) },
  // Every role's address is verified already (409 `already_verified`); test/http/registration covers the unverified.
  "POST /api/auth/verify/resend": { site: true, allowed: [], signedInRefusal: 409, build: () => ({ method: "POST", url: "/api/auth/verify/resend" }) },
  "POST /api/auth/password-reset": { site: true,
    allowed: "everyone",
    public: true,
    build: () => ({ method: "POST", url: "/api/auth/password-reset", payload: { email: `${unique("nobody")}@example.org` } }),
  },
  "POST /api/auth/password-reset/confirm": { site: true,
    allowed: [],
    public: true,
    build: () => ({ method: "POST", url: "/api/auth/password-reset/confirm", payload: { token: "cwr_unknown", password: "a long enough password" } }),
  },
  "PATCH /api/me": { site: true, allowed: SIGNED_IN, build: () => ({ method: "PATCH", url: "/api/me", payload: { affiliation: null } }) },
  "POST /api/tokens": { site: true, allowed: SIGNED_IN, build: () => ({ method: "POST", url: "/api/tokens", payload: { name: "matrix" } }) },
  "GET /api/tokens": { site: true, allowed: SIGNED_IN, build: () => ({ method: "GET", url: "/api/tokens" }) },
  "DELETE /api/tokens/:id": { site: true,
    allowed: SIGNED_IN,
    // Each role revokes a token of its own; the anonymous try one of someone else's.
    build: async (w, t, role) => {
      const owner = role === "anonymous" ? w.users.nonMember : w.users[role];
      const { id } = await t.db.transaction().execute((trx) => issueToken(trx, owner.id, "matrix"));
      return { method: "DELETE", url: `/api/tokens/${id}` };
    },
  },
  "GET /api/users": { site: true, allowed: ADMIN, build: () => ({ method: "GET", url: "/api/users" }) },
  "POST /api/users": { site: true, allowed: ADMIN, build: () => ({ method: "POST", url: "/api/users", payload: { email: `${unique("u")}@example.org`, displayName: "New" } }) },
  "PATCH /api/users/:id": { site: true,
    allowed: ADMIN,
    build: async (_w, t) => ({ method: "PATCH", url: `/api/users/${(await makeUser(t.db)).id}`, payload: { displayName: "Renamed" } }),
  },
  "POST /api/invites": { site: true, allowed: ADMIN, build: () => ({ method: "POST", url: "/api/invites", payload: { email: `${unique("i")}@example.org` } }) },
  "POST /api/invites/accept": { site: true,
    allowed: [],
    public: true,
    build: () => ({ method: "POST", url: "/api/invites/accept", payload: { token: "cwi_unknown", displayName: "X", password: "a long enough password" } }),
  },
  "GET /api/standards": { site: true, allowed: "everyone", public: true, build: () => ({ method: "GET", url: "/api/standards" }) },
  "POST /api/standards": { site: true, allowed: ADMIN, build: () => ({ method: "POST", url: "/api/standards", payload: { slug: unique("s").toLowerCase(), title: "New" } }) },
  "POST /api/standards/import": { site: true,
    allowed: ADMIN,
    build: () => ({ method: "POST", url: "/api/standards/import", payload: { slug: unique("imp").toLowerCase(), markdown: "# Imported\n\n## Group {#G-1}\n\nText.\n" } }),
  },
  "GET /api/standards/:slug": { allowed: EVERY_MEMBER, build: (w) => ({ method: "GET", url: `/api/standards/${w.standard.slug}` }) },
  "PATCH /api/standards/:slug": { allowed: ADMIN, build: (w) => ({ method: "PATCH", url: `/api/standards/${w.standard.slug}`, payload: { description: "changed" } }) },
  "GET /api/standards/:slug/members": { allowed: EDITORS, build: (w) => ({ method: "GET", url: `/api/standards/${w.standard.slug}/members` }) },
  "PUT /api/standards/:slug/members/:userId": {
    allowed: ADMIN,
    build: async (w, t) => ({ method: "PUT", url: `/api/standards/${w.standard.slug}/members/${(await makeUser(t.db)).id}`, payload: { role: "contributor" } }),
  },
  "DELETE /api/standards/:slug/members/:userId": {
    allowed: ADMIN,
    build: async (w, t) => {
      const member = await makeUser(t.db);
      await addMember(t.app, w.standard, member, "contributor");
      return { method: "DELETE", url: `/api/standards/${w.standard.slug}/members/${member.id}` };
    },
  },
  "GET /api/standards/:slug/sections": { allowed: EVERY_MEMBER, build: (w) => ({ method: "GET", url: `/api/standards/${w.standard.slug}/sections` }) },
  "GET /api/standards/:slug/sections/:id": {
    allowed: EVERY_MEMBER,
    build: async (w, t) => ({ method: "GET", url: `/api/standards/${w.standard.slug}/sections/${(await worldSection(t, w))}` }),
  },
  "POST /api/standards/:slug/sections": {
    allowed: EDITORS,
    build: (w) => ({ method: "POST", url: `/api/standards/${w.standard.slug}/sections`, payload: { label: unique("N"), title: "New" } }),
  },
  "PATCH /api/standards/:slug/sections/:id": {
    allowed: EDITORS,
    build: async (w, t) => ({ method: "PATCH", url: `/api/standards/${w.standard.slug}/sections/${(await worldSection(t, w))}`, payload: { title: "Retitled" } }),
  },
  "DELETE /api/standards/:slug/sections/:id": {
    allowed: EDITORS,
    build: async (w, t) => ({ method: "DELETE", url: `/api/standards/${w.standard.slug}/sections/${(await worldSection(t, w))}` }),
  },
  ...WORKFLOW_MATRIX,
  ...RELEASE_MATRIX,
  ...CYCLE_MATRIX,
  ...NOTIFICATION_MATRIX,
  ...RESOLUTION_MATRIX,
  // Last: webhooks made here would be sent the events of routes tried after them.
  ...WEBHOOK_MATRIX,
};

/** Websocket routes: who may open a connection to a members-only standard's draft room (write rights are tested in test/sync). */
const WEBSOCKET_ROUTES: Record<string, readonly Role[]> = {
  "GET /sync/*": EVERY_MEMBER,
};

/** API routes of the app, without the static files of the web client. */
function apiRoutes(t: TestApp): string[] {
  return [...new Set(t.app.routeTable.filter((r) => / \/(api|sync)\//.test(r)))];
}

describe.each(databaseKinds)("authorization matrix on %s", (kind) => {
  let t: TestApp;
  let w: World;
  beforeAll(async () => {
    // Webhooks of the matrix point at 127.0.0.1.
    t = await startTestApp(kind, { webhooks: { allowPrivate: true } });
    w = await buildWorld(t.app, t.db);
  });
  afterAll(async () => t?.close());

  it("has an entry for every route", () => {
    const missing = apiRoutes(t).filter((r) => !MATRIX[r] && !WEBSOCKET_ROUTES[r]);
    expect(missing, "add these routes to the authorization matrix").toEqual([]);
  });

  for (const [route, entry] of Object.entries(MATRIX)) {
    it(`${route}`, async () => {
      if (!apiRoutes(t).includes(route)) throw new Error(`${route} is in the matrix but not on the app`);
      for (const role of ROLES) {
        const options = await entry.build(w, t, role);
        const before = await snapshotTables(t);
        const res = await t.app.inject({ ...options, headers: { ...(options.headers as Record<string, string>), ...w.headers(role) } });
        // The disabled user's token is revoked: a token that is not valid is a 401 on every
        // route, public ones too, so a script with a broken token learns it at once.
        const ok = role !== "disabled" && (entry.allowed === "everyone" || entry.allowed.includes(role));
        const what = `${route} as ${role}: ${res.statusCode} ${res.body.slice(0, 200)}`;
        if (ok) {
          expect(res.statusCode, what).toBeLessThan(300);
          continue;
        }
        if (role === "disabled") {
          expect(res.statusCode, what).toBe(401);
          expect(res.json().error.code, what).toBe("unauthenticated");
        } else if (entry.public) {
          expect(res.statusCode, what).toBeGreaterThanOrEqual(400);
          expect(res.statusCode, what).toBeLessThan(500);
        } else if (!entry.site && OUTSIDERS.includes(role)) {
          expect(res.statusCode, what).toBe(404);
          expect(res.json().error.code, what).toBe("not_found");
        } else if (!entry.site) {
          expect(res.statusCode, what).toBe(403);
        } else if (role === "anonymous") {
          expect(res.statusCode, what).toBe(401);
        } else {
          expect(res.statusCode, what).toBe(entry.signedInRefusal ?? 403);
        }
        expect(res.json().error.code, what).toMatch(/^[a-z_]+$/);
        // Refusals change nothing stored (login failures excepted: they write nothing either).
        expect(await snapshotTables(t), what).toBe(before);
      }
    });
  }

  for (const [route, allowed] of Object.entries(WEBSOCKET_ROUTES)) {
    it(`${route} (websocket upgrade of a members-only draft room)`, async () => {
      if (!apiRoutes(t).includes(route)) throw new Error(`${route} is in the matrix but not on the app`);
      if (!t.app.server.listening) await t.app.listen({ port: 0, host: "127.0.0.1" });
      const port = (t.app.server.address() as AddressInfo).port;
      const room = `draft.${(await worldSection(t, w))}`;
      for (const role of ROLES) {
        const query = role === "anonymous" ? "" : `?token=${encodeURIComponent(w.users[role].token)}`;
        const outcome = await new Promise<number>((resolve, reject) => {
          const ws = new WebSocket(`ws://127.0.0.1:${port}/sync/${room}${query}`);
          ws.once("open", () => {
            ws.close();
            resolve(101);
          });
          ws.once("unexpected-response", (_req, res) => {
            resolve(res.statusCode ?? 0);
            res.resume();
            ws.terminate();
          });
          ws.once("error", (err) => reject(err));
        });
        const what = `${route} as ${role}: ${outcome}`;
        if (allowed.includes(role)) expect(outcome, what).toBe(101);
        else if (role === "disabled") expect(outcome, what).toBe(401);
        else if (role === "anonymous") expect([401, 404], what).toContain(outcome);
        else if (OUTSIDERS.includes(role)) expect(outcome, what).toBe(404);
        else expect(outcome, what).toBe(403);
      }
    });
  }

  it("refuses ids from another standard (IDOR) on id-taking routes", async () => {
    const foreign = await t.app.inject({
      method: "POST",
      url: `/api/standards/${w.other.slug}/sections`,
      headers: w.users.admin.auth,
      payload: { label: unique("F"), title: "Foreign" },
    });
    const foreignId = foreign.json().id as string;
    const before = await snapshotTables(t);
    // An editor of the first standard names a section of the second through the first's URL.
    for (const method of ["GET", "PATCH", "DELETE"] as const) {
      const res = await t.app.inject({
        method,
        url: `/api/standards/${w.standard.slug}/sections/${foreignId}`,
        headers: w.users.editor.auth,
        payload: method === "PATCH" ? { title: "hijacked" } : undefined,
      });
      expect(res.statusCode, `${method} foreign section`).toBe(404);
    }
    const unknown = await t.app.inject({ method: "GET", url: `/api/standards/${w.standard.slug}/sections/${randomUUID()}`, headers: w.users.editor.auth });
    expect(unknown.statusCode).toBe(404);
    expect(await snapshotTables(t)).toBe(before);
  });
});
