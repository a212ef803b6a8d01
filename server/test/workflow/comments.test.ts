import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { databaseKinds, makeUser, snapshotTables, startTestApp, type TestApp } from "../helper";
import { anchorAt } from "../../src/domain/comments";
import { loadRoomDoc } from "../../src/domain/room-log";
import { buildWorkflowWorld, editRoom, textOf, type WorkflowWorld } from "./fixture";

// "Every device shall validate its input." — "validate" is characters 19..27, positions 20..28.
const VALIDATE = { from: 20, to: 28 };

describe.each(databaseKinds)("comment threads on %s", (kind) => {
  let t: TestApp;
  let w: WorkflowWorld;
  beforeAll(async () => {
    t = await startTestApp(kind);
    w = await buildWorkflowWorld(t);
  });
  afterAll(async () => t?.close());

  async function anchorIn(room: string, from: number, to: number) {
    const doc = await loadRoomDoc(t.db, room);
    try {
      return anchorAt(doc, from, to);
    } finally {
      doc.destroy();
    }
  }
  const listFor = async (query: string, user = w.users.contributor) => (await w.ok(user, "GET", `/api/comments?standard=${w.standard.slug}&${query}`)).comments;

  it("anchors a thread to draft text and follows concurrent edits, then reports deleted text", async () => {
    const { a } = w.sections;
    const anchor = await anchorIn(a.room, VALIDATE.from, VALIDATE.to);
    expect(anchor.quote).toBe("validate");
    const created = await w.ok(w.users.contributor, "POST", "/api/comments", { target: { kind: "section", standard: w.standard.slug, section: a.id }, anchor, body: "Validate against what?" });
    expect(created).toMatchObject({
      target: { kind: "section", section: a.id, proposal: null, version: null },
      author: { id: w.users.contributor.id },
      state: "open",
      position: { state: "active", from: 20, to: 28, text: "validate" },
      permissions: { reply: true, resolve: true, dispose: false },
    });

    // Others type before the anchor and inside the paragraph after it: the range moves with its text.
    await editRoom(t.db, a.room, w.users.editor.id, (body) => textOf(body, 0).insert(0, "From 2027, "));
    await editRoom(t.db, a.room, w.users.editor.id, (body) => textOf(body, 0).insert(textOf(body, 0).length - 1, " and its configuration"));
    let [thread] = await listFor(`section=${a.id}`);
    expect(thread.position).toEqual({ state: "active", from: 31, to: 39, text: "validate" });

    // The anchored word is deleted: the thread stays, "on deleted text".
    await editRoom(t.db, a.room, w.users.editor.id, (body) => textOf(body, 0).delete("From 2027, Every device shall ".length, "validate".length));
    [thread] = await listFor(`section=${a.id}`);
    expect(thread).toMatchObject({ id: created.id, position: { state: "deleted" }, anchor: { quote: "validate" } });
  });

  it("refuses anchors that point nowhere and anchors on targets without text", async () => {
    const { a, b } = w.sections;
    const foreign = new Y.Doc();
    foreign.getXmlFragment("body").insert(0, [new Y.XmlText("elsewhere")]);
    const stray = {
      start: Buffer.from(Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(foreign.getXmlFragment("body").get(0) as Y.XmlText, 1))).toString("base64"),
      end: Buffer.from(Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(foreign.getXmlFragment("body").get(0) as Y.XmlText, 4))).toString("base64"),
      quote: "not here",
    };
    const id = await w.propose();
    const before = await snapshotTables(t);
    const bad = await w.call(w.users.contributor, "POST", "/api/comments", { target: { kind: "section", standard: w.standard.slug, section: a.id }, anchor: stray, body: "?" });
    expect([bad.status, bad.body.error.code]).toEqual([400, "invalid_anchor"]);
    const whole = await w.call(w.users.contributor, "POST", "/api/comments", { target: { kind: "proposal", standard: w.standard.slug, proposal: id }, anchor: await anchorIn(b.room, 1, 6), body: "?" });
    expect([whole.status, whole.body.error.code]).toEqual([400, "invalid_anchor"]);
    const mixed = await w.call(w.users.contributor, "POST", "/api/comments", { target: { kind: "section", standard: w.standard.slug, section: a.id, proposal: id }, body: "?" });
    expect([mixed.status, mixed.body.error.code]).toEqual([400, "invalid_target"]);
    expect((await w.call(w.users.contributor, "POST", "/api/comments", { target: { kind: "section", standard: w.standard.slug, section: a.id }, body: "   " })).body.error.code).toBe("empty_comment");
    expect((await w.call(w.users.contributor, "POST", "/api/comments", { target: { kind: "section", standard: w.standard.slug, section: a.id }, body: "x".repeat(10001) })).status).toBe(400);
    expect(await snapshotTables(t)).toBe(before);
  });

  it("keeps bodies as plain text, exactly as written", async () => {
    const payload = `<img src=x onerror="alert(1)"><script>alert('x')</script> & <b>bold</b>\nSee https://example.org/?a=1&b=2`;
    const created = await w.ok(w.users.contributor, "POST", "/api/comments", { target: { kind: "section", standard: w.standard.slug, section: w.sections.b.id }, body: payload });
    expect(created.body).toBe(payload);
    const res = await t.app.inject({ method: "GET", url: `/api/comments?standard=${w.standard.slug}&section=${w.sections.b.id}`, headers: w.users.contributor.auth });
    expect(res.headers["content-type"]).toMatch(/^application\/json/);
    expect(res.json().comments.find((c: { id: string }) => c.id === created.id).body).toBe(payload);
  });

  it("threads replies; the author or an editor resolves and reopens", async () => {
    const thread = await w.ok(w.users.contributor, "POST", "/api/comments", { target: { kind: "section", standard: w.standard.slug, section: w.sections.b.id }, body: "Log where?" });
    const replied = await w.call(w.users.voter, "POST", `/api/comments/${thread.id}/replies`, { body: "To the audit log." });
    expect(replied.status).toBe(201);
    expect(replied.body.replies).toEqual([expect.objectContaining({ author: { id: w.users.voter.id, displayName: "Voter", affiliation: null }, body: "To the audit log." })]);
    const before = await snapshotTables(t);
    expect((await w.call(w.users.voter, "POST", `/api/comments/${thread.id}/resolve`)).status).toBe(403);
    expect((await w.call(w.users.nonMember, "POST", `/api/comments/${thread.id}/replies`, { body: "Me too" })).status).toBe(404);
    expect((await w.call(w.users.otherEditor, "POST", `/api/comments/${thread.id}/resolve`)).status).toBe(404);
    expect([401, 404]).toContain((await w.call(null, "POST", `/api/comments/${thread.id}/replies`, { body: "Anon" })).status);
    expect((await w.call(w.users.contributor, "POST", `/api/comments/${thread.id}/reopen`)).body.error.code).toBe("comment_not_resolved");
    expect(await snapshotTables(t)).toBe(before);
    const resolved = await w.ok(w.users.contributor, "POST", `/api/comments/${thread.id}/resolve`);
    expect(resolved).toMatchObject({ state: "resolved", resolvedBy: { id: w.users.contributor.id } });
    expect((await w.call(w.users.editor, "POST", `/api/comments/${thread.id}/resolve`)).body.error.code).toBe("comment_not_open");
    expect((await w.ok(w.users.editor, "POST", `/api/comments/${thread.id}/reopen`)).state).toBe("open");
    expect((await w.ok(w.users.editor, "POST", `/api/comments/${thread.id}/resolve`)).resolvedBy.id).toBe(w.users.editor.id);
    expect((await listFor(`section=${w.sections.b.id}&state=resolved`)).map((c: { id: string }) => c.id)).toContain(thread.id);
    expect((await listFor(`section=${w.sections.b.id}&state=open`)).map((c: { id: string }) => c.id)).not.toContain(thread.id);
  });

  it("anchors on a proposal's section resolve against its base, and against its fork once forked", async () => {
    const { a } = w.sections;
    const fresh = await buildWorkflowWorld(t);
    const id = await fresh.propose();
    const anchor = await anchorIn(fresh.sections.a.room, VALIDATE.from, VALIDATE.to);
    const target = { kind: "proposal_section", standard: fresh.standard.slug, proposal: id, section: fresh.sections.a.id };
    const created = await fresh.ok(fresh.users.voter, "POST", "/api/comments", { target, anchor, body: "Which inputs?" });
    expect(created.position).toMatchObject({ state: "active", text: "validate" });
    const { room } = await fresh.ok(fresh.users.author, "POST", `/api/proposals/${id}/sections/${fresh.sections.a.id}/fork`);
    await editRoom(t.db, room, fresh.users.author.id, (body) => textOf(body, 0).insert(0, "Proposed: "));
    const comments = (await fresh.ok(fresh.users.voter, "GET", `/api/comments?standard=${fresh.standard.slug}&proposal=${id}`)).comments;
    expect(comments).toEqual([expect.objectContaining({ id: created.id, position: { state: "active", from: 30, to: 38, text: "validate" } })]);
    const general = await fresh.ok(fresh.users.contributor, "POST", "/api/comments", { target: { kind: "proposal", standard: fresh.standard.slug, proposal: id }, body: "Good idea overall." });
    expect(general.position).toBeNull();
    expect(a.id).not.toBe(fresh.sections.a.id);
  });

  it("takes public comments on a release from any signed-in reader while they are open, and records dispositions", async () => {
    const pub = await buildWorkflowWorld(t, { isPublic: true });
    const published = await pub.call(pub.users.editor, "POST", `/api/standards/${pub.standard.slug}/releases`, { version: "1.0.0", notes: "First." });
    expect(published.status).toBe(201);
    const reader = await makeUser(t.db, { name: "Reader" });
    const target = { kind: "release_section", standard: pub.standard.slug, version: "1.0.0", section: pub.sections.a.id };
    const anchor = { quote: "validate", prefix: "shall ", suffix: " its" };
    expect((await pub.call(null, "POST", "/api/comments", { target, body: "Anonymous" })).status).toBe(401);
    const comment = await pub.ok(reader, "POST", "/api/comments", { target, anchor, body: "Define validation." });
    expect(comment).toMatchObject({ target: { kind: "release_section", version: "1.0.0" }, position: { state: "active", from: 20, to: 28 }, permissions: { dispose: false } });
    const whole = await pub.ok(reader, "POST", "/api/comments", { target: { kind: "release_section", standard: pub.standard.slug, version: "1.0.0" }, body: "Great work." });
    expect((await pub.call(reader, "POST", "/api/comments", { target: { ...target, version: "9.9.9" }, body: "?" })).status).toBe(404);
    expect((await pub.call(reader, "POST", "/api/comments", { target, anchor: { quote: "not in the text" }, body: "?" })).body.error.code).toBe("invalid_anchor");
    // Outside the release, a non-member cannot comment.
    expect((await pub.call(reader, "POST", "/api/comments", { target: { kind: "section", standard: pub.standard.slug, section: pub.sections.a.id }, body: "?" })).status).toBe(403);

    const url = `/api/comments/${comment.id}/disposition`;
    const disposition = { disposition: "accepted-with-modification", response: "We will define it in the next edition." };
    const before = await snapshotTables(t);
    expect((await pub.call(reader, "PUT", url, disposition)).status).toBe(403);
    expect((await pub.call(pub.users.contributor, "PUT", url, disposition)).status).toBe(403);
    expect((await pub.call(pub.users.otherEditor, "PUT", url, disposition)).status).toBe(403);
    expect((await pub.call(pub.users.editor, "PUT", url, { ...disposition, response: " " })).body.error.code).toBe("response_required");
    expect((await pub.call(pub.users.editor, "PUT", url, { ...disposition, disposition: "ignored" })).status).toBe(400);
    const draftThread = await pub.ok(pub.users.contributor, "POST", "/api/comments", { target: { kind: "section", standard: pub.standard.slug, section: pub.sections.b.id }, body: "Internal." });
    const snapshot = await snapshotTables(t);
    expect((await pub.call(pub.users.editor, "PUT", `/api/comments/${draftThread.id}/disposition`, disposition)).body.error.code).toBe("not_a_public_comment");
    expect(await snapshotTables(t)).toBe(snapshot);
    expect(before).not.toBe(snapshot);

    const proposal = await pub.propose("Define validation");
    const disposed = await pub.ok(pub.users.editor, "PUT", url, { ...disposition, proposal });
    expect(disposed.disposition).toMatchObject({ value: "accepted-with-modification", response: "We will define it in the next edition.", proposal, by: { id: pub.users.editor.id } });
    const listed = (await pub.ok(null, "GET", `/api/comments?standard=${pub.standard.slug}&version=1.0.0`)).comments;
    expect(listed.map((c: { id: string }) => c.id)).toEqual([comment.id, whole.id]);

    await t.db.updateTable("standards").set({ public_comments_open: false }).where("id", "=", pub.standard.id).execute();
    const closed = await pub.call(reader, "POST", "/api/comments", { target, body: "Too late" });
    expect(closed.status).toBe(403);
    expect((await pub.call(reader, "POST", `/api/comments/${comment.id}/replies`, { body: "Too late" })).status).toBe(403);
    expect((await pub.ok(pub.users.contributor, "POST", "/api/comments", { target, body: "Members still can." })).target.kind).toBe("release_section");
  });
});
