import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { databaseKinds, snapshotTables, startTestApp, type TestApp } from "../helper";
import { buildWorkflowWorld, editRoom, paragraphs, roomText, textOf, type WorkflowWorld } from "./fixture";
import { activeBaseSeqs, lowestActiveBaseSeq } from "../../src/domain/proposals";
import { compactRoom } from "../../src/domain/room-log";

describe.each(databaseKinds)("merging proposals on %s", (kind) => {
  let t: TestApp;
  let w: WorkflowWorld;
  beforeAll(async () => {
    t = await startTestApp(kind);
  });
  beforeEach(async () => {
    w = await buildWorkflowWorld(t);
  });
  afterAll(async () => t?.close());

  async function openWithVotes(id: string) {
    await w.ok(w.users.author, "POST", `/api/proposals/${id}/submit`);
    await w.ok(w.users.voter, "PUT", `/api/proposals/${id}/vote`, { vote: "approve" });
  }

  it("keeps edits made to the draft after the fork and the proposal's own edits", async () => {
    const { a } = w.sections;
    const id = await w.propose();
    // Forking is copy-on-write: nothing exists until an author opens the section to write.
    expect((await w.ok(w.users.author, "GET", `/api/proposals/${id}`)).sections.find((s: { id: string }) => s.id === a.id)).toMatchObject({ forked: false, change: "unchanged" });
    const { room } = await w.ok(w.users.author, "POST", `/api/proposals/${id}/sections/${a.id}/fork`);
    expect(room).toBe(`proposal.${id}.${a.id}`);
    expect(await roomText(t.db, room)).toBe("Every device shall validate its input.");

    // The draft moves on after the fork (an editorial edit), and the proposal edits its fork.
    await editRoom(t.db, a.room, w.users.editor.id, (body) => textOf(body, 0).insert(0, "[Editorial] "));
    await editRoom(t.db, room, w.users.author.id, (body) => {
      const text = textOf(body, 0);
      text.insert(text.length, " It shall reject malformed input.");
    });
    const detail = await w.ok(w.users.author, "GET", `/api/proposals/${id}`);
    expect(detail.sections.find((s: { id: string }) => s.id === a.id)).toMatchObject({ forked: true, change: "modified", room });

    // The diff is against the base, so the editorial edit is not part of it.
    const diff = await w.ok(w.users.contributor, "GET", `/api/proposals/${id}/diff`);
    const changed = diff.sections.find((s: { id: string }) => s.id === a.id);
    expect(changed.status).toEqual(["modified"]);
    expect(changed.changes.filter((op: { op: string }) => op.op === "insert").map((op: { text: string }) => op.text).join("")).toContain("reject malformed input");
    expect(JSON.stringify(changed.changes)).not.toContain("Editorial");

    // The preview merges into today's draft: both edits.
    const preview = await w.ok(w.users.editor, "GET", `/api/proposals/${id}/preview`);
    expect(preview.conflicts).toEqual([]);
    const previewed = preview.diff.sections.find((s: { id: string }) => s.id === a.id);
    expect(previewed.status).toEqual(["modified"]);
    expect(JSON.stringify(previewed.changes)).toContain("[Editorial]");

    await openWithVotes(id);
    const accepted = await w.ok(w.users.editor, "POST", `/api/proposals/${id}/accept`, { note: "Agreed." });
    expect(accepted.state).toBe("accepted");
    expect(accepted.decision).toMatchObject({ outcome: "accepted", againstTally: false, reason: "Agreed.", sections: [a.id] });
    expect(await roomText(t.db, a.room)).toBe("[Editorial] Every device shall validate its input. It shall reject malformed input.");
    const section = await w.ok(w.users.contributor, "GET", `/api/standards/${w.standard.slug}/sections/${a.id}`);
    expect(section.text).toBe("[Editorial] Every device shall validate its input. It shall reject malformed input.");
  });

  it("merges a deletion that adds no Yjs item", async () => {
    const { a } = w.sections;
    const id = await w.propose();
    const { room } = await w.ok(w.users.author, "POST", `/api/proposals/${id}/sections/${a.id}/fork`);
    await editRoom(t.db, room, w.users.author.id, (body) => textOf(body, 0).delete(0, "Every device ".length));
    await openWithVotes(id);
    await w.ok(w.users.editor, "POST", `/api/proposals/${id}/accept`, {});
    expect(await roomText(t.db, a.room)).toBe("shall validate its input.");
  });

  it("merges once when two editors accept at the same moment", async () => {
    const { a } = w.sections;
    const id = await w.propose();
    const { room } = await w.ok(w.users.author, "POST", `/api/proposals/${id}/sections/${a.id}/fork`);
    await editRoom(t.db, room, w.users.author.id, (body) => textOf(body, 0).insert(0, "Once: "));
    await openWithVotes(id);
    const before = await t.db.selectFrom("room_updates").select("seq").where("room", "=", a.room).execute();
    const results = await Promise.all([
      w.call(w.users.editor, "POST", `/api/proposals/${id}/accept`, {}),
      w.call(w.users.editor, "POST", `/api/proposals/${id}/accept`, {}),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(results.find((r) => r.status === 409)!.body.error.code).toBe("proposal_not_open");
    const after = await t.db.selectFrom("room_updates").select("seq").where("room", "=", a.room).execute();
    expect(after.length - before.length).toBe(1);
    expect(await roomText(t.db, a.room)).toBe("Once: Every device shall validate its input.");
    const decisions = await t.db.selectFrom("proposal_decisions").selectAll().where("proposal_id", "=", id).execute();
    expect(decisions).toHaveLength(1);
    const audits = await t.db.selectFrom("audit_log").select("action").where("subject_id", "=", id).where("action", "=", "proposal.accept").execute();
    expect(audits).toHaveLength(1);
  });

  it("applies added, deleted, moved, retitled and relabelled sections to today's outline", async () => {
    const { a, b } = w.sections;
    const c = await w.section("Third", "Third text.");
    const e = await w.section("Fourth", "Fourth text.");
    const id = await w.propose();
    const child = await w.ok(w.users.author, "POST", `/api/proposals/${id}/sections`, { label: "CHILD-1", title: "Child", parentId: e.id });
    expect(child).toMatchObject({ change: "added", forked: true, parentId: e.id, number: "4.1" });
    const added = await w.ok(w.users.author, "POST", `/api/proposals/${id}/sections`, { label: "NEW-1", title: "Patch promptly", content: paragraphs("Apply patches within 30 days.") });
    expect(added).toMatchObject({ change: "added", number: "5" });
    await w.ok(w.users.author, "PATCH", `/api/proposals/${id}/sections/${b.id}`, { title: "Log every failure", label: "LOG-1" });
    await w.ok(w.users.author, "PATCH", `/api/proposals/${id}/sections/${c.id}`, { position: 0 });
    // Deleting a section deletes what is under it, sections the proposal added included.
    expect((await w.ok(w.users.author, "DELETE", `/api/proposals/${id}/sections/${e.id}`)).removed).toEqual([e.id, child.id]);
    const dup = await w.call(w.users.author, "POST", `/api/proposals/${id}/sections`, { label: "NEW-1", title: "Again" });
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe("label_taken");

    const detail = await w.ok(w.users.author, "GET", `/api/proposals/${id}`);
    const changes = Object.fromEntries(detail.sections.map((s: { id: string; change: string }) => [s.id, s.change]));
    expect(changes).toEqual({ [c.id]: "moved", [a.id]: "unchanged", [b.id]: "retitled", [added.id]: "added", [e.id]: "deleted" });
    expect(detail.sections.find((s: { id: string }) => s.id === b.id).changes).toEqual(expect.arrayContaining(["retitled", "relabelled"]));

    // Meanwhile an editor adds a section to the draft and retitles another; the merge keeps both.
    const d = await w.section("Added by an editor", "Editorial addition.");
    await w.ok(w.users.editor, "PATCH", `/api/standards/${w.standard.slug}/sections/${a.id}`, { title: "Validate all input" });
    await openWithVotes(id);
    const accepted = await w.ok(w.users.editor, "POST", `/api/proposals/${id}/accept`, {});
    expect([...accepted.decision.sections].sort()).toEqual([c.id, b.id, added.id, e.id].sort());
    const outline = (await w.ok(w.users.contributor, "GET", `/api/standards/${w.standard.slug}/sections`)).sections;
    // A new section goes right after the section that precedes it in the proposal.
    expect(outline.map((s: { id: string }) => s.id)).toEqual([c.id, a.id, b.id, added.id, d.id]);
    expect(outline.find((s: { id: string }) => s.id === b.id)).toMatchObject({ title: "Log every failure", label: "LOG-1" });
    expect(outline.find((s: { id: string }) => s.id === a.id)).toMatchObject({ title: "Validate all input" });
    expect(await roomText(t.db, `draft.${added.id}`)).toBe("Apply patches within 30 days.");
  });

  it("refuses a merge whose section the draft has lost, and changes nothing", async () => {
    const { a } = w.sections;
    const id = await w.propose();
    const { room } = await w.ok(w.users.author, "POST", `/api/proposals/${id}/sections/${a.id}/fork`);
    await editRoom(t.db, room, w.users.author.id, (body) => textOf(body, 0).insert(0, "Lost: "));
    await w.ok(w.users.author, "POST", `/api/proposals/${id}/sections`, { label: "UNDER-A", title: "Child", parentId: a.id });
    await openWithVotes(id);
    await w.ok(w.users.editor, "DELETE", `/api/standards/${w.standard.slug}/sections/${a.id}`);
    const preview = await w.ok(w.users.editor, "GET", `/api/proposals/${id}/preview`);
    expect(preview.conflicts.map((c: { reason: string }) => c.reason).sort()).toEqual(["parent_deleted"]);
    const before = await snapshotTables(t);
    const res = await w.call(w.users.editor, "POST", `/api/proposals/${id}/accept`, {});
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe("proposal_conflict");
    expect(await snapshotTables(t)).toBe(before);
    expect((await w.ok(w.users.editor, "GET", `/api/proposals/${id}`)).state).toBe("open");
  });

  it("records the base in one statement and protects it from compaction while active", async () => {
    const { a, b } = w.sections;
    const seqA = await t.db.selectFrom("room_updates").select((eb) => eb.fn.max("seq").as("seq")).where("room", "=", a.room).executeTakeFirstOrThrow();
    const id = await w.propose();
    const bases = await t.db.selectFrom("proposal_bases").selectAll().where("proposal_id", "=", id).orderBy("room").execute();
    expect(bases.map((r) => r.room).sort()).toEqual([a.room, b.room].sort());
    expect(String(bases.find((r) => r.room === a.room)!.seq)).toBe(String(seqA.seq));
    await editRoom(t.db, a.room, w.users.editor.id, (body) => textOf(body, 0).insert(0, "x"));
    expect(await lowestActiveBaseSeq(t.db, a.room)).toBe(BigInt(seqA.seq!));
    await w.ok(w.users.author, "POST", `/api/proposals/${id}/withdraw`);
    expect(await lowestActiveBaseSeq(t.db, a.room)).toBeNull();
  });

  it("keeps a proposal's base readable when the draft room is compacted", async () => {
    const { a } = w.sections;
    const id = await w.propose();
    // The section's creator edits again the same day: compaction would merge these rows with the base row.
    await editRoom(t.db, a.room, w.users.editor.id, (body) => textOf(body, 0).insert(0, "Later: "));
    await editRoom(t.db, a.room, w.users.editor.id, (body) => textOf(body, 0).insert(0, "Much "));
    await compactRoom(t.db, a.room, { statePoints: activeBaseSeqs, settleMs: 0 });
    const { room } = await w.ok(w.users.author, "POST", `/api/proposals/${id}/sections/${a.id}/fork`);
    expect(await roomText(t.db, room)).toBe("Every device shall validate its input.");
    expect(await roomText(t.db, a.room)).toBe("Much Later: Every device shall validate its input.");
    await w.ok(w.users.author, "POST", `/api/proposals/${id}/withdraw`);
    const result = await compactRoom(t.db, a.room, { statePoints: activeBaseSeqs, settleMs: 0 });
    expect(result.rowsAfter).toBeLessThan(result.rowsBefore);
    expect(await roomText(t.db, a.room)).toBe("Much Later: Every device shall validate its input.");
  });
});
