import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addMember, databaseKinds, makeUser, snapshotTables, startTestApp, TestClock, testConfig, type TestApp, type TestUser } from "../helper";
import { buildWorkflowWorld, editRoom, textOf, type WorkflowWorld } from "../workflow/fixture";
import { lastRoundPassed } from "../../src/domain/cycles/ballot/rounds";

const HOUR = 3600_000;
const DAY = 24 * HOUR;
const START = Date.UTC(2027, 2, 1, 9, 0, 0);
/** The ballot's planned window, and publication's after it (long, so it is still open after recirculations). */
const BALLOT_OPENS = START + HOUR;
const BALLOT_CLOSES = START + 2 * HOUR;
const iso = (ms: number) => new Date(ms).toISOString();

describe.each(databaseKinds)("the ballot of a revision cycle on %s", (kind) => {
  let t: TestApp;
  const clock = new TestClock(START);
  beforeAll(async () => {
    // No settling worker on a timer: it would settle earlier tests' cycles to the moved clock
    // between a snapshot and the refusal it checks. Every request settles its own cycle.
    t = await startTestApp(kind, { background: { ...testConfig().background, pollMs: 0 } }, { clock });
  });
  afterAll(async () => t?.close());

  interface Setup {
    w: WorkflowWorld;
    id: string;
    read(user?: TestUser | null): Promise<any>;
    vote(user: TestUser | null, vote: string, reason?: string): Promise<{ status: number; body: any }>;
    respond(user: TestUser | null, voter: TestUser, response: string): Promise<{ status: number; body: any }>;
    cycle(): Promise<any>;
  }

  /**
   * A standard with three voting members (voter, voter2, editor), released as 1.0.0, and a cycle
   * of a ballot then a publication stage; the clock at START, before the ballot.
   */
  async function setup(opts: { isPublic?: boolean } = {}): Promise<Setup> {
    clock.set(START);
    const w = await buildWorkflowWorld(t, { isPublic: opts.isPublic ?? true });
    await w.ok(w.users.editor, "POST", `/api/standards/${w.standard.slug}/releases`, { version: "1.0.0" });
    const stages = [
      { kind: "ballot", opensAt: iso(BALLOT_OPENS), closesAt: iso(BALLOT_CLOSES) },
      { kind: "publication", opensAt: iso(BALLOT_CLOSES), closesAt: iso(BALLOT_CLOSES + 90 * DAY) },
    ];
    const id = (await w.ok(w.users.editor, "POST", `/api/standards/${w.standard.slug}/cycles`, { title: "Edition 2", baseVersion: "1.0.0", stages })).cycle.id as string;
    return {
      w,
      id,
      read: async (user = null) => w.ok(user, "GET", `/api/cycles/${id}/ballot`),
      vote: (user, vote, reason) => w.call(user, "PUT", `/api/cycles/${id}/ballot`, reason === undefined ? { vote } : { vote, reason }),
      respond: (user, voter, response) => w.call(user, "PUT", `/api/cycles/${id}/ballot/negatives/${voter.id}`, { response }),
      cycle: async () => (await w.ok(null, "GET", `/api/cycles/${id}`)).cycle,
    };
  }

  /** Runs `refused`, expects its status and code, and that nothing stored changed (the cycle settled to the clock first). */
  async function refusedUnchanged(s: Setup, refused: () => Promise<{ status: number; body: any }>, status: number, code: string) {
    await s.read(s.w.users.editor);
    const before = await snapshotTables(t.db);
    const res = await refused();
    expect(res.status, JSON.stringify(res.body)).toBe(status);
    expect(res.body.error.code).toBe(code);
    expect(await snapshotTables(t.db)).toBe(before);
    return res;
  }

  const stageStates = async (s: Setup) => (await s.cycle()).stages.map((st: { kind: string; state: string }) => `${st.kind}:${st.state}`);

  it("opens round 1 with the stage, its roster frozen: a voting member added later may not vote", async () => {
    const s = await setup();
    const { users } = s.w;
    const early = await refusedUnchanged(s, () => s.vote(users.voter, "approve"), 409, "stage_closed");
    expect(early.body.error.message).toMatch(/ballot of “Edition 2” is upcoming: its window is 1 Mar 2027, 10:00:00 \(UTC\) to 1 Mar 2027, 11:00:00 \(UTC\)/);
    await t.db.updateTable("standards").set({ time_zone: "Europe/Paris" }).where("id", "=", s.w.standard.id).execute();
    const zoned = await refusedUnchanged(s, () => s.vote(users.voter, "approve"), 409, "stage_closed");
    expect(zoned.body.error.message).toMatch(/its window is 1 Mar 2027, 11:00:00 \(Europe\/Paris\) to 1 Mar 2027, 12:00:00 \(Europe\/Paris\)/);
    expect((await s.read()).rounds).toEqual([]);
    expect((await s.read()).roster).toMatchObject({ size: 3 });

    clock.set(BALLOT_OPENS);
    const ballot = await s.read();
    expect(ballot.rounds).toHaveLength(1);
    expect(ballot.rounds[0]).toMatchObject({ round: 1, kind: "ballot", state: "open", opensAt: iso(BALLOT_OPENS), closesAt: iso(BALLOT_CLOSES), result: null, votes: [] });
    expect(ballot.rounds[0].tally).toMatchObject({ approve: 0, disapprove: 0, abstain: 0, roster: 3, threshold: 2 / 3, quorum: 0.5, negativeLimit: null, passes: false });
    expect(await stageStates(s)).toEqual(["ballot:open", "publication:upcoming"]);

    const late = await makeUser(t.db, { name: "Late voter" });
    await addMember(t.app, s.w.standard, late, "contributor", true);
    const refused = await refusedUnchanged(s, () => s.vote(late, "approve"), 403, "forbidden");
    expect(refused.body.error.message).toMatch(/roster was frozen when the ballot opened/);
    await refusedUnchanged(s, () => s.vote(users.contributor, "approve"), 403, "forbidden");
    await refusedUnchanged(s, () => s.vote(users.nonMember, "approve"), 403, "forbidden");
    await refusedUnchanged(s, () => s.vote(null, "approve"), 401, "unauthenticated");
    // A voter on the roster who lost their voting right since still votes: the roster is frozen.
    await addMember(t.app, s.w.standard, users.voter2, "contributor", false);
    expect((await s.vote(users.voter2, "approve")).status).toBe(200);
    expect((await s.read()).roster.size).toBe(3);
    // An unverified address may not vote.
    await t.db.updateTable("users").set({ email_verified_at: null }).where("id", "=", users.voter.id).execute();
    await refusedUnchanged(s, () => s.vote(users.voter, "approve"), 403, "email_unverified");
  });

  it("takes votes and changes of vote until the last millisecond of the window, then closes as final and opens the next stage", async () => {
    const s = await setup();
    const { users } = s.w;
    clock.set(BALLOT_OPENS);
    expect((await s.vote(users.voter, "approve")).status).toBe(200);
    await refusedUnchanged(s, () => s.vote(users.voter, "disapprove"), 400, "reason_required");
    await refusedUnchanged(s, () => s.vote(users.voter, "disapprove", "   "), 400, "reason_required");
    const changed = await s.w.ok(users.voter, "PUT", `/api/cycles/${s.id}/ballot`, { vote: "disapprove", reason: "Clause 2 contradicts clause 1." });
    expect(changed.rounds[0].votes).toEqual([
      {
        user: { id: users.voter.id, displayName: "Voter", affiliation: null },
        affiliation: null,
        interestCategory: null,
        vote: "disapprove",
        reason: "Clause 2 contradicts clause 1.",
        castAt: iso(BALLOT_OPENS),
        response: null,
        respondedAt: null,
      },
    ]);
    expect(changed.rounds[0].tally).toMatchObject({ approve: 0, disapprove: 1 });
    clock.set(BALLOT_OPENS + 1000);
    await s.w.ok(users.voter, "PUT", `/api/cycles/${s.id}/ballot`, { vote: "approve" });
    await s.vote(users.editor, "abstain");
    clock.set(BALLOT_CLOSES - 1);
    expect((await s.vote(users.voter2, "approve")).status).toBe(200);
    const open = await s.read();
    expect(open.rounds[0].tally).toMatchObject({ approve: 2, disapprove: 0, abstain: 1, roster: 3, ratio: 1, returned: 1, negativeShare: 0, passes: true });
    expect(open.rounds[0].votes.map((v: { user: { displayName: string }; vote: string }) => [v.user.displayName, v.vote])).toEqual([
      ["Editor", "abstain"],
      ["Second voter", "approve"],
      ["Voter", "approve"],
    ]);
    expect(await lastRoundPassed(t.db, s.id)).toBe(false);

    clock.set(BALLOT_CLOSES);
    const closed = await refusedUnchanged(s, () => s.vote(users.voter2, "disapprove", "Second thoughts."), 409, "stage_closed");
    expect(closed.body.error.message).toMatch(/Ballot round 1 of “Edition 2” is closed: its window was 1 Mar 2027, 10:00:00 \(UTC\) to 1 Mar 2027, 11:00:00 \(UTC\)/);
    const ballot = await s.read();
    expect(ballot.rounds).toHaveLength(1);
    expect(ballot.rounds[0]).toMatchObject({ state: "closed", result: { passed: true, final: true, textChanged: false, unansweredNegatives: 0 } });
    const cycle = await s.cycle();
    expect(cycle.stages.map((st: { state: string }) => st.state)).toEqual(["closed", "open"]);
    expect(cycle.stages[0].closedAt).toBe(iso(BALLOT_CLOSES));
    expect(cycle.blockers).toEqual([]);
    expect(await lastRoundPassed(t.db, s.id)).toBe(true);
  });

  it("follows a round that fails on quorum with a recirculation, then one that passes with an unanswered negative with another, until answered it is final", async () => {
    const s = await setup();
    const { users } = s.w;
    clock.set(BALLOT_OPENS);
    await s.w.ok(users.voter, "PUT", `/api/cycles/${s.id}/ballot`, { vote: "approve" });

    // Round 1: one ballot of three returned, under the quorum of one half.
    clock.set(BALLOT_CLOSES);
    let ballot = await s.read();
    expect(ballot.rounds.map((r: { round: number; kind: string; state: string }) => [r.round, r.kind, r.state])).toEqual([
      [1, "ballot", "closed"],
      [2, "recirculation", "open"],
    ]);
    expect(ballot.rounds[0].result).toEqual({ passed: false, final: false, textChanged: false, unansweredNegatives: 0, unsatisfiedComments: 0 });
    expect(ballot.rounds[0].tally).toMatchObject({ approve: 1, returned: 1 / 3, passes: false });
    expect(ballot.rounds[1]).toMatchObject({ opensAt: iso(BALLOT_CLOSES), closesAt: iso(BALLOT_CLOSES + 14 * DAY), result: null });
    // Every vote is carried into the recirculation.
    expect(ballot.rounds[1].votes.map((v: { user: { id: string }; vote: string }) => [v.user.id, v.vote])).toEqual([[users.voter.id, "approve"]]);
    const blocked = await s.cycle();
    expect(blocked.stages.map((st: { state: string }) => st.state)).toEqual(["open", "blocked"]);
    expect(blocked.blockers).toEqual([{ kind: "ballot-open", message: "Ballot round 2 is still open.", target: { kind: "cycle", id: s.id } }]);
    expect(await lastRoundPassed(t.db, s.id)).toBe(false);

    // Round 2: it passes with a disapproval nobody answered.
    clock.set(BALLOT_CLOSES + DAY);
    await s.w.ok(users.voter2, "PUT", `/api/cycles/${s.id}/ballot`, { vote: "disapprove", reason: "The scope is too wide." });
    await s.w.ok(users.editor, "PUT", `/api/cycles/${s.id}/ballot`, { vote: "approve" });
    clock.set(BALLOT_CLOSES + 14 * DAY);
    ballot = await s.read();
    expect(ballot.rounds).toHaveLength(3);
    expect(ballot.rounds[1].result).toEqual({ passed: true, final: false, textChanged: false, unansweredNegatives: 1, unsatisfiedComments: 0 });
    expect(ballot.rounds[2]).toMatchObject({ round: 3, kind: "recirculation", state: "open", opensAt: iso(BALLOT_CLOSES + 14 * DAY), closesAt: iso(BALLOT_CLOSES + 28 * DAY) });
    expect(await stageStates(s)).toEqual(["ballot:open", "publication:blocked"]);

    // The editors answer the negative; others may not, and only a disapproval on the open round has one.
    await refusedUnchanged(s, () => s.respond(users.voter, users.voter2, "No."), 403, "forbidden");
    await refusedUnchanged(s, () => s.respond(null, users.voter2, "No."), 401, "unauthenticated");
    await refusedUnchanged(s, () => s.respond(users.editor, users.voter, "Nothing to answer."), 404, "not_found");
    await refusedUnchanged(s, () => s.respond(users.editor, users.voter2, "  "), 400, "response_required");
    clock.set(BALLOT_CLOSES + 15 * DAY);
    const answered = await s.w.ok(users.editor, "PUT", `/api/cycles/${s.id}/ballot/negatives/${users.voter2.id}`, { response: "The scope follows the charter; see clause 1." });
    const negative = answered.rounds[2].votes.find((v: { user: { id: string } }) => v.user.id === users.voter2.id);
    expect(negative).toMatchObject({ vote: "disapprove", reason: "The scope is too wide.", response: "The scope follows the charter; see clause 1.", respondedAt: iso(BALLOT_CLOSES + 15 * DAY) });
    // The earlier round keeps its record: no response there.
    expect(answered.rounds[1].votes.find((v: { user: { id: string } }) => v.user.id === users.voter2.id).response).toBeNull();
    // The voter keeps the negative (the response stays with it); changing the reason would need a new answer.
    await s.w.ok(users.voter2, "PUT", `/api/cycles/${s.id}/ballot`, { vote: "disapprove", reason: "The scope is too wide." });
    expect((await s.read()).rounds[2].votes.find((v: { user: { id: string } }) => v.user.id === users.voter2.id).response).toBe("The scope follows the charter; see clause 1.");

    clock.set(BALLOT_CLOSES + 28 * DAY - 1);
    expect(await stageStates(s)).toEqual(["ballot:open", "publication:blocked"]);
    clock.set(BALLOT_CLOSES + 28 * DAY);
    ballot = await s.read();
    expect(ballot.rounds).toHaveLength(3);
    expect(ballot.rounds[2]).toMatchObject({ state: "closed", result: { passed: true, final: true, textChanged: false, unansweredNegatives: 0 } });
    expect(ballot.rounds[2].tally).toMatchObject({ approve: 2, disapprove: 1, abstain: 0, ratio: 2 / 3, passes: true });
    const cycle = await s.cycle();
    expect(cycle.stages.map((st: { state: string }) => st.state)).toEqual(["closed", "open"]);
    expect(cycle.currentStage).toBe("publication");
    // The ballot stage closed when its final round did, past its planned window.
    expect(cycle.stages[0].closedAt).toBe(iso(BALLOT_CLOSES + 28 * DAY));
    expect(await lastRoundPassed(t.db, s.id)).toBe(true);
    await refusedUnchanged(s, () => s.respond(users.editor, users.voter2, "Late."), 409, "stage_closed");
    const audit = await t.db.selectFrom("audit_log").select(["action", "to_state"]).where("subject_id", "=", s.id).where("action", "like", "ballot.round_%").orderBy("id").execute();
    expect(audit.map((a) => `${a.action}:${a.to_state}`)).toEqual([
      "ballot.round_open:open",
      "ballot.round_close:failed",
      "ballot.round_open:open",
      "ballot.round_close:passed",
      "ballot.round_open:open",
      "ballot.round_close:final",
    ]);
  });

  it("recirculates a round during which the draft's text changed, and not for an edit undone", async () => {
    const s = await setup();
    const { users } = s.w;
    clock.set(BALLOT_OPENS);
    for (const voter of [users.voter, users.voter2, users.editor]) await s.w.ok(voter, "PUT", `/api/cycles/${s.id}/ballot`, { vote: "approve" });
    await editRoom(t.db, s.w.sections.a.room, users.editor.id, (body) => textOf(body, 0).insert(0, "[Editorial] "));
    clock.set(BALLOT_CLOSES);
    let ballot = await s.read();
    expect(ballot.rounds[0].result).toEqual({ passed: true, final: false, textChanged: true, unansweredNegatives: 0, unsatisfiedComments: 0 });
    expect(ballot.rounds[1]).toMatchObject({ round: 2, state: "open" });
    expect(ballot.rounds[1].tally).toMatchObject({ approve: 3, passes: true });

    // In round 2 the text changes and changes back: the same text is no change.
    clock.set(BALLOT_CLOSES + DAY);
    await editRoom(t.db, s.w.sections.b.room, users.editor.id, (body) => textOf(body, 0).insert(0, "X"));
    await editRoom(t.db, s.w.sections.b.room, users.editor.id, (body) => textOf(body, 0).delete(0, 1));
    clock.set(BALLOT_CLOSES + 14 * DAY);
    ballot = await s.read();
    expect(ballot.rounds).toHaveLength(2);
    expect(ballot.rounds[1].result).toEqual({ passed: true, final: true, textChanged: false, unansweredNegatives: 0, unsatisfiedComments: 0 });
    expect(await stageStates(s)).toEqual(["ballot:closed", "publication:open"]);
  });

  it("fails a round whose disapprovals exceed the negative limit, abstentions counted as cast", async () => {
    const s = await setup();
    const { users } = s.w;
    clock.set(BALLOT_OPENS);
    await s.w.ok(users.voter, "PUT", `/api/cycles/${s.id}/ballot`, { vote: "approve" });
    await s.w.ok(users.voter2, "PUT", `/api/cycles/${s.id}/ballot`, { vote: "approve" });
    await s.w.ok(users.editor, "PUT", `/api/cycles/${s.id}/ballot`, { vote: "disapprove", reason: "Too costly." });
    await s.w.ok(users.editor, "PUT", `/api/cycles/${s.id}/ballot/negatives/${users.editor.id}`, { response: "Costs are addressed in annex B." });
    // 2 of 3 approve: the threshold of 2/3 is reached.
    expect((await s.read()).rounds[0].tally).toMatchObject({ ratio: 2 / 3, negativeShare: 1 / 3, negativeLimit: null, passes: true });
    await t.db.updateTable("standards").set({ negative_limit: 0.25 }).where("id", "=", s.w.standard.id).execute();
    expect((await s.read()).rounds[0].tally).toMatchObject({ negativeShare: 1 / 3, negativeLimit: 0.25, passes: false });
    clock.set(BALLOT_CLOSES);
    const ballot = await s.read();
    expect(ballot.rounds[0].result).toEqual({ passed: false, final: false, textChanged: false, unansweredNegatives: 0, unsatisfiedComments: 0 });
    expect(ballot.rounds[1].state).toBe("open");
    // An abstention instead of an approval: one negative of three cast is still over a quarter; of four it would not be.
    await t.db.updateTable("standards").set({ negative_limit: 1 / 3 }).where("id", "=", s.w.standard.id).execute();
    expect((await s.read()).rounds[1].tally).toMatchObject({ negativeShare: 1 / 3, passes: true });
    // A closed round keeps the tally it closed with, whatever the settings since.
    expect((await s.read()).rounds[0].tally).toMatchObject({ negativeLimit: 0.25, passes: false });
  });

  it("counts the roster per interest category, flags one holding more than a third, and freezes them with it", async () => {
    const s = await setup();
    const { users } = s.w;
    const admin = await makeUser(t.db, { admin: true });
    const slug = s.w.standard.slug;
    await s.w.ok(admin, "PATCH", `/api/standards/${slug}`, { interestCategories: ["manufacturer", "user", "regulator"] });
    const member = (user: TestUser, role: string, voting: boolean, interestCategory: string | null) =>
      s.w.call(admin, "PUT", `/api/standards/${slug}/members/${user.id}`, { role, voting, interestCategory });
    await refusedUnchanged(s, () => member(users.voter, "contributor", true, "academic"), 400, "invalid_request");
    expect((await member(users.voter, "contributor", true, "manufacturer")).body).toMatchObject({ interestCategory: "manufacturer", voting: true });
    await member(users.voter2, "contributor", true, "manufacturer");
    await member(users.editor, "editor", true, "user");
    // Leaving it out keeps it.
    expect((await s.w.call(admin, "PUT", `/api/standards/${slug}/members/${users.editor.id}`, { role: "editor" })).body.interestCategory).toBe("user");
    const members = (await s.w.ok(users.editor, "GET", `/api/standards/${slug}/members`)).members;
    expect(members.find((m: { user: { id: string } }) => m.user.id === users.voter.id).interestCategory).toBe("manufacturer");
    expect(members.find((m: { user: { id: string } }) => m.user.id === users.contributor.id).interestCategory).toBeNull();

    const expected = { size: 3, byCategory: { manufacturer: 2, user: 1, regulator: 0 }, uncategorized: 0, overRepresented: ["manufacturer"] };
    expect((await s.read()).roster).toEqual(expected);
    clock.set(BALLOT_OPENS);
    expect((await s.read()).roster).toEqual(expected);
    // Changes after the ballot opened do not change its roster.
    await member(users.voter2, "contributor", true, null);
    const late = await makeUser(t.db);
    await member(late, "contributor", true, "regulator");
    expect((await s.read()).roster).toEqual(expected);
    const ballot = await s.w.ok(users.voter2, "PUT", `/api/cycles/${s.id}/ballot`, { vote: "approve" });
    expect(ballot.rounds[0].votes[0]).toMatchObject({ interestCategory: "manufacturer" });
  });

  it("shows the ballot exactly when the standard is public, and hides it, and its votes, from outsiders of a members-only one", async () => {
    const open = await setup({ isPublic: true });
    clock.set(BALLOT_OPENS);
    expect((await open.w.call(null, "GET", `/api/cycles/${open.id}/ballot`)).status).toBe(200);
    expect((await open.w.call(open.w.users.nonMember, "GET", `/api/cycles/${open.id}/ballot`)).status).toBe(200);

    const hidden = await setup({ isPublic: false });
    clock.set(BALLOT_OPENS);
    await hidden.w.ok(hidden.w.users.voter, "PUT", `/api/cycles/${hidden.id}/ballot`, { vote: "disapprove", reason: "No." });
    for (const user of [null, hidden.w.users.nonMember, hidden.w.users.otherEditor]) {
      const res = await hidden.w.call(user, "GET", `/api/cycles/${hidden.id}/ballot`);
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe("not_found");
      await refusedUnchanged(hidden, () => hidden.vote(user, "approve"), 404, "not_found");
      await refusedUnchanged(hidden, () => hidden.respond(user, hidden.w.users.voter, "Answer."), 404, "not_found");
    }
    // A voter removed from a members-only standard can no longer read it, so cannot vote either.
    await t.db.deleteFrom("memberships").where("standard_id", "=", hidden.w.standard.id).where("user_id", "=", hidden.w.users.voter2.id).execute();
    await refusedUnchanged(hidden, () => hidden.vote(hidden.w.users.voter2, "approve"), 404, "not_found");
    const read = await hidden.read(hidden.w.users.contributor);
    expect(read.rounds[0].votes).toHaveLength(1);
    expect((await hidden.w.call(hidden.w.users.voter, "GET", `/api/cycles/00000000-0000-4000-8000-000000000000/ballot`)).status).toBe(404);
  });

  it("moves round 1 with its stage's window, and gives a ballot opened after its window a recirculation's length", async () => {
    const s = await setup();
    clock.set(BALLOT_OPENS + 10 * 60_000);
    const stage = (await s.cycle()).stages[0];
    await s.w.ok(s.w.users.editor, "PATCH", `/api/cycles/${s.id}/stages/${stage.id}`, { closesAt: iso(BALLOT_CLOSES - 30 * 60_000), reason: "The publication date moved up." });
    expect((await s.read()).rounds[0]).toMatchObject({ opensAt: iso(BALLOT_OPENS + 10 * 60_000), closesAt: iso(BALLOT_CLOSES - 30 * 60_000), state: "open" });
    clock.set(BALLOT_CLOSES - 30 * 60_000 - 1);
    expect((await s.vote(s.w.users.voter, "approve")).status).toBe(200);
    clock.set(BALLOT_CLOSES - 30 * 60_000);
    expect((await s.read()).rounds[0].state).toBe("closed");

    // Nobody looked while the whole window passed: round 1 opens late, with a window voters can use.
    const late = await setup();
    clock.set(BALLOT_CLOSES + DAY);
    const ballot = await late.read();
    expect(ballot.rounds).toHaveLength(1);
    expect(ballot.rounds[0]).toMatchObject({ round: 1, state: "open", opensAt: iso(BALLOT_CLOSES + DAY), closesAt: iso(BALLOT_CLOSES + 15 * DAY) });
    expect((await late.vote(late.w.users.voter, "approve")).status).toBe(200);
  });

  it("closes no round of a cancelled cycle and takes no vote on it", async () => {
    const s = await setup();
    clock.set(BALLOT_OPENS);
    await s.w.ok(s.w.users.voter, "PUT", `/api/cycles/${s.id}/ballot`, { vote: "approve" });
    await s.w.ok(s.w.users.editor, "POST", `/api/cycles/${s.id}/cancel`, { reason: "Withdrawn." });
    const refused = await refusedUnchanged(s, () => s.vote(s.w.users.voter, "abstain"), 409, "stage_closed");
    expect(refused.body.error.message).toMatch(/The cycle is cancelled/);
    clock.set(BALLOT_CLOSES + DAY);
    const ballot = await s.read();
    expect(ballot.rounds).toHaveLength(1);
    expect(ballot.rounds[0]).toMatchObject({ state: "closed", result: null });
  });
});
