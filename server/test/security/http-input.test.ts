import type { InjectOptions } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addMember, databaseKinds, makeStandard, makeUser, snapshotTables, startTestApp, type TestApp, type TestUser } from "../helper";

/** Hostile input over HTTP: each gets a clear 4xx with a code, and nothing stored changes. */
describe.each(databaseKinds)("hostile HTTP input on %s", (kind) => {
  let t: TestApp;
  let admin: TestUser;
  let editor: TestUser;
  let std: { id: string; slug: string };
  beforeAll(async () => {
    t = await startTestApp(kind);
    admin = await makeUser(t.db, { admin: true });
    editor = await makeUser(t.db);
    std = await makeStandard(t.db);
    await addMember(t.app, std, editor, "editor");
  });
  afterAll(async () => t?.close());

  async function refused(request: InjectOptions, status: number | number[], code?: string) {
    const before = await snapshotTables(t);
    const res = await t.app.inject(request);
    const statuses = Array.isArray(status) ? status : [status];
    expect(statuses, res.body).toContain(res.statusCode);
    const body = res.json();
    expect(body.error.code).toMatch(/^[a-z_]+$/);
    expect(body.error.message.length).toBeGreaterThan(10);
    if (code) expect(body.error.code).toBe(code);
    expect(await snapshotTables(t)).toBe(before);
  }

  it("refuses invalid JSON and prototype-poisoning keys", async () => {
    const headers = { ...admin.auth, "content-type": "application/json" };
    await refused({ method: "POST", url: "/api/standards", headers, payload: '{"slug": "a",' }, 400, "invalid_json");
    await refused({ method: "POST", url: "/api/standards", headers, payload: '{"slug":"pp-one","title":"T","__proto__":{"polluted":1}}' }, 400, "invalid_json");
    await refused({ method: "POST", url: "/api/standards", headers, payload: '{"slug":"pp-two","title":"T","constructor":{"prototype":{"polluted":1}}}' }, 400, "invalid_json");
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("refuses bodies over the limit", async () => {
    await refused({ method: "POST", url: "/api/users", headers: { ...admin.auth, "content-type": "application/json" }, payload: `{"email":"a@b.c","displayName":"${"x".repeat(1_100_000)}"}` }, 413, "body_too_large");
  });

  it("refuses NUL bytes, lone surrogates, bidirectional overrides and very long strings in text fields", async () => {
    const url = `/api/standards/${std.slug}/sections`;
    for (const title of ["bad\u0000title", "bad\ud800title", "evil \u202egnp.exe", "x".repeat(301), ""]) {
      await refused({ method: "POST", url, headers: editor.auth, payload: { label: "L-1", title } }, 400, "invalid_request");
    }
    await refused({ method: "POST", url: "/api/users", headers: admin.auth, payload: { email: "nul@example.org", displayName: "Mal\u0000lory" } }, 400, "invalid_request");
    await refused({ method: "PATCH", url: `/api/standards/${std.slug}`, headers: admin.auth, payload: { description: "x".repeat(20_001) } }, 400, "invalid_request");
  });

  it("stores SQL-injection strings verbatim", async () => {
    const title = "'); DROP TABLE sections; -- \" OR 1=1 --";
    const res = await t.app.inject({ method: "POST", url: `/api/standards/${std.slug}/sections`, headers: editor.auth, payload: { label: "SQL-1", title } });
    expect(res.statusCode).toBe(201);
    const back = await t.app.inject({ method: "GET", url: `/api/standards/${std.slug}/sections/${res.json().id}` });
    expect(back.json().title).toBe(title);
    const name = "Robert'); DROP TABLE users;--";
    const user = await t.app.inject({ method: "POST", url: "/api/users", headers: admin.auth, payload: { email: "bobby@example.org", displayName: name } });
    expect(user.json().user.displayName).toBe(name);
  });

  it("refuses path tricks in slugs and ids", async () => {
    for (const url of [
      "/api/standards/..%2F..%2Fetc%2Fpasswd",
      "/api/standards/%2e%2e/sections",
      "/api/standards/UPPER/sections",
      `/api/standards/${std.slug}/sections/..%2F..%2Fusers`,
      `/api/standards/${std.slug}%00/sections`,
    ]) {
      const res = await t.app.inject({ method: "GET", url });
      expect([400, 404], `${url}: ${res.body}`).toContain(res.statusCode);
      expect(res.json().error.code).toMatch(/^[a-z_]+$/);
    }
  });

  it("sets a Content-Security-Policy and other protective headers", async () => {
    const res = await t.app.inject({ method: "GET", url: "/api/health" });
    const csp = String(res.headers["content-security-policy"]);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
    expect(String(res.headers["x-frame-options"])).toMatch(/SAMEORIGIN|DENY/);
  });
});
