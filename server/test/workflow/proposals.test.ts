import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseKinds, makeUser, snapshotTables, startTestApp, type TestApp, type TestUser } from "../helper";
import { buildWorkflowWorld, type WorkflowWorld } from "./fixture";

describe.each(databaseKinds)("proposal lifecycle on %s", (kind) => {
  let t: TestApp;
  let w: WorkflowWorld;
  beforeAll(async () => {
    t = await startTestApp(kind);
    w = await buildWorkflowWorld(t);
  });
  afterAll(async () => t?.close());

  /** Every caller in `refused` is refused with one of `statuses`, and nothing stored changes. */
  async function refusedFor(callers: Array<[string, TestUser | null]>, method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE", url: string, payload: unknown, statuses: number[], code?: string) {
    for (const [who, user] of callers) {
      const before = await snapshotTables(t);
      const res = await w.call(user, method, url, payload);
      expect(statuses, `${method} ${url} as ${who}: ${res.status} ${JSON.stringify(res.body)}`).toContain(res.status);
      expect(res.body.error.code).toMatch(/^[a-z_]+$/);
      if (code) expect(res.body.error.code, who).toBe(code);
      expect(await snapshotTables(t), `${method} ${url} as ${who} changed something`).toBe(before);
    }
  }

  it("creates a draft proposal for members only", async () => {
    const url = `/api/standards/${w.standard.slug}/proposals`;
    const created = await w.call(w.users.contributor, "POST", url, { title: "Tighten input validation", rationale: "Attackers use malformed input." });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ id: expect.any(String), state: "draft" });
    await refusedFor([["anonymous", null]], "POST", url, { title: "X" }, [401, 404]);
    await refusedFor([["non-member", w.users.nonMember], ["other standard's editor", w.users.otherEditor]], "POST", url, { title: "X" }, [404]);
    await refusedFor([["blank title", w.users.contributor]], "POST", url, { title: "" }, [400]);
  });

  it("shows the proposal to members, with its base, sections, tally and timeline", async () => {
    const id = await w.propose("Readable");
    const d = await w.ok(w.users.voter, "GET", `/api/proposals/${id}`);
    expect(d).toMatchObject({
      id,
      standard: w.standard.slug,
      title: "Readable",
      rationale: "Because.",
      state: "draft",
      author: { id: w.users.author.id, displayName: "Author", affiliation: null },
      coAuthors: [],
      tally: { approve: 0, disapprove: 0, abstain: 0, passes: false, threshold: expect.closeTo(2 / 3) },
      decision: null,
      myVote: null,
      permissions: { edit: false, submit: false, vote: false, decide: false, comment: true },
    });
    expect(d.base.sections.map((s: { id: string }) => s.id)).toEqual([w.sections.a.id, w.sections.b.id]);
    expect(d.sections).toEqual([
      expect.objectContaining({ id: w.sections.a.id, room: `proposal.${id}.${w.sections.a.id}`, forked: false, change: "unchanged", number: "1" }),
      expect.objectContaining({ id: w.sections.b.id, change: "unchanged", number: "2" }),
    ]);
    expect(d.timeline).toEqual([expect.objectContaining({ action: "proposal.create", toState: "draft", actor: { id: w.users.author.id, displayName: "Author", affiliation: null } })]);
    expect((await w.ok(w.users.author, "GET", `/api/proposals/${id}`)).permissions).toMatchObject({ edit: true, submit: true, withdraw: true, inviteCoAuthors: true });
    for (const [who, user] of [["anonymous", null], ["non-member", w.users.nonMember], ["other editor", w.users.otherEditor]] as const) {
      expect((await w.call(user, "GET", `/api/proposals/${id}`)).status, who).toBe(404);
      expect((await w.call(user, "GET", `/api/proposals/${id}/diff`)).status, who).toBe(404);
    }
    expect((await w.call(w.users.voter, "GET", `/api/proposals/${randomUUID()}`)).status).toBe(404);
  });

  it("is visible to everyone when the standard is public", async () => {
    const pub = await buildWorkflowWorld(t, { isPublic: true });
    const id = await pub.propose();
    expect((await pub.call(null, "GET", `/api/proposals/${id}`)).status).toBe(200);
    expect((await pub.call(null, "GET", `/api/standards/${pub.standard.slug}/proposals`)).body.proposals.map((p: { id: string }) => p.id)).toContain(id);
    expect((await pub.call(null, "GET", `/api/proposals/${id}/preview`)).status).toBe(200);
  });

  it("lets the author invite members as co-authors, who then edit but do not submit", async () => {
    const id = await w.propose();
    const url = `/api/proposals/${id}/co-authors`;
    await refusedFor([["co-author-to-be", w.users.coAuthor], ["editor", w.users.editor]], "POST", url, { userId: w.users.coAuthor.id }, [403]);
    await refusedFor([["a non-member as co-author", w.users.author]], "POST", url, { userId: w.users.nonMember.id }, [400], "not_a_member");
    const candidates = async () => (await w.ok(w.users.author, "GET", `${url}/candidates`)).candidates.map((u: { displayName: string }) => u.displayName);
    expect(await candidates()).toEqual(["Co-author", "Contributor", "Editor", "Second voter", "Voter"]);
    await refusedFor([["contributor", w.users.contributor]], "GET", `${url}/candidates`, undefined, [403]);
    const res = await w.ok(w.users.author, "POST", url, { userId: w.users.coAuthor.id });
    expect(res.coAuthors).toEqual([{ id: w.users.coAuthor.id, displayName: "Co-author", affiliation: null }]);
    expect(await candidates()).toEqual(["Contributor", "Editor", "Second voter", "Voter"]);
    expect((await w.ok(w.users.coAuthor, "PATCH", `/api/proposals/${id}`, { rationale: "Better reasons." })).rationale).toBe("Better reasons.");
    expect((await w.ok(w.users.coAuthor, "POST", `/api/proposals/${id}/sections/${w.sections.a.id}/fork`)).room).toBe(`proposal.${id}.${w.sections.a.id}`);
    await refusedFor([["co-author", w.users.coAuthor]], "POST", `/api/proposals/${id}/submit`, undefined, [403]);
    await refusedFor([["contributor", w.users.contributor], ["voter", w.users.voter], ["editor", w.users.editor]], "PATCH", `/api/proposals/${id}`, { title: "Hijack" }, [403]);
    await refusedFor([["anonymous", null]], "PATCH", `/api/proposals/${id}`, { title: "Hijack" }, [401, 404]);
    const removed = await w.ok(w.users.author, "DELETE", `/api/proposals/${id}/co-authors/${w.users.coAuthor.id}`);
    expect(removed.coAuthors).toEqual([]);
    await refusedFor([["former co-author", w.users.coAuthor]], "PATCH", `/api/proposals/${id}`, { title: "Late" }, [403]);
  });

  it("moves through every transition and refuses each from the wrong state", async () => {
    const id = await w.propose();
    const p = (verb: string) => `/api/proposals/${id}/${verb}`;
    // draft: cannot be reopened, voted on or decided.
    await refusedFor([["author", w.users.author]], "POST", p("reopen"), undefined, [409], "proposal_not_open");
    await refusedFor([["voter", w.users.voter]], "PUT", p("vote"), { vote: "approve" }, [409], "proposal_not_open");
    await refusedFor([["editor", w.users.editor]], "POST", p("accept"), { note: "x" }, [409], "proposal_not_open");
    await refusedFor([["editor", w.users.editor]], "POST", p("reject"), { reason: "x" }, [409], "proposal_not_open");
    // Only the author submits.
    await refusedFor([["contributor", w.users.contributor], ["editor", w.users.editor], ["non-member", w.users.nonMember]], "POST", p("submit"), undefined, [403, 404]);
    expect((await w.ok(w.users.author, "POST", p("submit"))).state).toBe("open");
    // open: the text and outline are frozen; submitting again is refused.
    await refusedFor([["author", w.users.author]], "POST", p("submit"), undefined, [409], "proposal_not_draft");
    await refusedFor([["author", w.users.author]], "PATCH", `/api/proposals/${id}`, { title: "Late" }, [409], "proposal_not_draft");
    await refusedFor([["author", w.users.author]], "POST", p("sections"), { label: "LATE-1", title: "Late" }, [409], "proposal_not_draft");
    await refusedFor([["author", w.users.author]], "POST", `/api/proposals/${id}/sections/${w.sections.a.id}/fork`, undefined, [409], "proposal_not_draft");
    // Votes, then the author takes it back to draft: the votes are cleared.
    await w.ok(w.users.voter, "PUT", p("vote"), { vote: "approve" });
    const reopened = await w.ok(w.users.author, "POST", p("reopen"));
    expect(reopened).toMatchObject({ state: "draft", votes: [], tally: { approve: 0 } });
    expect(reopened.timeline.find((e: { action: string }) => e.action === "proposal.reopen")).toMatchObject({ fromState: "open", toState: "draft", details: { votesCleared: 1 } });
    await w.ok(w.users.author, "POST", p("submit"));
    // Only editors decide; the other standard's editor cannot even see it.
    await refusedFor([["author", w.users.author], ["voter", w.users.voter]], "POST", p("reject"), { reason: "No." }, [403]);
    await refusedFor([["other editor", w.users.otherEditor], ["non-member", w.users.nonMember]], "POST", p("reject"), { reason: "No." }, [404]);
    await refusedFor([["anonymous", null]], "POST", p("reject"), { reason: "No." }, [401, 404]);
    await refusedFor([["editor with a blank reason", w.users.editor]], "POST", p("reject"), { reason: "   " }, [400], "reason_required");
    const rejected = await w.ok(w.users.editor, "POST", p("reject"), { reason: "Out of scope for this edition." });
    expect(rejected).toMatchObject({ state: "rejected", decision: { outcome: "rejected", reason: "Out of scope for this edition.", againstTally: false } });
    // Closed: nothing moves any more.
    await refusedFor([["author", w.users.author]], "POST", p("withdraw"), undefined, [409], "proposal_not_open");
    await refusedFor([["author", w.users.author]], "POST", p("reopen"), undefined, [409], "proposal_not_open");
    await refusedFor([["editor", w.users.editor]], "POST", p("accept"), { note: "Changed my mind." }, [409], "proposal_not_open");
    expect(rejected.timeline.map((e: { action: string }) => e.action)).toEqual([
      "proposal.create",
      "proposal.submit",
      "proposal.vote",
      "proposal.reopen",
      "proposal.submit",
      "proposal.reject",
    ]);
  });

  it("lets the author withdraw a draft or an open proposal, and nobody else", async () => {
    const draft = await w.propose();
    await refusedFor([["co-author-less contributor", w.users.contributor], ["editor", w.users.editor]], "POST", `/api/proposals/${draft}/withdraw`, undefined, [403]);
    expect((await w.ok(w.users.author, "POST", `/api/proposals/${draft}/withdraw`)).state).toBe("withdrawn");
    const open = await w.propose();
    await w.ok(w.users.author, "POST", `/api/proposals/${open}/submit`);
    expect((await w.ok(w.users.author, "POST", `/api/proposals/${open}/withdraw`)).state).toBe("withdrawn");
    await refusedFor([["author", w.users.author]], "POST", `/api/proposals/${open}/sections/${w.sections.a.id}/fork`, undefined, [409], "proposal_not_draft");
  });

  it("refuses structural changes that make no sense", async () => {
    const id = await w.propose();
    const url = `/api/proposals/${id}/sections`;
    await refusedFor([["unknown parent", w.users.author]], "POST", url, { label: "X-1", title: "X", parentId: randomUUID() }, [400], "invalid_parent");
    await refusedFor([["label in use", w.users.author]], "POST", url, { label: w.sections.a.label, title: "X" }, [409], "label_taken");
    await refusedFor([["unknown section", w.users.author]], "PATCH", `${url}/${randomUUID()}`, { title: "X" }, [404]);
    const child = await w.ok(w.users.author, "POST", url, { label: "CHILD-X", title: "Child", parentId: w.sections.a.id });
    await refusedFor([["move into itself", w.users.author]], "PATCH", `${url}/${w.sections.a.id}`, { parentId: child.id }, [400], "invalid_move");
    await refusedFor([["contributor", w.users.contributor]], "DELETE", `${url}/${w.sections.a.id}`, undefined, [403]);
  });

  it("lists proposals newest first, filtered by state", async () => {
    const fresh = await buildWorkflowWorld(t);
    const first = await fresh.propose("First");
    const second = await fresh.propose("Second");
    await fresh.ok(fresh.users.author, "POST", `/api/proposals/${first}/submit`);
    const all = (await fresh.ok(fresh.users.contributor, "GET", `/api/standards/${fresh.standard.slug}/proposals`)).proposals;
    expect(all.map((p: { id: string }) => p.id)).toEqual([second, first]);
    expect(all[1]).toMatchObject({ title: "First", state: "open", author: { displayName: "Author" }, tally: { approve: 0 } });
    const open = (await fresh.ok(fresh.users.contributor, "GET", `/api/standards/${fresh.standard.slug}/proposals?state=open`)).proposals;
    expect(open.map((p: { id: string }) => p.id)).toEqual([first]);
    expect((await fresh.call(fresh.users.contributor, "GET", `/api/standards/${fresh.standard.slug}/proposals?state=merged`)).status).toBe(400);
  });

  it("lets an admin who is not a member propose", async () => {
    const admin = await makeUser(t.db, { admin: true });
    expect((await w.call(admin, "POST", `/api/standards/${w.standard.slug}/proposals`, { title: "By an admin" })).status).toBe(201);
  });
});
