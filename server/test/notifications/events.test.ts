import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addMember, databaseKinds, makeStandard, makeUser, sessionCookie, snapshotTables, type TestApp, type TestUser } from "../helper";
import { buildWorkflowWorld, type WorkflowWorld } from "../workflow/fixture";
import { eventsOf, inboxLines, startNotifyApp } from "./support";
import { ends, readEvents } from "./sse";

describe.each(databaseKinds)("notifications on %s", (kind) => {
  let t: TestApp;
  let w: WorkflowWorld;
  let url: string;
  let admin: TestUser;
  beforeAll(async () => {
    t = await startNotifyApp(kind);
    await t.app.listen({ port: 0, host: "127.0.0.1" });
    url = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    w = await buildWorkflowWorld(t);
    admin = await makeUser(t.db, { admin: true, name: "Admin" });
  });
  afterAll(async () => t?.close());

  const member = async (world: WorkflowWorld, name: string, voting = false) => {
    const user = await makeUser(t.db, { name });
    await addMember(t.app, world.standard, user, "contributor", voting);
    return user;
  };

  it("tells watchers of a proposal, of its standard and of the sections it touches of its submission, reopening and decision; voters that their vote is needed; never the actor", async () => {
    const v = await buildWorkflowWorld(t);
    const sectionFan = await member(v, "Section fan");
    const otherFan = await member(v, "Other section fan");
    await v.ok(v.users.contributor, "PUT", `/api/me/watches/standard/${v.standard.id}`);
    await v.ok(sectionFan, "PUT", `/api/me/watches/section/${v.sections.a.id}`);
    await v.ok(otherFan, "PUT", `/api/me/watches/section/${v.sections.b.id}`);

    const id = await v.propose("Rotate keys");
    await v.ok(v.users.author, "POST", `/api/proposals/${id}/co-authors`, { userId: v.users.coAuthor.id });
    // The proposal touches section a (it retitles it), not b.
    await v.ok(v.users.author, "PATCH", `/api/proposals/${id}/sections/${v.sections.a.id}`, { title: "Validate all input" });
    await v.ok(v.users.author, "POST", `/api/proposals/${id}/submit`);
    await t.app.background.drain();

    const watchers = [v.users.coAuthor, v.users.contributor, sectionFan];
    const voters = [v.users.voter, v.users.voter2, v.users.editor];
    for (const u of watchers) expect(await inboxLines(v.ok, u), u.display_name).toEqual(["proposal.submitted Author submitted “Rotate keys” for review"]);
    for (const u of voters) expect(await inboxLines(v.ok, u), u.display_name).toEqual(["vote.needed Author submitted “Rotate keys” for review: your vote is needed"]);
    for (const u of [v.users.author, otherFan, v.users.nonMember, v.users.otherEditor]) expect(await inboxLines(v.ok, u), u.display_name).toEqual([]);

    await v.ok(v.users.author, "POST", `/api/proposals/${id}/reopen`);
    await v.ok(v.users.author, "POST", `/api/proposals/${id}/submit`);
    await v.ok(v.users.editor, "POST", `/api/proposals/${id}/accept`, { note: "Agreed at the meeting." });
    await t.app.background.drain();

    for (const u of watchers) expect(await eventsOf(v.ok, u), u.display_name).toEqual(["proposal.submitted", "proposal.reopened", "proposal.submitted", "proposal.decided"]);
    expect(await eventsOf(v.ok, v.users.author)).toEqual(["proposal.decided"]);
    expect(await eventsOf(v.ok, v.users.voter)).toEqual(["vote.needed", "vote.needed"]);
    // The editor decided it: they are not told of their own decision.
    expect(await eventsOf(v.ok, v.users.editor)).toEqual(["vote.needed", "vote.needed"]);
    expect(await eventsOf(v.ok, otherFan)).toEqual([]);

    const [decided] = (await v.ok(sectionFan, "GET", "/api/me/notifications")).notifications;
    expect(decided).toMatchObject({
      event: "proposal.decided",
      read: false,
      actor: { id: v.users.editor.id, displayName: "Editor", affiliation: null },
      standard: v.standard.slug,
      standardTitle: "A test standard",
      summary: "Editor accepted “Rotate keys”",
      link: `/proposals/${id}`,
    });
    const reopened = (await v.ok(sectionFan, "GET", "/api/me/notifications")).notifications[2];
    expect(reopened).toMatchObject({ event: "proposal.reopened", summary: "Author moved “Rotate keys” back to draft", actor: { id: v.users.author.id } });
  });

  it("tells a thread's watchers of replies (its author and whoever replied), a commenter of the disposition of their comment, and a standard's watchers of a release", async () => {
    const thread = await w.ok(w.users.contributor, "POST", "/api/comments", { target: { kind: "section", standard: w.standard.slug, section: w.sections.a.id }, body: "Which inputs?\nAll of them?" });
    await w.ok(w.users.voter, "POST", `/api/comments/${thread.id}/replies`, { body: "Every one that crosses a trust boundary." });
    await w.ok(w.users.author, "POST", `/api/comments/${thread.id}/replies`, { body: "Agreed." });
    await t.app.background.drain();
    const link = `/standards/${w.standard.slug}/sections/${w.sections.a.id}#comment-${thread.id}`;
    expect(await inboxLines(w.ok, w.users.contributor)).toEqual(["comment.reply Author replied to “Which inputs? All of them?”", "comment.reply Voter replied to “Which inputs? All of them?”"]);
    expect(await inboxLines(w.ok, w.users.voter)).toEqual(["comment.reply Author replied to “Which inputs? All of them?”"]);
    expect(await inboxLines(w.ok, w.users.author)).toEqual([]);
    expect((await w.ok(w.users.voter, "GET", "/api/me/notifications")).notifications[0].link).toBe(link);

    // A public standard: a reader comments on its release and watches it; an editor answers and publishes.
    const pub = await buildWorkflowWorld(t, { isPublic: true });
    await pub.ok(pub.users.editor, "POST", `/api/standards/${pub.standard.slug}/releases`, { version: "1.0.0", notes: "First." });
    const reader = await makeUser(t.db, { name: "Reader" });
    await pub.ok(reader, "PUT", `/api/me/watches/standard/${pub.standard.id}`);
    const comment = await pub.ok(reader, "POST", "/api/comments", { target: { kind: "release_section", standard: pub.standard.slug, version: "1.0.0", section: pub.sections.a.id }, body: "Define validation." });
    await pub.ok(pub.users.editor, "PUT", `/api/comments/${comment.id}/disposition`, { disposition: "accepted-with-modification", response: "In the next edition." });
    await pub.ok(pub.users.editor, "POST", `/api/standards/${pub.standard.slug}/releases`, { version: "1.1.0", notes: "Second." });
    await t.app.background.drain();
    const got = (await pub.ok(reader, "GET", "/api/me/notifications")).notifications;
    expect(got.map((n: { event: string; summary: string; link: string }) => [n.event, n.summary, n.link])).toEqual([
      ["release.published", "Editor published release 1.1.0 of A test standard", `/standards/${pub.standard.slug}/releases/1.1.0`],
      ["comment.disposed", "Editor recorded a disposition on your comment “Define validation.”: accepted with modification", `/standards/${pub.standard.slug}/releases/1.0.0/sections/${pub.sections.a.id}#comment-${comment.id}`],
    ]);
    // Members who watch nothing of it hear of neither; the editor of neither (both are theirs).
    for (const u of [pub.users.contributor, pub.users.editor, pub.users.voter]) expect(await inboxLines(pub.ok, u), u.display_name).toEqual([]);
  });

  it("tells nobody about what they may not read now: not when it happens, not in the inbox, not in the count", async () => {
    // A public standard, one of whose readers watches it; it then becomes members-only.
    const open = await buildWorkflowWorld(t, { isPublic: true });
    const reader = await makeUser(t.db, { name: "Reader" });
    const leaver = await member(open, "Leaver");
    const disabled = await member(open, "Soon disabled");
    for (const u of [reader, leaver, disabled]) await open.ok(u, "PUT", `/api/me/watches/standard/${open.standard.id}`);
    await open.ok(open.users.editor, "POST", `/api/standards/${open.standard.slug}/releases`, { version: "1.0.0", notes: "" });
    await t.app.background.drain();
    for (const u of [reader, leaver, disabled]) expect(await eventsOf(open.ok, u), u.display_name).toEqual(["release.published"]);

    await open.ok(admin, "PATCH", `/api/standards/${open.standard.slug}`, { isPublic: false });
    await open.ok(admin, "DELETE", `/api/standards/${open.standard.slug}/members/${leaver.id}`);
    await open.ok(admin, "PATCH", `/api/users/${disabled.id}`, { disabled: true });
    await open.ok(open.users.editor, "POST", `/api/standards/${open.standard.slug}/releases`, { version: "2.0.0", notes: "" });
    await t.app.background.drain();

    for (const u of [reader, leaver]) {
      expect(await open.ok(u, "GET", "/api/me/notifications"), u.display_name).toEqual({ notifications: [], nextCursor: null, unread: 0 });
      expect(await open.ok(u, "GET", `/api/me/notifications?unread=true`), u.display_name).toMatchObject({ notifications: [], unread: 0 });
    }
    // Nothing was made for them, nor for the disabled user, of the second release.
    const stored = await t.db
      .selectFrom("notifications")
      .select(["user_id", "payload"])
      .where("user_id", "in", [reader.id, leaver.id, disabled.id])
      .execute();
    expect(stored.map((n) => (n.payload as { summary: string }).summary).sort()).toEqual(Array(3).fill("Editor published release 1.0.0 of A test standard"));
    // They cannot watch it again, or ask whether they do: it is missing to them.
    expect((await open.call(reader, "PUT", `/api/me/watches/standard/${open.standard.id}`)).status).toBe(404);
    expect((await open.call(reader, "GET", `/api/me/watches/standard/${open.standard.id}`)).status).toBe(404);
    expect((await open.ok(reader, "GET", "/api/me/watches")).watches).toEqual([]);

    // Rights come back, and so does what was made while they could read it.
    await open.ok(admin, "PATCH", `/api/standards/${open.standard.slug}`, { isPublic: true });
    expect(await inboxLines(open.ok, reader)).toEqual(["release.published Editor published release 1.0.0 of A test standard"]);
  });

  it("pages the inbox newest first with a cursor, filters unread ones and marks them read", async () => {
    const user = await member(w, "Pager");
    const replier = await member(w, "Replier");
    const thread = await w.ok(user, "POST", "/api/comments", { target: { kind: "section", standard: w.standard.slug, section: w.sections.b.id }, body: "Count with me." });
    for (let i = 1; i <= 5; i++) await w.ok(replier, "POST", `/api/comments/${thread.id}/replies`, { body: `Reply ${i}` });
    await t.app.background.drain();

    const pages = [];
    let cursor: string | null = null;
    do {
      const page: { notifications: Array<{ id: string }>; nextCursor: string | null; unread: number } = await w.ok(user, "GET", `/api/me/notifications?limit=2${cursor ? `&cursor=${cursor}` : ""}`);
      expect(page.unread).toBe(5);
      pages.push(page.notifications.map((n) => n.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(pages.map((p) => p.length)).toEqual([2, 2, 1]);
    const ids = pages.flat();
    expect(ids.map(BigInt)).toEqual([...ids.map(BigInt)].sort((a, b) => (a > b ? -1 : 1)));
    expect(new Set(ids).size).toBe(5);

    expect(await w.ok(user, "POST", "/api/me/notifications/read", { ids: ids.slice(0, 2) })).toEqual({ unread: 3 });
    const unread = await w.ok(user, "GET", "/api/me/notifications?unread=true");
    expect(unread.notifications.map((n: { id: string }) => n.id)).toEqual(ids.slice(2));
    expect((await w.ok(user, "GET", "/api/me/notifications")).notifications.map((n: { read: boolean }) => n.read)).toEqual([true, true, false, false, false]);
    // Someone else's ids are passed over: the other user marks nothing of this one's.
    expect(await w.ok(replier, "POST", "/api/me/notifications/read", { ids: ids.slice(2) })).toEqual({ unread: 0 });
    expect((await w.ok(user, "GET", "/api/me/notifications")).unread).toBe(3);
    expect(await w.ok(user, "POST", "/api/me/notifications/read", { all: true })).toEqual({ unread: 0 });
    expect((await w.ok(user, "GET", "/api/me/notifications?unread=true")).notifications).toEqual([]);
  });

  it("refuses a malformed cursor, limit or marking with 400 and stores nothing", async () => {
    const user = w.users.contributor;
    const before = await snapshotTables(t.db);
    for (const query of ["cursor=abc", "cursor=-1", "cursor=9223372036854775808", "cursor=", "limit=0", "limit=201", "limit=1000", "limit=x", "unread=yes"]) {
      const res = await w.call(user, "GET", `/api/me/notifications?${query}`);
      expect([res.status, res.body?.error?.code], query).toEqual([400, "invalid_request"]);
    }
    for (const body of [{}, { ids: [] }, { all: false }, { ids: ["x"] }, { ids: ["1"], all: true }, { ids: ["9223372036854775808"] }]) {
      const res = await w.call(user, "POST", "/api/me/notifications/read", body);
      expect([res.status, res.body?.error?.code], JSON.stringify(body)).toEqual([400, "invalid_request"]);
    }
    for (const path of ["/api/me/watches/thing/00000000-0000-4000-8000-000000000000", "/api/me/watches/standard/not-a-uuid"]) {
      const res = await w.call(user, "PUT", path);
      expect([res.status, res.body?.error?.code], path).toEqual([400, "invalid_request"]);
    }
    expect(await snapshotTables(t.db)).toBe(before);
    expect((await w.call(null, "GET", "/api/me/notifications")).status).toBe(401);
  });

  it("streams the unread count, live, as it rises and falls; the stream ends with the session it was opened with", async () => {
    const user = await member(w, "Streamer");
    const cookie = await sessionCookie(t.app, user.email);
    const thread = await w.ok(user, "POST", "/api/comments", { target: { kind: "section", standard: w.standard.slug, section: w.sections.a.id }, body: "Live?" });
    const res = await fetch(`${url}/api/me/notifications/stream`, { headers: { cookie } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const reader = res.body!.getReader();
    expect(await readEvents(reader, 1)).toEqual([{ event: "unread", data: { unread: 0 } }]);

    // No drain: the reply's event is dispatched because it was recorded in this process, and the stream hears of it.
    await w.ok(w.users.voter, "POST", `/api/comments/${thread.id}/replies`, { body: "Yes." });
    expect(await readEvents(reader, 1)).toEqual([{ event: "unread", data: { unread: 1 } }]);
    await w.ok(w.users.editor, "POST", `/api/comments/${thread.id}/replies`, { body: "Indeed." });
    expect(await readEvents(reader, 1)).toEqual([{ event: "unread", data: { unread: 2 } }]);
    await w.ok(user, "POST", "/api/me/notifications/read", { all: true });
    expect(await readEvents(reader, 1)).toEqual([{ event: "unread", data: { unread: 0 } }]);

    const logout = await fetch(`${url}/api/auth/logout`, { method: "POST", headers: { cookie, origin: url } });
    expect(logout.status).toBe(200);
    expect(await ends(reader)).toBe(true);
    expect((await fetch(`${url}/api/me/notifications/stream?wait=0`, { headers: { cookie } })).status).toBe(401);
    expect((await fetch(`${url}/api/me/notifications/stream?wait=0`)).status).toBe(401);
    const once = await fetch(`${url}/api/me/notifications/stream?wait=0`, { headers: user.auth });
    expect(await once.text()).toBe("retry: 5000\n\nevent: unread\ndata: {\"unread\":0}\n\n");
  });

  it("makes standards known by id, for watching them", async () => {
    const standard = await makeStandard(t.db, { isPublic: true });
    expect((await w.ok(null, "GET", `/api/standards/${standard.slug}`)).id).toBe(standard.id);
  });
});
