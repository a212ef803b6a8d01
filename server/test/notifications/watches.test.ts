import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addMember, databaseKinds, makeUser, snapshotTables, type TestApp } from "../helper";
import { buildWorkflowWorld, type WorkflowWorld } from "../workflow/fixture";
import { startNotifyApp } from "./support";

describe.each(databaseKinds)("watches on %s", (kind) => {
  let t: TestApp;
  let w: WorkflowWorld;
  beforeAll(async () => {
    t = await startNotifyApp(kind);
    w = await buildWorkflowWorld(t);
  });
  afterAll(async () => t?.close());

  it("watches, lists and unwatches a standard, a section, a proposal and a thread, each named and linked", async () => {
    const user = await makeUser(t.db, { name: "Watcher" });
    await addMember(t.app, w.standard, user, "contributor");
    const proposal = await w.propose("Rotate keys");
    const thread = await w.ok(w.users.contributor, "POST", "/api/comments", {
      target: { kind: "section", standard: w.standard.slug, section: w.sections.a.id },
      body: "A long question about which inputs are meant here, and whether configuration files count as input at all.",
    });
    const targets = [
      ["standard", w.standard.id],
      ["section", w.sections.a.id],
      ["proposal", proposal],
      ["thread", thread.id],
    ] as const;
    for (const [k, id] of targets) {
      expect(await w.ok(user, "GET", `/api/me/watches/${k}/${id}`), k).toEqual({ watching: false });
      expect(await w.ok(user, "PUT", `/api/me/watches/${k}/${id}`), k).toEqual({ watching: true });
      // Again: nothing changes.
      expect(await w.ok(user, "PUT", `/api/me/watches/${k}/${id}`), k).toEqual({ watching: true });
      expect(await w.ok(user, "GET", `/api/me/watches/${k}/${id}`), k).toEqual({ watching: true });
    }
    const list = (await w.ok(user, "GET", "/api/me/watches")).watches;
    const byKind = Object.fromEntries(list.map((x: { kind: string }) => [x.kind, x]));
    expect(list).toHaveLength(4);
    expect(byKind.standard).toMatchObject({ id: w.standard.id, standard: w.standard.slug, title: "A test standard", link: `/standards/${w.standard.slug}` });
    expect(byKind.section).toMatchObject({ id: w.sections.a.id, title: `${w.sections.a.label} Validate input`, link: `/standards/${w.standard.slug}/sections/${w.sections.a.id}` });
    expect(byKind.proposal).toMatchObject({ id: proposal, title: "Rotate keys", link: `/proposals/${proposal}` });
    expect(byKind.thread).toMatchObject({ id: thread.id, link: `/standards/${w.standard.slug}/sections/${w.sections.a.id}#comment-${thread.id}` });
    expect(byKind.thread.title).toMatch(/^A long question about which inputs .*…$/);
    expect(byKind.thread.title.length).toBeLessThanOrEqual(80);
    for (const x of list) expect(Date.parse(x.createdAt)).not.toBeNaN();

    for (const [k, id] of targets) {
      expect(await w.ok(user, "DELETE", `/api/me/watches/${k}/${id}`), k).toEqual({ watching: false });
      expect(await w.ok(user, "DELETE", `/api/me/watches/${k}/${id}`), k).toEqual({ watching: false });
    }
    expect((await w.ok(user, "GET", "/api/me/watches")).watches).toEqual([]);
  });

  it("answers 404 for what does not exist or cannot be read, as for anything hidden, and 401 to the anonymous on what they may read", async () => {
    const before = await snapshotTables(t.db);
    for (const method of ["GET", "PUT", "DELETE"] as const) {
      for (const k of ["standard", "section", "proposal", "thread"]) {
        const missing = await w.call(w.users.contributor, method, `/api/me/watches/${k}/${randomUUID()}`);
        expect([missing.status, missing.body.error.code], `${method} missing ${k}`).toEqual([404, "not_found"]);
      }
      // The members-only standard and its section, to someone outside it and to the anonymous.
      for (const path of [`standard/${w.standard.id}`, `section/${w.sections.a.id}`]) {
        for (const who of [w.users.nonMember, w.users.otherEditor, null]) {
          const res = await w.call(who, method, `/api/me/watches/${path}`);
          expect([res.status, res.body.error.code], `${method} ${path} as ${who?.display_name ?? "anonymous"}`).toEqual([404, "not_found"]);
        }
      }
    }
    expect(await snapshotTables(t.db)).toBe(before);
    const pub = await buildWorkflowWorld(t, { isPublic: true });
    const res = await pub.call(null, "PUT", `/api/me/watches/standard/${pub.standard.id}`);
    expect([res.status, res.body.error.code]).toEqual([401, "unauthenticated"]);
    // A reader of a public standard who is no member may watch it.
    expect(await pub.ok(w.users.nonMember, "PUT", `/api/me/watches/section/${pub.sections.b.id}`)).toEqual({ watching: true });
    // A deleted section cannot be watched any more, and is not listed.
    await pub.ok(pub.users.editor, "DELETE", `/api/standards/${pub.standard.slug}/sections/${pub.sections.b.id}`);
    expect((await pub.call(w.users.nonMember, "PUT", `/api/me/watches/section/${pub.sections.b.id}`)).status).toBe(404);
    expect((await pub.ok(w.users.nonMember, "GET", "/api/me/watches")).watches).toEqual([]);
  });

  it("makes authors watch their proposals and threads, co-authors the proposal, and whoever replies the thread", async () => {
    const v = await buildWorkflowWorld(t);
    const proposal = await v.propose("Mine");
    await v.ok(v.users.author, "POST", `/api/proposals/${proposal}/co-authors`, { userId: v.users.coAuthor.id });
    const thread = await v.ok(v.users.contributor, "POST", "/api/comments", { target: { kind: "proposal", standard: v.standard.slug, proposal }, body: "Why?" });
    await v.ok(v.users.voter, "POST", `/api/comments/${thread.id}/replies`, { body: "Because." });
    expect(await v.ok(v.users.author, "GET", `/api/me/watches/proposal/${proposal}`)).toEqual({ watching: true });
    expect(await v.ok(v.users.coAuthor, "GET", `/api/me/watches/proposal/${proposal}`)).toEqual({ watching: true });
    expect(await v.ok(v.users.contributor, "GET", `/api/me/watches/proposal/${proposal}`)).toEqual({ watching: false });
    for (const u of [v.users.contributor, v.users.voter]) expect(await v.ok(u, "GET", `/api/me/watches/thread/${thread.id}`), u.display_name).toEqual({ watching: true });
    expect(await v.ok(v.users.author, "GET", `/api/me/watches/thread/${thread.id}`)).toEqual({ watching: false });
    expect((await v.ok(v.users.contributor, "GET", "/api/me/watches")).watches).toMatchObject([{ kind: "thread", id: thread.id, title: "Why?", link: `/proposals/${proposal}#comment-${thread.id}` }]);

    // Unwatched, an author hears no more; a refused write makes no watch.
    await v.ok(v.users.voter, "DELETE", `/api/me/watches/thread/${thread.id}`);
    await v.ok(v.users.contributor, "POST", `/api/comments/${thread.id}/replies`, { body: "Still not clear." });
    await t.app.background.drain();
    expect((await v.ok(v.users.voter, "GET", "/api/me/notifications")).notifications).toEqual([]);
    const before = await snapshotTables(t.db);
    expect((await v.call(v.users.nonMember, "POST", `/api/standards/${v.standard.slug}/proposals`, { title: "Not mine to make" })).status).toBe(404);
    expect((await v.call(v.users.author, "POST", `/api/comments/${thread.id}/replies`, { body: "   " })).status).toBe(400);
    expect(await snapshotTables(t.db)).toBe(before);
  });
});
