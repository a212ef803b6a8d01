import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseKinds, snapshotTables, startTestApp, type TestApp } from "../helper";
import { buildWorkflowWorld, type WorkflowWorld } from "./fixture";

describe.each(databaseKinds)("votes and decisions on %s", (kind) => {
  let t: TestApp;
  let w: WorkflowWorld;
  beforeAll(async () => {
    t = await startTestApp(kind);
  });
  afterAll(async () => t?.close());

  async function openProposal(world: WorkflowWorld) {
    const id = await world.propose();
    await world.ok(world.users.author, "POST", `/api/proposals/${id}/submit`);
    return id;
  }

  it("keeps one current vote per member, changeable while open, with a reason for a disapproval", async () => {
    w = await buildWorkflowWorld(t);
    const id = await openProposal(w);
    const vote = (user = w.users.voter, body: unknown = { vote: "approve" }) => w.call(user, "PUT", `/api/proposals/${id}/vote`, body);
    const first = await vote();
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ tally: { approve: 1, disapprove: 0, ratio: 1, passes: true }, vote: { vote: "approve", user: { id: w.users.voter.id } } });

    const before = await snapshotTables(t);
    const noReason = await vote(w.users.voter, { vote: "disapprove" });
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.code).toBe("reason_required");
    expect((await vote(w.users.voter, { vote: "disapprove", reason: "  " })).status).toBe(400);
    expect((await vote(w.users.voter, { vote: "maybe" })).status).toBe(400);
    // Members without voting rights, and everyone outside, cannot vote.
    expect((await vote(w.users.contributor)).status).toBe(403);
    expect((await vote(w.users.author)).status).toBe(403);
    expect((await vote(w.users.nonMember)).status).toBe(404);
    expect((await vote(w.users.otherEditor)).status).toBe(404);
    expect((await w.call(null, "PUT", `/api/proposals/${id}/vote`, { vote: "approve" })).status).toBe(404);
    expect(await snapshotTables(t)).toBe(before);

    const changed = await vote(w.users.voter, { vote: "disapprove", reason: "It breaks legacy devices." });
    expect(changed.body.tally).toMatchObject({ approve: 0, disapprove: 1, ratio: 0, passes: false });
    await vote(w.users.voter2, { vote: "approve" });
    await vote(w.users.editor, { vote: "abstain" });
    const detail = await w.ok(w.users.contributor, "GET", `/api/proposals/${id}`);
    expect(detail.tally).toMatchObject({ approve: 1, disapprove: 1, abstain: 1, ratio: 0.5, passes: false });
    expect(detail.votes).toEqual(
      expect.arrayContaining([expect.objectContaining({ user: { id: w.users.voter.id, displayName: "Voter", affiliation: null }, vote: "disapprove", reason: "It breaks legacy devices." })]),
    );
    expect(detail.votes).toHaveLength(3);
    expect(detail.timeline.filter((e: { action: string }) => e.action === "proposal.vote")).toHaveLength(4);
  });

  it("requires a reason to accept against the tally, and freezes the tally into the decision", async () => {
    w = await buildWorkflowWorld(t);
    const id = await openProposal(w);
    await w.ok(w.users.voter, "PUT", `/api/proposals/${id}/vote`, { vote: "disapprove", reason: "Too broad." });
    const before = await snapshotTables(t);
    const res = await w.call(w.users.editor, "POST", `/api/proposals/${id}/accept`, {});
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("reason_required");
    expect(await snapshotTables(t)).toBe(before);
    const accepted = await w.ok(w.users.editor, "POST", `/api/proposals/${id}/accept`, { note: "Required by the regulator regardless." });
    expect(accepted.decision).toMatchObject({
      outcome: "accepted",
      againstTally: true,
      reason: "Required by the regulator regardless.",
      decidedBy: { id: w.users.editor.id },
      tally: { approve: 0, disapprove: 1, passes: false },
    });
    expect(accepted.tally).toEqual(accepted.decision.tally);
    // The decision stands even if voting rights change later.
    await t.db.updateTable("memberships").set({ voting: false }).where("user_id", "=", w.users.voter.id).execute();
    expect((await w.ok(w.users.editor, "GET", `/api/proposals/${id}`)).decision.tally.disapprove).toBe(1);
    expect((await w.call(w.users.voter2, "PUT", `/api/proposals/${id}/vote`, { vote: "approve" })).body.error.code).toBe("proposal_not_open");
  });

  it("counts the quorum, abstentions included, and records rejections against a passing tally", async () => {
    w = await buildWorkflowWorld(t, { quorum: 3 });
    const id = await openProposal(w);
    await w.ok(w.users.voter, "PUT", `/api/proposals/${id}/vote`, { vote: "approve" });
    await w.ok(w.users.voter2, "PUT", `/api/proposals/${id}/vote`, { vote: "approve" });
    expect((await w.ok(w.users.editor, "GET", `/api/proposals/${id}`)).tally).toMatchObject({ quorum: 3, quorumMet: false, passes: false });
    await w.ok(w.users.editor, "PUT", `/api/proposals/${id}/vote`, { vote: "abstain" });
    expect((await w.ok(w.users.editor, "GET", `/api/proposals/${id}`)).tally).toMatchObject({ quorumMet: true, passes: true });
    const rejected = await w.ok(w.users.editor, "POST", `/api/proposals/${id}/reject`, { reason: "Conflicts with the regulator's guidance." });
    expect(rejected.decision).toMatchObject({ outcome: "rejected", againstTally: true, tally: { approve: 2, abstain: 1, passes: true } });
  });

  it("lets a member who lost voting rights no longer count", async () => {
    w = await buildWorkflowWorld(t);
    const id = await openProposal(w);
    await w.ok(w.users.voter, "PUT", `/api/proposals/${id}/vote`, { vote: "approve" });
    await t.db.updateTable("memberships").set({ voting: false }).where("user_id", "=", w.users.voter.id).where("standard_id", "=", w.standard.id).execute();
    expect((await w.ok(w.users.editor, "GET", `/api/proposals/${id}`)).tally.approve).toBe(0);
  });
});
