import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseKinds, makeUser, startTestApp, type TestApp } from "../helper";
import { buildWorkflowWorld, editRoom, textOf } from "./fixture";

describe.each(databaseKinds)("the process in releases on %s", (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(kind);
  });
  afterAll(async () => t?.close());

  it("lists the proposals accepted since the previous release and the dispositions of its public comments", async () => {
    const w = await buildWorkflowWorld(t, { isPublic: true });
    const accept = async (title: string, text: string) => {
      const id = await w.propose(title);
      const { room } = await w.ok(w.users.author, "POST", `/api/proposals/${id}/sections/${w.sections.a.id}/fork`);
      await editRoom(t.db, room, w.users.author.id, (body) => textOf(body, 0).insert(0, text));
      await w.ok(w.users.author, "POST", `/api/proposals/${id}/submit`);
      await w.ok(w.users.voter, "PUT", `/api/proposals/${id}/vote`, { vote: "approve" });
      await w.ok(w.users.editor, "POST", `/api/proposals/${id}/accept`, {});
      return id;
    };
    const publish = async (version: string) => {
      await w.ok(w.users.editor, "POST", `/api/standards/${w.standard.slug}/releases`, { version });
      return w.ok(null, "GET", `/api/standards/${w.standard.slug}/releases/${version}`);
    };

    const first = await accept("First change", "First: ");
    const rejected = await w.propose("Rejected change");
    await w.ok(w.users.author, "POST", `/api/proposals/${rejected}/submit`);
    await w.ok(w.users.editor, "POST", `/api/proposals/${rejected}/reject`, { reason: "No." });
    const v1 = await publish("1.0.0");
    expect(v1.changes).toEqual([{ proposal: first, title: "First change", sections: [w.sections.a.id] }]);
    expect(v1.comments).toEqual([]);

    const reader = await makeUser(t.db, { name: "Reader" });
    const target = { kind: "release_section", standard: w.standard.slug, version: "1.0.0", section: w.sections.a.id };
    const disposed = await w.ok(reader, "POST", "/api/comments", { target, body: "Say which inputs." });
    const pending = await w.ok(reader, "POST", "/api/comments", { target: { ...target, section: undefined }, body: "Nice." });
    const second = await accept("Second change", "Second: ");
    await w.ok(w.users.editor, "PUT", `/api/comments/${disposed.id}/disposition`, { disposition: "accepted-with-modification", response: "Done in the second change.", proposal: second });

    const v2 = await publish("1.1.0");
    expect(v2.changes).toEqual([{ proposal: second, title: "Second change", sections: [w.sections.a.id] }]);
    expect(v2.comments).toEqual([{ id: disposed.id, section: w.sections.a.id, disposition: "accepted_with_modification", response: "Done in the second change." }]);
    expect(v2.comments.map((c: { id: string }) => c.id)).not.toContain(pending.id);
    expect(v2.sections[0].text).toBe("Second: First: Every device shall validate its input.");
  });
});
