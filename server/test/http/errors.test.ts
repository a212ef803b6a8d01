import Fastify, { type InjectOptions } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorsPlugin, frameworkErrors } from "../../src/http/plugins/errors";
import { makeUser, startTestApp, type TestApp, type TestUser } from "../helper";

/** Fastify's own request errors are answered with our stable codes, never with Fastify's internal names. */
describe("error codes of Fastify's own errors", () => {
  let t: TestApp;
  let admin: TestUser;
  beforeAll(async () => {
    t = await startTestApp("pglite");
    admin = await makeUser(t.db, { admin: true });
  });
  afterAll(async () => t?.close());

  async function answer(app: { inject(o: InjectOptions): Promise<{ statusCode: number; json(): unknown }> }, options: InjectOptions) {
    const res = await app.inject(options);
    const body = res.json() as { error: { code: string; message: string } };
    expect(Object.keys(body)).toEqual(["error"]);
    expect(body.error.code).not.toMatch(/^fst_/);
    expect(body.error.message).toBeTruthy();
    return [res.statusCode, body.error.code] as const;
  }
  const json = () => ({ ...admin.auth, "content-type": "application/json" });

  it("maps bad bodies, validation, sizes and media types", async () => {
    expect(await answer(t.app, { method: "POST", url: "/api/standards", headers: json(), payload: "{bad" })).toEqual([400, "invalid_json"]);
    expect(await answer(t.app, { method: "POST", url: "/api/standards", headers: json(), payload: "" })).toEqual([400, "invalid_json"]);
    expect(await answer(t.app, { method: "POST", url: "/api/standards", headers: json(), payload: '{"slug":"pp","title":"T","__proto__":{"x":1}}' })).toEqual([400, "invalid_json"]);
    expect(await answer(t.app, { method: "POST", url: "/api/standards", headers: { ...json(), "content-length": "3" }, payload: '{"slug":"x"}' })).toEqual([400, "invalid_json"]);
    expect(await answer(t.app, { method: "POST", url: "/api/standards", headers: json(), payload: '{"slug":1}' })).toEqual([400, "invalid_request"]);
    expect(await answer(t.app, { method: "GET", url: "/api/me/activity?limit=lots", headers: admin.auth })).toEqual([400, "invalid_request"]);
    expect(await answer(t.app, { method: "POST", url: "/api/standards", headers: { ...admin.auth, "content-type": "application/xml" }, payload: "<x/>" })).toEqual([415, "unsupported_media_type"]);
    const big = `{"slug":"a","title":"${"x".repeat(t.config.limits.bodyBytes)}"}`;
    expect(await answer(t.app, { method: "POST", url: "/api/standards", headers: json(), payload: big })).toEqual([413, "body_too_large"]);
  });

  it("maps unknown routes and methods", async () => {
    expect(await answer(t.app, { method: "GET", url: "/api/no-such-thing" })).toEqual([404, "not_found"]);
    expect(await answer(t.app, { method: "DELETE", url: "/api/standards" })).toEqual([404, "not_found"]);
    expect(await answer(t.app, { method: "PROPFIND", url: "/api/standards" })).toEqual([404, "not_found"]);
  });

  it("answers the errors Fastify raises before routing with the same body, on the whole app", async () => {
    expect(await answer(t.app, { method: "GET", url: "/api/standards/%E0%A4%A" })).toEqual([400, "invalid_request"]);
  });

  it("maps the errors Fastify answers before routing, and other plugins' 4xx, by status", async () => {
    const app = Fastify({ frameworkErrors, logger: false });
    await app.register(errorsPlugin);
    app.get("/things/:id", async () => ({ ok: true }));
    app.get("/raise/:status", async (request) => {
      const status = Number((request.params as { status: string }).status);
      throw Object.assign(new Error("raised by a plugin"), { statusCode: status, code: status === 404 ? "FST_ERR_NOT_FOUND" : `FST_ERR_SOMETHING_${status}` });
    });
    await app.ready();
    try {
      expect(await answer(app, { method: "GET", url: "/things/%E0%A4%A" })).toEqual([400, "invalid_request"]);
      expect(await answer(app, { method: "GET", url: `/things/${"a".repeat(200)}` })).toEqual([414, "uri_too_long"]);
      expect(await answer(app, { method: "GET", url: "/raise/404" })).toEqual([404, "not_found"]);
      expect(await answer(app, { method: "GET", url: "/raise/400" })).toEqual([400, "invalid_request"]);
      expect(await answer(app, { method: "GET", url: "/raise/403" })).toEqual([403, "forbidden"]);
      expect(await answer(app, { method: "GET", url: "/raise/416" })).toEqual([416, "invalid_request"]);
      expect(await answer(app, { method: "GET", url: "/raise/429" })).toEqual([429, "rate_limited"]);
    } finally {
      await app.close();
    }
  });
});
