import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseKinds, makeUser, snapshotTables, startTestApp, TestClock, type TestApp } from "../helper";
import { buildWorkflowWorld, type WorkflowWorld } from "../workflow/fixture";

const HOUR = 3600_000;
const START = Date.UTC(2027, 2, 1, 9, 0, 0);

/** Windows one after another from `from`, each `hours` long. */
function windows(kinds: string[], from: number, hours = 1) {
  return kinds.map((kind, i) => ({ kind, opensAt: new Date(from + i * hours * HOUR).toISOString(), closesAt: new Date(from + (i + 1) * hours * HOUR).toISOString() }));
}
const ALL = ["input", "committee", "comment", "resolution", "ballot", "publication"];

describe.each(databaseKinds)("revision cycles and their schedule on %s", (kind) => {
  let t: TestApp;
  const clock = new TestClock(START);
  beforeAll(async () => {
    t = await startTestApp(kind, {}, { clock });
  });
  afterAll(async () => t?.close());

  async function world(): Promise<WorkflowWorld> {
    clock.set(START);
    const w = await buildWorkflowWorld(t, { isPublic: true });
    await w.ok(w.users.editor, "POST", `/api/standards/${w.standard.slug}/releases`, { version: "1.0.0" });
    return w;
  }
  const create = (w: WorkflowWorld, stages = windows(ALL, START + HOUR), user = w.users.editor) =>
    w.call(user, "POST", `/api/standards/${w.standard.slug}/cycles`, { title: "Edition 2", baseVersion: "1.0.0", stages });

  it("creates a cycle from a release, with every stage upcoming, visible to readers", async () => {
    const w = await world();
    const res = await create(w);
    expect(res.status).toBe(201);
    const cycle = res.body.cycle;
    expect(cycle).toMatchObject({ title: "Edition 2", baseVersion: "1.0.0", state: "active", timeZone: "UTC", currentStage: null, blockers: [] });
    expect(cycle.stages.map((s: { kind: string; state: string }) => [s.kind, s.state])).toEqual(ALL.map((k) => [k, "upcoming"]));
    const anonymous = await w.call(null, "GET", `/api/cycles/${cycle.id}`);
    expect(anonymous.status).toBe(200);
    expect((await w.call(null, "GET", `/api/standards/${w.standard.slug}/cycles`)).body.cycles.map((c: { id: string }) => c.id)).toEqual([cycle.id]);
  });

  it("refuses schedules out of order, overlapping, inverted or without a ballot, naming the stage, and stores nothing", async () => {
    const w = await world();
    const before = await snapshotTables(t.db);
    const cases: [unknown[], RegExp][] = [
      [windows(["committee", "input", "ballot"], START), /input stage comes before the committee/],
      [[...windows(["input"], START, 2), ...windows(["ballot"], START + HOUR)], /ballot stage opens before the input stage closes/],
      [windows(["input", "comment"], START), /needs a ballot stage/],
      [[{ kind: "ballot", opensAt: new Date(START + HOUR).toISOString(), closesAt: new Date(START).toISOString() }], /ballot stage closes before it opens/],
      [windows(["ballot", "ballot"], START), /ballot stage is given twice/],
    ];
    for (const [stages, message] of cases) {
      const res = await create(w, stages as ReturnType<typeof windows>);
      expect(res.status, JSON.stringify(stages)).toBe(400);
      expect(res.body.error.code).toBe("invalid_schedule");
      expect(res.body.error.message).toMatch(message);
    }
    expect((await create(w, windows(["ballot"], START), w.users.voter)).status).toBe(403);
    expect((await w.call(w.users.editor, "POST", `/api/standards/${w.standard.slug}/cycles`, { title: "X", baseVersion: "9.9.9", stages: windows(["ballot"], START) })).status).toBe(404);
    expect(await snapshotTables(t.db)).toBe(before);
  });

  it("allows one active cycle per standard, and another once it is cancelled", async () => {
    const w = await world();
    const first = (await create(w)).body.cycle;
    const second = await create(w);
    expect(second.status).toBe(409);
    expect(second.body.error.code).toBe("cycle_active");
    const both = await Promise.all([create(w), create(w)]);
    expect(both.map((r) => r.status)).toEqual([409, 409]);
    expect((await w.call(w.users.editor, "POST", `/api/cycles/${first.id}/cancel`, { reason: "" })).status).toBe(400);
    const cancelled = await w.ok(w.users.editor, "POST", `/api/cycles/${first.id}/cancel`, { reason: "Started too early." });
    expect(cancelled.cycle).toMatchObject({ state: "cancelled", cancelReason: "Started too early.", currentStage: null });
    expect((await create(w)).status).toBe(201);
  });

  it("opens and closes stages by the clock, to the millisecond", async () => {
    const w = await world();
    const cycle = (await create(w, windows(["input", "ballot"], START + HOUR))).body.cycle;
    const read = async () => (await w.ok(null, "GET", `/api/cycles/${cycle.id}`)).cycle;
    const states = async () => (await read()).stages.map((s: { state: string }) => s.state);

    clock.set(START + HOUR - 1);
    expect(await states()).toEqual(["upcoming", "upcoming"]);
    clock.set(START + HOUR);
    expect(await states()).toEqual(["open", "upcoming"]);
    expect((await read()).currentStage).toBe("input");
    clock.set(START + 2 * HOUR - 1);
    expect(await states()).toEqual(["open", "upcoming"]);
    clock.set(START + 2 * HOUR);
    const after = await read();
    expect(after.stages.map((s: { state: string }) => s.state)).toEqual(["closed", "open"]);
    // Closed at the end of its window, however late it was noticed.
    expect(after.stages[0].closedAt).toBe(new Date(START + 2 * HOUR).toISOString());
  });

  it("keeps a stage blocked while the committee owes an action, and says what blocks it", async () => {
    const w = await world();
    const cycle = (await create(w, windows(["input", "committee", "ballot"], START + HOUR))).body.cycle;
    // An input submitted to the cycle during its input stage.
    clock.set(START + HOUR);
    const input = await w.propose("An input");
    await w.ok(w.users.author, "POST", `/api/proposals/${input}/submit`);

    clock.set(START + 3 * HOUR);
    const blocked = (await w.ok(null, "GET", `/api/cycles/${cycle.id}`)).cycle;
    expect(blocked.stages.map((s: { state: string }) => s.state)).toEqual(["closed", "closed", "blocked"]);
    expect(blocked.currentStage).toBe("ballot");
    expect(blocked.blockers).toEqual([{ kind: "input-without-action", message: "“An input” has no committee action yet.", target: { kind: "proposal", id: input } }]);
    expect(blocked.counts.inputsByAction).toEqual({ accept: 0, "accept-as-modified": 0, reject: 0, none: 1 });

    const before = await snapshotTables(t.db);
    const advance = await w.call(w.users.editor, "POST", `/api/cycles/${cycle.id}/advance`);
    expect(advance.status).toBe(409);
    expect(advance.body.error.code).toBe("stage_requirements_unmet");
    expect(advance.body.error.details.blockers).toEqual(blocked.blockers);
    expect(await snapshotTables(t.db)).toBe(before);

    await t.db
      .insertInto("committee_actions")
      .values({ proposal_id: input, cycle_id: cycle.id, action: "reject", statement: "Out of scope.", tally: "{}", votes: "[]", acted_by: w.users.editor.id })
      .execute();
    const opened = (await w.ok(null, "GET", `/api/cycles/${cycle.id}`)).cycle;
    expect(opened.stages.map((s: { state: string }) => s.state)).toEqual(["closed", "closed", "open"]);
    expect(opened.blockers).toEqual([{ kind: "ballot-open", message: "Ballot round 1 is still open.", target: { kind: "cycle", id: cycle.id } }]);
  });

  it("closes the open stage early once, however many editors advance at once", async () => {
    const w = await world();
    const cycle = (await create(w, windows(["input", "ballot"], START))).body.cycle;
    clock.set(START + 10 * 60_000);
    const results = await Promise.all([1, 2, 3].map(() => w.call(w.users.editor, "POST", `/api/cycles/${cycle.id}/advance`)));
    expect(results.map((r) => r.status).sort()).toEqual([200, 409, 409]);
    expect(results.filter((r) => r.status === 409).every((r) => r.body.error.code === "stage_closed")).toBe(true);
    const after = (await w.ok(null, "GET", `/api/cycles/${cycle.id}`)).cycle;
    expect(after.stages.map((s: { state: string }) => s.state)).toEqual(["closed", "upcoming"]);
    expect(after.stages[0].closedAt).toBe(new Date(START + 10 * 60_000).toISOString());
    const advances = await t.db.selectFrom("audit_log").select("id").where("subject_id", "=", cycle.id).where("action", "=", "cycle.advance").execute();
    expect(advances).toHaveLength(1);
    expect((await w.call(w.users.voter, "POST", `/api/cycles/${cycle.id}/advance`)).status).toBe(403);
  });

  it("moves a window with its reason on record, and never a closed one", async () => {
    const w = await world();
    const stages = [...windows(["input"], START), ...windows(["committee", "ballot"], START + 2 * HOUR)];
    const cycle = (await create(w, stages)).body.cycle;
    const [input, committee] = cycle.stages;
    clock.set(START + 30 * 60_000);
    const extended = await w.ok(w.users.editor, "PATCH", `/api/cycles/${cycle.id}/stages/${input.id}`, { closesAt: new Date(START + 90 * 60_000).toISOString(), reason: "Requests for more time." });
    expect(extended.cycle.stages[0].closesAt).toBe(new Date(START + 90 * 60_000).toISOString());
    expect(extended.cycle.windowChanges).toEqual([
      {
        stage: "input",
        at: expect.any(String),
        by: expect.objectContaining({ id: w.users.editor.id }),
        reason: "Requests for more time.",
        from: { opensAt: input.opensAt, closesAt: input.closesAt },
        to: { opensAt: input.opensAt, closesAt: new Date(START + 90 * 60_000).toISOString() },
      },
    ]);
    const before = await snapshotTables(t.db);
    const overlap = await w.call(w.users.editor, "PATCH", `/api/cycles/${cycle.id}/stages/${input.id}`, { closesAt: new Date(START + 3 * HOUR).toISOString(), reason: "Longer." });
    expect(overlap.status).toBe(400);
    expect(overlap.body.error.message).toMatch(/committee stage opens before the input stage closes/);
    const moveOpen = await w.call(w.users.editor, "PATCH", `/api/cycles/${cycle.id}/stages/${input.id}`, { opensAt: new Date(START + 10 * 60_000).toISOString(), reason: "Later." });
    expect(moveOpen.status).toBe(400);
    expect((await w.call(w.users.voter, "PATCH", `/api/cycles/${cycle.id}/stages/${committee.id}`, { closesAt: committee.closesAt, reason: "Mine." })).status).toBe(403);
    expect(await snapshotTables(t.db)).toBe(before);

    clock.set(START + 2 * HOUR);
    const closed = await w.call(w.users.editor, "PATCH", `/api/cycles/${cycle.id}/stages/${input.id}`, { closesAt: new Date(START + 100 * 60_000).toISOString(), reason: "Too late." });
    expect(closed.status).toBe(409);
    expect(closed.body.error.code).toBe("stage_closed");
  });

  it("hides the cycles of a members-only standard from outsiders", async () => {
    clock.set(START);
    const w = await buildWorkflowWorld(t, { isPublic: false });
    await w.ok(w.users.editor, "POST", `/api/standards/${w.standard.slug}/releases`, { version: "1.0.0" });
    const cycle = (await create(w)).body.cycle;
    const outsider = await makeUser(t.db);
    for (const user of [null, outsider]) {
      expect((await w.call(user, "GET", `/api/cycles/${cycle.id}`)).status).toBe(404);
      expect((await w.call(user, "GET", `/api/standards/${w.standard.slug}/cycles`)).status).toBe(404);
      expect((await w.call(user, "POST", `/api/cycles/${cycle.id}/advance`)).status).toBe(user ? 404 : 404);
    }
    expect((await w.call(w.users.contributor, "GET", `/api/cycles/${cycle.id}`)).status).toBe(200);
  });
});
