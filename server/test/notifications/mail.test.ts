import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addMember, databaseKinds, makeUser, snapshotTables, type TestApp, type TestUser } from "../helper";
import { buildWorkflowWorld, type WorkflowWorld } from "../workflow/fixture";
import { unsubscribeToken, UNSUBSCRIBE_TTL_MS } from "../../src/domain/notifications";
import { mailsTo, startNotifyApp } from "./support";

describe.each(databaseKinds)("notification mail on %s", (kind) => {
  let t: TestApp;
  let w: WorkflowWorld;
  let admin: TestUser;
  beforeAll(async () => {
    t = await startNotifyApp(kind);
    w = await buildWorkflowWorld(t);
    admin = await makeUser(t.db, { admin: true, name: "Admin" });
  });
  afterAll(async () => t?.close());

  const member = async (world: WorkflowWorld, name: string) => {
    const user = await makeUser(t.db, { name });
    await addMember(t.app, world.standard, user, "contributor");
    return user;
  };
  /** A thread the user starts in the world's standard, and a reply to it by someone else: one notification for the user. */
  const replyTo = async (world: WorkflowWorld, user: TestUser, body = "A question.") => {
    const thread = await world.ok(user, "POST", "/api/comments", { target: { kind: "section", standard: world.standard.slug, section: world.sections.a.id }, body });
    await world.ok(world.users.editor, "POST", `/api/comments/${thread.id}/replies`, { body: "An answer <b>in bold</b>." });
    return thread.id as string;
  };
  /** Makes the user's notifications a day older, as if they had come yesterday. */
  const ageNotifications = (user: TestUser) => sql`update notifications set created_at = created_at - interval '25 hours' where user_id = ${user.id}`.execute(t.db);
  const unmailed = async (user: TestUser) =>
    Number((await t.db.selectFrom("notifications").select((eb) => eb.fn.countAll<string>().as("n")).where("user_id", "=", user.id).where("mailed_at", "is", null).executeTakeFirstOrThrow()).n);

  it("has daily as the default preference, changes it, and refuses anything else", async () => {
    const user = await makeUser(t.db);
    expect(await w.ok(user, "GET", "/api/me/preferences")).toEqual({ email: "daily" });
    expect(await w.ok(user, "PATCH", "/api/me/preferences", { email: "immediate" })).toEqual({ email: "immediate" });
    expect(await w.ok(user, "PATCH", "/api/me/preferences", {})).toEqual({ email: "immediate" });
    expect(await w.ok(user, "GET", "/api/me/preferences")).toEqual({ email: "immediate" });
    const before = await snapshotTables(t.db);
    for (const body of [{ email: "weekly" }, { email: null }, { email: 1 }]) {
      const res = await w.call(user, "PATCH", "/api/me/preferences", body);
      expect([res.status, res.body.error.code], JSON.stringify(body)).toEqual([400, "invalid_request"]);
    }
    expect(await snapshotTables(t.db)).toBe(before);
    expect((await w.call(null, "GET", "/api/me/preferences")).status).toBe(401);
    expect((await w.call(null, "PATCH", "/api/me/preferences", { email: "off" })).status).toBe(401);
  });

  it("mails each notification at once to those who want it immediately, with both parts, the link and a one-click unsubscribe", async () => {
    const user = await member(w, "Immediate Ida");
    await w.ok(user, "PATCH", "/api/me/preferences", { email: "immediate" });
    const threadId = await replyTo(w, user, "Which inputs?");
    await t.app.background.drain();
    const mails = await mailsTo(t.db, user);
    expect(mails).toHaveLength(1);
    const [mail] = mails;
    const link = `${t.config.publicUrl}/standards/${w.standard.slug}/sections/${w.sections.a.id}#comment-${threadId}`;
    expect(mail).toMatchObject({ kind: "notification", user_id: user.id, subject: "A test standard: Editor replied to “Which inputs?”" });
    expect(mail!.text_body).toContain("Hello Immediate Ida,");
    expect(mail!.text_body).toContain("Editor replied to “Which inputs?”.");
    expect(mail!.text_body).toContain("“An answer <b>in bold</b>.”");
    expect(mail!.text_body).toContain(`Open the thread: ${link}`);
    expect(mail!.html_body).toContain(`href="${link}"`);
    expect(mail!.html_body).toContain("An answer &lt;b&gt;in bold&lt;/b&gt;.");
    expect(mail!.html_body).not.toContain("<b>in bold</b>");
    const headers = mail!.headers as Record<string, string>;
    expect(headers["List-Unsubscribe-Post"]).toBe("List-Unsubscribe=One-Click");
    const unsubscribe = /^<(.+)>$/.exec(headers["List-Unsubscribe"]!)![1]!;
    expect(unsubscribe.startsWith(`${t.config.publicUrl}/api/unsubscribe?token=`)).toBe(true);
    expect(mail!.text_body).toContain(unsubscribe);
    expect(mail!.html_body).toContain(unsubscribe.replace(/&/g, "&amp;"));
    expect(await unmailed(user)).toBe(0);
    // Draining again sends nothing more; the one who replied got nothing for their own reply.
    await t.app.background.drain();
    expect(await mailsTo(t.db, user)).toHaveLength(1);
    expect(await mailsTo(t.db, w.users.editor)).toHaveLength(0);
  });

  it("mails nothing to those who turned it off", async () => {
    const user = await member(w, "Quiet Quentin");
    await w.ok(user, "PATCH", "/api/me/preferences", { email: "off" });
    await replyTo(w, user);
    await t.app.background.drain();
    await ageNotifications(user);
    await t.app.background.drain();
    expect(await mailsTo(t.db, user)).toEqual([]);
    expect((await w.ok(user, "GET", "/api/me/notifications")).unread).toBe(1);
    // Turned back on, what came while it was off is not mailed in a heap.
    await w.ok(user, "PATCH", "/api/me/preferences", { email: "daily" });
    await t.app.background.drain();
    expect(await mailsTo(t.db, user)).toEqual([]);
    expect(await unmailed(user)).toBe(0);
  });

  it("sends one digest a day at the digest hour, grouping what came by standard and leaving out what can no longer be read", async () => {
    const second = await buildWorkflowWorld(t);
    const third = await buildWorkflowWorld(t);
    const user = await member(w, "Daily Dora");
    await addMember(t.app, second.standard, user, "contributor");
    await addMember(t.app, third.standard, user, "contributor");
    await t.db.updateTable("standards").set({ title: "Second standard" }).where("id", "=", second.standard.id).execute();
    await t.db.updateTable("standards").set({ title: "Third standard" }).where("id", "=", third.standard.id).execute();
    await replyTo(w, user, "First here.");
    await replyTo(w, user, "Second here.");
    await replyTo(second, user, "Over there.");
    await replyTo(third, user, "Soon hidden.");
    await t.app.background.drain();
    // Made today, after today's digest hour (midnight UTC): they wait for tomorrow's.
    expect(await mailsTo(t.db, user)).toEqual([]);
    expect(await unmailed(user)).toBe(4);

    await ageNotifications(user);
    await w.ok(admin, "DELETE", `/api/standards/${third.standard.slug}/members/${user.id}`);
    await t.app.background.drain();
    const [digest, ...more] = await mailsTo(t.db, user);
    expect(more).toEqual([]);
    expect(digest).toMatchObject({ kind: "digest", user_id: user.id, subject: "Your Codewright digest: 3 notifications in 2 standards" });
    const text = digest!.text_body;
    const first = text.indexOf("A test standard\n");
    const other = text.indexOf("Second standard\n");
    expect(first).toBeGreaterThan(0);
    expect(other).toBeGreaterThan(first);
    const [firstGroup, secondGroup] = [text.slice(first, other), text.slice(other)];
    expect(firstGroup).toContain("Editor replied to “First here.”.");
    expect(firstGroup).toContain("Editor replied to “Second here.”.");
    expect(secondGroup).toContain("Editor replied to “Over there.”.");
    expect(text).not.toContain("Soon hidden");
    expect(digest!.html_body).not.toContain("Soon hidden");
    expect(digest!.html_body).toContain("<h2");
    expect(text).toContain(`${t.config.publicUrl}/standards/${second.standard.slug}/sections/${second.sections.a.id}#comment-`);
    expect((digest!.headers as Record<string, string>)["List-Unsubscribe-Post"]).toBe("List-Unsubscribe=One-Click");
    expect(await unmailed(user)).toBe(0);
    const run = await t.db.selectFrom("digest_runs").selectAll().where("user_id", "=", user.id).executeTakeFirstOrThrow();

    // The same day: what comes now, even once it is due, waits for the next day's digest.
    await t.app.background.drain();
    await replyTo(second, user, "Later that day.");
    await t.app.background.drain();
    await ageNotifications(user);
    await t.app.background.drain();
    expect(await mailsTo(t.db, user)).toHaveLength(1);
    // A day later.
    await t.db.updateTable("digest_runs").set({ last_sent_at: new Date(run.last_sent_at.getTime() - 24 * 3600 * 1000) }).where("user_id", "=", user.id).execute();
    await t.app.background.drain();
    const mails = await mailsTo(t.db, user);
    expect(mails).toHaveLength(2);
    expect(mails.map((m) => m.subject)).toContain("Your Codewright digest: 1 notification in Second standard");
  });

  it("unsubscribes with one click and no session; the link's page changes nothing; tampered and expired tokens are refused", async () => {
    const user = await member(w, "Leaving Lea");
    await w.ok(user, "PATCH", "/api/me/preferences", { email: "immediate" });
    await replyTo(w, user);
    await t.app.background.drain();
    const [mail] = await mailsTo(t.db, user);
    const link = /^<(.+)>$/.exec((mail!.headers as Record<string, string>)["List-Unsubscribe"]!)![1]!;
    const path = link.slice(t.config.publicUrl.length);
    const token = new URL(link).searchParams.get("token")!;

    // Opening the link (a person, or a mail scanner) shows a page and changes nothing.
    let before = await snapshotTables(t.db);
    const page = await t.app.inject({ method: "GET", url: path });
    expect(page.statusCode).toBe(200);
    expect(page.headers["content-type"]).toMatch(/^text\/html/);
    expect(page.body).toContain(`<form method="post" action="/api/unsubscribe?token=${encodeURIComponent(token)}">`);
    expect(await snapshotTables(t.db)).toBe(before);

    // Tampered with, signed for another user, or expired: refused, nothing stored.
    const other = await makeUser(t.db);
    const [, action, expires, signature] = token.split(".");
    const flipped = signature!.slice(0, -1) + (signature!.endsWith("A") ? "B" : "A");
    const longer = `${user.id}.${action}.${Number(expires) + 1}.${signature}`;
    const stolen = `${other.id}.${action}.${expires}.${signature}`;
    const expired = await unsubscribeToken(t.db, user.id, new Date(Date.now() - UNSUBSCRIBE_TTL_MS - 60_000));
    before = await snapshotTables(t.db);
    for (const bad of [`${user.id}.${action}.${expires}.${flipped}`, longer, stolen, expired, "", "nonsense", `${token}.more`, token.toUpperCase()]) {
      for (const method of ["GET", "POST"] as const) {
        const res = await t.app.inject({ method, url: `/api/unsubscribe?token=${encodeURIComponent(bad)}`, headers: { "content-type": "application/x-www-form-urlencoded" }, payload: "List-Unsubscribe=One-Click" });
        expect([res.statusCode, res.json().error.code], `${method} ${bad}`).toEqual([400, "invalid_token"]);
      }
    }
    expect((await t.app.inject({ method: "POST", url: "/api/unsubscribe" })).statusCode).toBe(400);
    expect(await snapshotTables(t.db)).toBe(before);

    // RFC 8058: the mail program posts the link with this body, and nothing else.
    const res = await t.app.inject({ method: "POST", url: path, headers: { "content-type": "application/x-www-form-urlencoded" }, payload: "List-Unsubscribe=One-Click" });
    expect([res.statusCode, res.json()]).toEqual([200, { email: "off" }]);
    expect(await w.ok(user, "GET", "/api/me/preferences")).toEqual({ email: "off" });
    await replyTo(w, user);
    await t.app.background.drain();
    expect(await mailsTo(t.db, user)).toHaveLength(1);

    // From the page's button, in a browser: a page back. The same link works until it expires.
    const browser = await t.app.inject({ method: "POST", url: path, headers: { "content-type": "application/x-www-form-urlencoded", accept: "text/html" }, payload: "List-Unsubscribe=One-Click" });
    expect(browser.statusCode).toBe(200);
    expect(browser.headers["content-type"]).toMatch(/^text\/html/);
    expect(browser.body).toContain("no more notification email");
    // Every process signs with the one key the database keeps.
    expect(await t.db.selectFrom("server_secrets").select("name").execute()).toEqual([{ name: "unsubscribe-hmac" }]);
  });
});
