import type { TestApp } from "../helper";
import { EDITORS, EVERY_MEMBER, type MatrixEntry, type World } from "../security/roles";
import { RELEASE_BASE } from "../releases/matrix";

const HOUR = 3600_000;

/** A schedule whose input stage is open now and whose ballot follows. */
export function openSchedule(now = Date.now()) {
  return [
    { kind: "input", opensAt: new Date(now - HOUR).toISOString(), closesAt: new Date(now + HOUR).toISOString() },
    { kind: "ballot", opensAt: new Date(now + HOUR).toISOString(), closesAt: new Date(now + 2 * HOUR).toISOString() },
  ];
}

/** A schedule whose ballot is open now: its first round opens as the cycle is made. */
export function ballotSchedule(now = Date.now()) {
  return [{ kind: "ballot", opensAt: new Date(now - HOUR).toISOString(), closesAt: new Date(now + HOUR).toISOString() }];
}

/** A fresh active cycle of the world's standard (any earlier one is cancelled in the database first). */
async function freshCycle(t: TestApp, w: World, stages = openSchedule()): Promise<{ id: string; stageId: string }> {
  await t.db.updateTable("cycles").set({ state: "cancelled", ended_at: new Date(), cancel_reason: "matrix" }).where("state", "=", "active").execute();
  const res = await t.app.inject({
    method: "POST",
    url: `/api/standards/${w.standard.slug}/cycles`,
    headers: w.users.admin.auth,
    payload: { title: "Matrix cycle", baseVersion: await RELEASE_BASE(t, w), stages },
  });
  if (res.statusCode !== 201) throw new Error(`creating a cycle for the matrix failed: ${res.statusCode} ${res.body}`);
  const cycle = res.json().cycle;
  return { id: cycle.id, stageId: cycle.stages[0].id };
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * An open input by the world's contributor to a fresh cycle whose committee stage is the working
 * one now: made during the input stage, then the input stage is ended in the database and a read
 * settles the cycle, so that the request tried next settles nothing.
 */
async function inputInCommittee(t: TestApp, w: World): Promise<{ cycleId: string; id: string }> {
  const now = Date.now();
  const { id: cycleId } = await freshCycle(t, w, [
    { kind: "input", opensAt: iso(now - HOUR), closesAt: iso(now + HOUR) },
    { kind: "committee", opensAt: iso(now + HOUR), closesAt: iso(now + 2 * HOUR) },
    { kind: "ballot", opensAt: iso(now + 2 * HOUR), closesAt: iso(now + 3 * HOUR) },
  ]);
  const as = w.users.contributor.auth;
  const created = await t.app.inject({ method: "POST", url: `/api/standards/${w.standard.slug}/proposals`, headers: as, payload: { title: "Matrix input" } });
  const id = created.json().id as string;
  const submitted = await t.app.inject({ method: "POST", url: `/api/proposals/${id}/submit`, headers: as });
  if (submitted.statusCode !== 200) throw new Error(`submitting an input for the matrix failed: ${submitted.statusCode} ${submitted.body}`);
  await t.db.updateTable("cycle_stages").set({ closes_at: new Date(now - 1000) }).where("cycle_id", "=", cycleId).where("kind", "=", "input").execute();
  await t.db.updateTable("cycle_stages").set({ opens_at: new Date(now - 1000) }).where("cycle_id", "=", cycleId).where("kind", "=", "committee").execute();
  const cycle = await t.app.inject({ method: "GET", url: `/api/cycles/${cycleId}`, headers: w.users.admin.auth });
  if (cycle.json().cycle.currentStage !== "committee") throw new Error(`the matrix's cycle is not in committee: ${cycle.body}`);
  return { cycleId, id };
}

/** Authorization-matrix entries for the revision-cycle routes. */
export const CYCLE_MATRIX: Record<string, MatrixEntry> = {
  "POST /api/standards/:slug/cycles": {
    allowed: EDITORS,
    build: async (w, t) => {
      await t.db.updateTable("cycles").set({ state: "cancelled", ended_at: new Date(), cancel_reason: "matrix" }).where("state", "=", "active").execute();
      return { method: "POST", url: `/api/standards/${w.standard.slug}/cycles`, payload: { title: "Matrix", baseVersion: await RELEASE_BASE(t, w), stages: openSchedule() } };
    },
  },
  "GET /api/standards/:slug/calendar.ics": { allowed: EVERY_MEMBER, build: (w) => ({ method: "GET", url: `/api/standards/${w.standard.slug}/calendar.ics` }) },
  "GET /api/standards/:slug/cycles": { allowed: EVERY_MEMBER, build: (w) => ({ method: "GET", url: `/api/standards/${w.standard.slug}/cycles` }) },
  "GET /api/cycles/:id": { allowed: EVERY_MEMBER, build: async (w, t) => ({ method: "GET", url: `/api/cycles/${(await freshCycle(t, w)).id}` }) },
  "GET /api/cycles/:id/report": { allowed: EVERY_MEMBER, build: async (w, t) => ({ method: "GET", url: `/api/cycles/${(await freshCycle(t, w)).id}/report` }) },
  "GET /api/cycles/:id/report.html": { allowed: EVERY_MEMBER, build: async (w, t) => ({ method: "GET", url: `/api/cycles/${(await freshCycle(t, w)).id}/report.html` }) },
  "GET /api/cycles/:id/comments.csv": { allowed: EVERY_MEMBER, build: async (w, t) => ({ method: "GET", url: `/api/cycles/${(await freshCycle(t, w)).id}/comments.csv` }) },
  "GET /api/cycles/:id/report/signature": { allowed: EVERY_MEMBER, build: async (w, t) => ({ method: "GET", url: `/api/cycles/${(await freshCycle(t, w)).id}/report/signature` }) },
  "GET /api/schemas/cycle-report-v1.json": { site: true, allowed: "everyone", public: true, build: () => ({ method: "GET", url: "/api/schemas/cycle-report-v1.json" }) },
  "PATCH /api/cycles/:id/stages/:stageId": {
    allowed: EDITORS,
    build: async (w, t) => {
      const { id, stageId } = await freshCycle(t, w);
      return { method: "PATCH", url: `/api/cycles/${id}/stages/${stageId}`, payload: { closesAt: new Date(Date.now() + 30 * 60_000).toISOString(), reason: "matrix" } };
    },
  },
  "POST /api/cycles/:id/cancel": {
    allowed: EDITORS,
    build: async (w, t) => ({ method: "POST", url: `/api/cycles/${(await freshCycle(t, w)).id}/cancel`, payload: { reason: "matrix" } }),
  },
  "POST /api/cycles/:id/advance": { allowed: EDITORS, build: async (w, t) => ({ method: "POST", url: `/api/cycles/${(await freshCycle(t, w)).id}/advance` }) },
  "GET /api/cycles/:id/ballot": { allowed: EVERY_MEMBER, build: async (w, t) => ({ method: "GET", url: `/api/cycles/${(await freshCycle(t, w, ballotSchedule())).id}/ballot` }) },
  // Voters on the roster frozen when the round opened: the world's voting members (its disabled editor is left out).
  "PUT /api/cycles/:id/ballot": {
    allowed: ["voter", "editor"],
    build: async (w, t) => ({ method: "PUT", url: `/api/cycles/${(await freshCycle(t, w, ballotSchedule())).id}/ballot`, payload: { vote: "approve" } }),
  },
  "PUT /api/proposals/:id/committee-action": {
    allowed: EDITORS,
    build: async (w, t) => ({ method: "PUT", url: `/api/proposals/${(await inputInCommittee(t, w)).id}/committee-action`, payload: { action: "reject", statement: "matrix" } }),
  },
  "GET /api/proposals/:id/committee-action": {
    allowed: EVERY_MEMBER,
    build: async (w, t) => {
      const { id } = await inputInCommittee(t, w);
      const res = await t.app.inject({ method: "PUT", url: `/api/proposals/${id}/committee-action`, headers: w.users.editor.auth, payload: { action: "reject", statement: "matrix" } });
      if (res.statusCode !== 200) throw new Error(`a committee action for the matrix failed: ${res.statusCode} ${res.body}`);
      return { method: "GET", url: `/api/proposals/${id}/committee-action` };
    },
  },
  "PUT /api/cycles/:id/ballot/negatives/:userId": {
    allowed: EDITORS,
    build: async (w, t) => {
      const { id } = await freshCycle(t, w, ballotSchedule());
      const res = await t.app.inject({ method: "PUT", url: `/api/cycles/${id}/ballot`, headers: w.users.voter.auth, payload: { vote: "disapprove", reason: "matrix" } });
      if (res.statusCode !== 200) throw new Error(`a disapproval for the matrix failed: ${res.statusCode} ${res.body}`);
      return { method: "PUT", url: `/api/cycles/${id}/ballot/negatives/${w.users.voter.id}`, payload: { response: "matrix" } };
    },
  },
};
