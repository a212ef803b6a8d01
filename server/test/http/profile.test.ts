import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseKinds, makeUser, snapshotTables, startTestApp, type TestApp } from "../helper";
import { buildWorkflowWorld, type WorkflowWorld } from "../workflow/fixture";

describe.each(databaseKinds)("one's own profile on %s", (kind) => {
  let t: TestApp;
  let w: WorkflowWorld;
  beforeAll(async () => {
    t = await startTestApp(kind);
    w = await buildWorkflowWorld(t);
  });
  afterAll(async () => t?.close());

  const patchMe = (headers: Record<string, string>, payload: unknown) => t.app.inject({ method: "PATCH", url: "/api/me", headers, payload: payload as Record<string, unknown> });

  it("changes the display name and affiliation; null removes the affiliation; nothing asked changes nothing", async () => {
    const user = await makeUser(t.db, { name: "Before" });
    const res = await patchMe(user.auth, { displayName: "  Ada Lovelace ", affiliation: " Analytical Engines Ltd " });
    expect(res.statusCode).toBe(200);
    expect(res.json().user).toMatchObject({ id: user.id, displayName: "Ada Lovelace", affiliation: "Analytical Engines Ltd" });
    expect((await t.app.inject({ method: "GET", url: "/api/me", headers: user.auth })).json().user).toMatchObject({ displayName: "Ada Lovelace", affiliation: "Analytical Engines Ltd" });

    const unchanged = await snapshotTables(t);
    const nothing = await patchMe(user.auth, {});
    expect(nothing.statusCode).toBe(200);
    expect(nothing.json().user).toMatchObject({ displayName: "Ada Lovelace", affiliation: "Analytical Engines Ltd" });
    expect(await snapshotTables(t)).toBe(unchanged);

    const removed = await patchMe(user.auth, { affiliation: null });
    expect(removed.json().user).toMatchObject({ displayName: "Ada Lovelace", affiliation: null });
    const audit = await t.db.selectFrom("audit_log").select(["action", "details"]).where("subject_id", "=", user.id).where("action", "=", "user.update").execute();
    expect(audit.map((a) => a.details)).toEqual([{ fields: ["displayName", "affiliation"] }, { fields: ["affiliation"] }]);
  });

  it("refuses the anonymous, and blank, over-long or control-laden values, storing nothing", async () => {
    const user = await makeUser(t.db, { name: "Careful" });
    const snapshot = await snapshotTables(t);
    expect((await patchMe({}, { affiliation: "Anyone" })).statusCode).toBe(401);
    const cases = [
      { displayName: "x".repeat(101) },
      { displayName: "" },
      { displayName: "   " },
      { displayName: null },
      { displayName: "Tab\tName" },
      { affiliation: "o".repeat(201) },
      { affiliation: "" },
      { affiliation: "  " },
      { affiliation: "Null\u0000Org" },
      { affiliation: "Right\u202eto left" },
      { affiliation: 7 },
    ];
    for (const payload of cases) {
      const res = await patchMe(user.auth, payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().error.code, JSON.stringify(payload)).toBe("invalid_request");
    }
    expect(await snapshotTables(t)).toBe(snapshot);
  });

  it("shows the affiliation beside the name on proposals, votes, decisions, comments, replies and activity", async () => {
    const affiliate = async (who: keyof WorkflowWorld["users"], affiliation: string) => expect((await patchMe(w.users[who].auth, { affiliation })).statusCode).toBe(200);
    await affiliate("author", "Fire Safety Council");
    await affiliate("coAuthor", "Builders Union");
    await affiliate("voter", "City of Springfield");
    await affiliate("editor", "Code Committee");
    const ref = (who: keyof WorkflowWorld["users"], affiliation: string | null) => ({ id: w.users[who].id, displayName: w.users[who].display_name, affiliation });

    const id = await w.propose("Affiliated change");
    await w.ok(w.users.author, "POST", `/api/proposals/${id}/co-authors`, { userId: w.users.coAuthor.id });
    await w.ok(w.users.author, "POST", `/api/proposals/${id}/submit`);
    await w.ok(w.users.voter, "PUT", `/api/proposals/${id}/vote`, { vote: "approve" });
    await w.ok(w.users.editor, "POST", `/api/proposals/${id}/accept`, { note: "Agreed." });
    const detail = await w.ok(w.users.contributor, "GET", `/api/proposals/${id}`);
    expect(detail.author).toEqual(ref("author", "Fire Safety Council"));
    expect(detail.coAuthors).toEqual([ref("coAuthor", "Builders Union")]);
    expect(detail.votes).toEqual([expect.objectContaining({ user: ref("voter", "City of Springfield") })]);
    expect(detail.decision.decidedBy).toEqual(ref("editor", "Code Committee"));
    expect(detail.timeline).toContainEqual(expect.objectContaining({ action: "proposal.create", actor: ref("author", "Fire Safety Council") }));
    const list = await w.ok(w.users.contributor, "GET", `/api/standards/${w.standard.slug}/proposals`);
    expect(list.proposals.find((p: { id: string }) => p.id === id).author).toEqual(ref("author", "Fire Safety Council"));

    const thread = await w.ok(w.users.voter, "POST", "/api/comments", { target: { kind: "section", standard: w.standard.slug, section: w.sections.a.id }, body: "Who checks this?" });
    expect(thread.author).toEqual(ref("voter", "City of Springfield"));
    const replied = await w.ok(w.users.author, "POST", `/api/comments/${thread.id}/replies`, { body: "The inspector." });
    expect(replied.replies).toEqual([expect.objectContaining({ author: ref("author", "Fire Safety Council") })]);
    const listed = await w.ok(w.users.contributor, "GET", `/api/comments?standard=${w.standard.slug}`);
    expect(listed.comments.find((c: { id: string }) => c.id === thread.id).author).toEqual(ref("voter", "City of Springfield"));

    const feed = await w.ok(w.users.voter, "GET", "/api/me/activity");
    expect(feed.items).toContainEqual(expect.objectContaining({ kind: "reply", actor: ref("author", "Fire Safety Council") }));

    // Removed, it is gone everywhere at once.
    await patchMe(w.users.author.auth, { affiliation: null });
    expect((await w.ok(w.users.contributor, "GET", `/api/proposals/${id}`)).author).toEqual(ref("author", null));
  });
});
