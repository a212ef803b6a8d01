import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseKinds, makeUser, startTestApp, TestClock, testConfig, type TestApp } from "../helper";
import { buildWorkflowWorld, editRoom, roomText, textOf } from "../workflow/fixture";

const SECOND = 1000;
const DAY = 24 * 3600 * SECOND;
const START = Date.UTC(2027, 8, 6, 9, 0, 0);
const at = (seconds: number) => START + seconds * SECOND;
const iso = (ms: number) => new Date(ms).toISOString();

/**
 * One edition of a standard run from "send us your input" to the new edition, through the API
 * alone, with windows of a few seconds on the test's clock: public input from a non-member,
 * committee actions of all three kinds, the first draft with its redline, a public comment and
 * its disposition, a ballot that fails on quorum, a recirculation that passes with an unanswered
 * negative, a last one that passes as final, and the edition.
 */
describe.each(databaseKinds)("a whole revision cycle through the API on %s", { timeout: 120_000 }, (kind) => {
  let t: TestApp;
  const clock = new TestClock(START);
  beforeAll(async () => {
    t = await startTestApp(kind, { background: { ...testConfig().background, pollMs: 0 } }, { clock });
  });
  afterAll(async () => t?.close());

  it("runs input, committee, comment, resolution, ballot with recirculation, and publication", async () => {
    const w = await buildWorkflowWorld(t, { isPublic: true });
    const { users, sections } = w;
    const slug = w.standard.slug;
    await w.ok(users.editor, "POST", `/api/standards/${slug}/releases`, { version: "1.0.0" });
    // Two approvals of three votes pass (a threshold below two thirds, so no float sits on the edge).
    await w.ok(await makeUser(t.db, { admin: true }), "PATCH", `/api/standards/${slug}`, { voteThreshold: 0.6 });
    const stages = [
      { kind: "input", opensAt: iso(at(0)), closesAt: iso(at(10)) },
      { kind: "committee", opensAt: iso(at(10)), closesAt: iso(at(20)) },
      { kind: "comment", opensAt: iso(at(20)), closesAt: iso(at(30)) },
      { kind: "resolution", opensAt: iso(at(30)), closesAt: iso(at(40)) },
      { kind: "ballot", opensAt: iso(at(40)), closesAt: iso(at(50)) },
      { kind: "publication", opensAt: iso(at(60)), closesAt: iso(at(60) + 90 * DAY) },
    ];
    const cycle = (await w.ok(users.editor, "POST", `/api/standards/${slug}/cycles`, { title: "Edition 2", baseVersion: "1.0.0", stages })).cycle;
    const read = async () => (await w.ok(null, "GET", `/api/cycles/${cycle.id}`)).cycle;
    const states = async () => (await read()).stages.map((s: { kind: string; state: string }) => `${s.kind}:${s.state}`);

    // Input: a reader who is no member proposes a change to a section, from its release text.
    clock.set(at(1));
    const propose = async (user: typeof users.nonMember, title: string, section: string, text: string) => {
      const { id } = await w.ok(user, "POST", `/api/standards/${slug}/proposals`, { title, rationale: `Substantiation for ${title}.`, fromSection: section });
      await editRoom(t.db, `proposal.${id}.${section}`, user.id, (body) => textOf(body, 0).insert(textOf(body, 0).length, text));
      await w.ok(user, "POST", `/api/proposals/${id}/submit`);
      return id as string;
    };
    const fromReader = await propose(users.nonMember, "Bound every input", sections.a.id, " Inputs are bounded.");
    const modified = await propose(users.contributor, "Log the cause", sections.b.id, " With their cause.");
    const rejected = await propose(users.author, "Validate nothing", sections.a.id, " Unless it is late.");
    expect((await read()).counts.inputs).toBe(3);

    // Committee: voters vote on each input; editors act on all three.
    clock.set(at(11));
    expect(await states()).toEqual(["input:closed", "committee:open", "comment:upcoming", "resolution:upcoming", "ballot:upcoming", "publication:upcoming"]);
    for (const id of [fromReader, modified, rejected]) await w.ok(users.voter, "PUT", `/api/proposals/${id}/vote`, { vote: "approve" });
    await w.ok(users.editor, "PUT", `/api/proposals/${fromReader}/committee-action`, { action: "accept", statement: "Bounds make validation checkable." });
    await editRoom(t.db, `proposal.${modified}.${sections.b.id}`, users.editor.id, (body) => textOf(body, 0).insert(textOf(body, 0).length, " And the time."));
    await w.ok(users.editor, "PUT", `/api/proposals/${modified}/committee-action`, { action: "accept-as-modified", statement: "The time is needed too." });
    await w.ok(users.editor, "PUT", `/api/proposals/${rejected}/committee-action`, { action: "reject", statement: "Late input is still input." });
    const action = await w.ok(null, "GET", `/api/proposals/${fromReader}/committee-action`);
    expect(action).toMatchObject({ action: "accept", statement: "Bounds make validation checkable." });
    expect(action.votes.map((v: { user: { id: string }; vote: string }) => [v.user.id, v.vote])).toEqual([[users.voter.id, "approve"]]);
    expect(await roomText(t.db, sections.a.room)).toBe("Every device shall validate its input. Inputs are bounded.");
    expect(await roomText(t.db, sections.b.room)).toBe("Every device shall log failures. With their cause. And the time.");

    // Comment: the committee closed, the first draft is out, signed, with its redline against the base.
    clock.set(at(21));
    expect((await read()).currentStage).toBe("comment");
    const releases = (await w.ok(null, "GET", `/api/standards/${slug}/releases`)).releases;
    const firstDraft = releases.find((r: { kind: string }) => r.kind === "first-draft");
    expect(firstDraft.version).toBe("2.0.0-fd1");
    const redline = await w.ok(null, "GET", `/api/standards/${slug}/diff?from=1.0.0&to=2.0.0-fd1`);
    const changed = redline.sections.filter((s: { status: string[] }) => s.status.includes("modified")).map((s: { id: string }) => s.id);
    expect(changed.sort()).toEqual([sections.a.id, sections.b.id].sort());
    const comment = await w.ok(users.nonMember, "POST", "/api/comments", {
      target: { kind: "release_section", standard: slug, version: "2.0.0-fd1", section: sections.a.id },
      body: "Say what the bound is.",
    });

    // Resolution: the comment gets its disposition.
    clock.set(at(31));
    expect((await read()).blockers.map((b: { kind: string }) => b.kind)).toEqual(["comment-without-disposition"]);
    await w.ok(users.editor, "PUT", `/api/comments/${comment.id}/disposition`, { disposition: "rejected", response: "Each device states its own bound." });
    expect((await read()).blockers).toEqual([]);

    // Ballot, round 1: one of three voters returns a ballot, short of the quorum of half.
    clock.set(at(41));
    expect((await read()).currentStage).toBe("ballot");
    await w.ok(users.voter, "PUT", `/api/cycles/${cycle.id}/ballot`, { vote: "approve" });
    clock.set(at(50));
    let ballot = await w.ok(null, "GET", `/api/cycles/${cycle.id}/ballot`);
    expect(ballot.rounds.map((r: { round: number; state: string; result: { passed: boolean } | null }) => [r.round, r.state, r.result?.passed ?? null])).toEqual([
      [1, "closed", false],
      [2, "open", null],
    ]);

    // Round 2: it passes, with a negative nobody answered, so it is not final.
    await w.ok(users.voter2, "PUT", `/api/cycles/${cycle.id}/ballot`, { vote: "disapprove", reason: "The bound should be stated here." });
    await w.ok(users.editor, "PUT", `/api/cycles/${cycle.id}/ballot`, { vote: "approve" });
    const publishEarly = await w.call(users.editor, "POST", `/api/standards/${slug}/releases`, { version: "2.0.0" });
    expect([publishEarly.status, publishEarly.body.error.code]).toEqual([409, "ballot_not_passed"]);
    clock.set(at(50) + 14 * DAY);
    ballot = await w.ok(null, "GET", `/api/cycles/${cycle.id}/ballot`);
    expect(ballot.rounds[1].result).toMatchObject({ passed: true, final: false, unansweredNegatives: 1 });
    expect(ballot.rounds[2]).toMatchObject({ round: 3, kind: "recirculation", state: "open" });

    // Round 3: the editors answer the negative; the round passes as final and publication opens.
    await w.ok(users.editor, "PUT", `/api/cycles/${cycle.id}/ballot/negatives/${users.voter2.id}`, { response: "Each device states its bound in its own documentation." });
    clock.set(at(50) + 28 * DAY);
    ballot = await w.ok(null, "GET", `/api/cycles/${cycle.id}/ballot`);
    expect(ballot.rounds[2].result).toMatchObject({ passed: true, final: true });
    expect((await read()).currentStage).toBe("publication");

    // Publication: the edition lists the inputs the committee accepted, and the cycle closes.
    await w.ok(users.editor, "POST", `/api/standards/${slug}/releases`, { version: "2.0.0", notes: "Edition 2." });
    const edition = await w.ok(null, "GET", `/api/standards/${slug}/releases/2.0.0`);
    expect(edition.kind).toBe("edition");
    expect(edition.changes.map((c: { proposal: string }) => c.proposal).sort()).toEqual([fromReader, modified].sort());
    const closed = await read();
    expect(closed.state).toBe("closed");
    expect(closed.counts.inputsByAction).toEqual({ accept: 1, "accept-as-modified": 1, reject: 1, none: 0 });
  });
});
