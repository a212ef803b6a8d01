import { randomUUID } from "node:crypto";
import type { InjectOptions } from "fastify";
import type { TestApp } from "../helper";
import { unique } from "../helper";
import { EDITORS, EVERY_MEMBER, SIGNED_IN, worldSection, type MatrixEntry, type Role, type World } from "../security/roles";

// The world's contributor authors every proposal these entries make.
const AUTHOR: readonly Role[] = ["contributor"];

async function ok(t: TestApp, options: InjectOptions): Promise<any> {
  const res = await t.app.inject(options);
  if (res.statusCode >= 300) throw new Error(`${options.method} ${options.url}: ${res.statusCode} ${res.body}`);
  return res.json();
}

/** A proposal by the contributor, in `state`, with one section of the standard in its outline. */
async function proposal(t: TestApp, w: World, state: "draft" | "open" = "draft"): Promise<{ id: string; sectionId: string }> {
  const sectionId = await worldSection(t, w);
  const { id } = await ok(t, { method: "POST", url: `/api/standards/${w.standard.slug}/proposals`, headers: w.users.contributor.auth, payload: { title: "Change" } });
  if (state === "open") await ok(t, { method: "POST", url: `/api/proposals/${id}/submit`, headers: w.users.contributor.auth });
  return { id, sectionId };
}

async function thread(t: TestApp, w: World, state: "open" | "resolved" = "open"): Promise<string> {
  const sectionId = await worldSection(t, w);
  const created = await ok(t, {
    method: "POST",
    url: "/api/comments",
    headers: w.users.contributor.auth,
    payload: { target: { kind: "section", standard: w.standard.slug, section: sectionId }, body: "A comment." },
  });
  if (state === "resolved") await ok(t, { method: "POST", url: `/api/comments/${created.id}/resolve`, headers: w.users.contributor.auth });
  return created.id;
}

/**
 * Authorization-matrix entries for the revision workflow's routes, merged into the matrix.
 * The world's contributor authors every proposal; each build makes a fresh one in the state
 * the route needs, so every role meets the same situation.
 */
export const WORKFLOW_MATRIX: Record<string, MatrixEntry> = {
  "POST /api/standards/:slug/proposals": {
    allowed: EVERY_MEMBER,
    build: (w) => ({ method: "POST", url: `/api/standards/${w.standard.slug}/proposals`, payload: { title: "Matrix", rationale: "Why." } }),
  },
  "GET /api/standards/:slug/proposals": { allowed: EVERY_MEMBER, build: (w) => ({ method: "GET", url: `/api/standards/${w.standard.slug}/proposals` }) },
  "GET /api/proposals/:id": { allowed: EVERY_MEMBER, build: async (w, t) => ({ method: "GET", url: `/api/proposals/${(await proposal(t, w)).id}` }) },
  "PATCH /api/proposals/:id": {
    allowed: AUTHOR,
    build: async (w, t) => ({ method: "PATCH", url: `/api/proposals/${(await proposal(t, w)).id}`, payload: { title: "Retitled" } }),
  },
  "POST /api/proposals/:id/co-authors": {
    allowed: AUTHOR,
    build: async (w, t) => ({ method: "POST", url: `/api/proposals/${(await proposal(t, w)).id}/co-authors`, payload: { userId: w.users.voter.id } }),
  },
  "GET /api/proposals/:id/co-authors/candidates": {
    allowed: AUTHOR,
    build: async (w, t) => ({ method: "GET", url: `/api/proposals/${(await proposal(t, w)).id}/co-authors/candidates` }),
  },
  "DELETE /api/proposals/:id/co-authors/:userId": {
    allowed: AUTHOR,
    build: async (w, t) => {
      const { id } = await proposal(t, w);
      await ok(t, { method: "POST", url: `/api/proposals/${id}/co-authors`, headers: w.users.contributor.auth, payload: { userId: w.users.voter.id } });
      return { method: "DELETE", url: `/api/proposals/${id}/co-authors/${w.users.voter.id}` };
    },
  },
  "POST /api/proposals/:id/sections": {
    allowed: AUTHOR,
    build: async (w, t) => ({ method: "POST", url: `/api/proposals/${(await proposal(t, w)).id}/sections`, payload: { label: unique("P"), title: "Added" } }),
  },
  "PATCH /api/proposals/:id/sections/:sid": {
    allowed: AUTHOR,
    build: async (w, t) => {
      const p = await proposal(t, w);
      return { method: "PATCH", url: `/api/proposals/${p.id}/sections/${p.sectionId}`, payload: { title: "Retitled" } };
    },
  },
  "DELETE /api/proposals/:id/sections/:sid": {
    allowed: AUTHOR,
    build: async (w, t) => {
      const p = await proposal(t, w);
      return { method: "DELETE", url: `/api/proposals/${p.id}/sections/${p.sectionId}` };
    },
  },
  "POST /api/proposals/:id/sections/:sid/fork": {
    allowed: AUTHOR,
    build: async (w, t) => {
      const p = await proposal(t, w);
      return { method: "POST", url: `/api/proposals/${p.id}/sections/${p.sectionId}/fork` };
    },
  },
  "POST /api/proposals/:id/submit": { allowed: AUTHOR, build: async (w, t) => ({ method: "POST", url: `/api/proposals/${(await proposal(t, w)).id}/submit` }) },
  "POST /api/proposals/:id/reopen": { allowed: AUTHOR, build: async (w, t) => ({ method: "POST", url: `/api/proposals/${(await proposal(t, w, "open")).id}/reopen` }) },
  "POST /api/proposals/:id/withdraw": { allowed: AUTHOR, build: async (w, t) => ({ method: "POST", url: `/api/proposals/${(await proposal(t, w)).id}/withdraw` }) },
  "POST /api/proposals/:id/accept": {
    allowed: EDITORS,
    build: async (w, t) => ({ method: "POST", url: `/api/proposals/${(await proposal(t, w, "open")).id}/accept`, payload: { note: "Accepted without votes." } }),
  },
  "POST /api/proposals/:id/reject": {
    allowed: EDITORS,
    build: async (w, t) => ({ method: "POST", url: `/api/proposals/${(await proposal(t, w, "open")).id}/reject`, payload: { reason: "Out of scope." } }),
  },
  "PUT /api/proposals/:id/vote": {
    allowed: ["voter", "editor"],
    build: async (w, t) => ({ method: "PUT", url: `/api/proposals/${(await proposal(t, w, "open")).id}/vote`, payload: { vote: "approve" } }),
  },
  "GET /api/proposals/:id/diff": { allowed: EVERY_MEMBER, build: async (w, t) => ({ method: "GET", url: `/api/proposals/${(await proposal(t, w)).id}/diff` }) },
  "GET /api/proposals/:id/preview": { allowed: EVERY_MEMBER, build: async (w, t) => ({ method: "GET", url: `/api/proposals/${(await proposal(t, w)).id}/preview` }) },
  "POST /api/comments": {
    allowed: EVERY_MEMBER,
    build: async (w, t) => ({ method: "POST", url: "/api/comments", payload: { target: { kind: "section", standard: w.standard.slug, section: await worldSection(t, w) }, body: "Hello." } }),
  },
  "GET /api/comments": { allowed: EVERY_MEMBER, build: (w) => ({ method: "GET", url: `/api/comments?standard=${w.standard.slug}` }) },
  "POST /api/comments/:id/replies": {
    allowed: EVERY_MEMBER,
    build: async (w, t) => ({ method: "POST", url: `/api/comments/${await thread(t, w)}/replies`, payload: { body: "A reply." } }),
  },
  "POST /api/comments/:id/resolve": {
    allowed: ["contributor", ...EDITORS],
    build: async (w, t) => ({ method: "POST", url: `/api/comments/${await thread(t, w)}/resolve` }),
  },
  "POST /api/comments/:id/reopen": {
    allowed: ["contributor", ...EDITORS],
    build: async (w, t) => ({ method: "POST", url: `/api/comments/${await thread(t, w, "resolved")}/reopen` }),
  },
  "PUT /api/comments/:id/disposition": {
    allowed: EDITORS,
    build: async (w, t) => {
      // A public comment on a release, stored directly: publishing a release is not what is tested here.
      const id = randomUUID();
      await t.db
        .insertInto("comment_threads")
        .values({ id, standard_id: w.standard.id, target_kind: "release_section", release_version: "1.0.0", section_id: null, proposal_id: null, author_id: w.users.nonMember.id, body: "Public.", anchor: null })
        .execute();
      return { method: "PUT", url: `/api/comments/${id}/disposition`, payload: { disposition: "noted", response: "Thank you." } };
    },
  },
  "GET /api/me/activity": { site: true, allowed: SIGNED_IN, build: () => ({ method: "GET", url: "/api/me/activity" }) },
  "GET /api/me/activity/stream": { site: true, allowed: SIGNED_IN, build: () => ({ method: "GET", url: "/api/me/activity/stream?wait=0" }) },
};
