import type { TestApp } from "../helper";
import { unique } from "../helper";
import { EDITORS, EVERY_MEMBER, type MatrixEntry, type World } from "../security/roles";

// One release per world, published by the admin the first time a route needs one.
const published = new WeakMap<World, Promise<string>>();
function release(t: TestApp, w: World): Promise<string> {
  let version = published.get(w);
  if (!version) {
    version = (async () => {
      const res = await t.app.inject({ method: "POST", url: `/api/standards/${w.standard.slug}/releases`, headers: w.users.admin.auth, payload: { version: "1.0.0" } });
      if (res.statusCode !== 201) throw new Error(`publishing for the matrix failed: ${res.statusCode} ${res.body}`);
      return "1.0.0";
    })();
    published.set(w, version);
  }
  return version;
}

/** The version of the world's one release, published the first time it is asked for. */
export const RELEASE_BASE = release;

const read = (suffix: string): MatrixEntry => ({
  allowed: EVERY_MEMBER,
  build: async (w, t) => ({ method: "GET", url: `/api/standards/${w.standard.slug}/releases/${await release(t, w)}${suffix}` }),
});

/**
 * Authorization-matrix entries for the release routes, merged into the matrix. The world's
 * standard is members-only, so reading its releases is a right of its members (and admins).
 */
export const RELEASE_MATRIX: Record<string, MatrixEntry> = {
  "GET /api/schemas/release-v1.json": { site: true, allowed: "everyone", public: true, build: () => ({ method: "GET", url: "/api/schemas/release-v1.json" }) },
  "GET /api/schemas/release-v2.json": { site: true, allowed: "everyone", public: true, build: () => ({ method: "GET", url: "/api/schemas/release-v2.json" }) },
  "GET /api/keys": { site: true, allowed: "everyone", public: true, build: () => ({ method: "GET", url: "/api/keys" }) },
  "POST /api/standards/:slug/releases": {
    allowed: EDITORS,
    build: (w) => ({ method: "POST", url: `/api/standards/${w.standard.slug}/releases`, payload: { version: unique("r"), notes: "matrix" } }),
  },
  "GET /api/standards/:slug/releases": { allowed: EVERY_MEMBER, build: (w) => ({ method: "GET", url: `/api/standards/${w.standard.slug}/releases` }) },
  "GET /api/standards/:slug/releases.atom": { allowed: EVERY_MEMBER, build: (w) => ({ method: "GET", url: `/api/standards/${w.standard.slug}/releases.atom` }) },
  "GET /api/standards/:slug/releases/:version": read(""),
  "GET /api/standards/:slug/releases/:version/signature": read("/signature"),
  "GET /api/standards/:slug/releases/:version/markdown": read("/markdown"),
  "GET /api/standards/:slug/releases/:version/html": read("/html"),
  "GET /api/standards/:slug/releases/:version/oscal": read("/oscal"),
  "GET /api/standards/:slug/diff": {
    allowed: EVERY_MEMBER,
    build: async (w, t) => ({ method: "GET", url: `/api/standards/${w.standard.slug}/diff?from=${await release(t, w)}&to=draft` }),
  },
  "GET /api/standards/:slug/diff.html": {
    allowed: EVERY_MEMBER,
    build: async (w, t) => ({ method: "GET", url: `/api/standards/${w.standard.slug}/diff.html?from=${await release(t, w)}&to=draft` }),
  },
};
