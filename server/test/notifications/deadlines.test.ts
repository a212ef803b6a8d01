import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addMember, databaseKinds, makeUser, type TestApp } from "../helper";
import { buildWorkflowWorld, type WorkflowWorld } from "../workflow/fixture";
import { scheduleDeadline } from "../../src/domain/notifications";
import { eventsOf, inboxLines, mailsTo, startNotifyApp } from "./support";

const HOUR = 3600 * 1000;

describe.each(databaseKinds)("deadline reminders on %s", (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startNotifyApp(kind);
  });
  afterAll(async () => t?.close());

  it("reminds the standard's members and watchers who may read it, once, 48 hours before a deadline", async () => {
    const w: WorkflowWorld = await buildWorkflowWorld(t, { isPublic: true });
    const admin = await makeUser(t.db, { admin: true });
    const reader = await makeUser(t.db, { name: "Reader" });
    const stranger = await makeUser(t.db, { name: "Stranger" });
    const proposalFan = await makeUser(t.db, { name: "Proposal fan" });
    await w.ok(reader, "PUT", `/api/me/watches/standard/${w.standard.id}`);
    const proposal = await w.propose("Rotate keys");
    await w.ok(proposalFan, "PUT", `/api/me/watches/proposal/${proposal}`);
    await w.ok(proposalFan, "PATCH", "/api/me/preferences", { email: "immediate" });

    const closesAt = new Date(Date.now() + 24 * HOUR);
    const soon = await t.db.transaction().execute((trx) =>
      scheduleDeadline(trx, { standardId: w.standard.id, kind: "ballot", subjectType: "proposal", subjectId: proposal, title: "The ballot on “Rotate keys”", closesAt }),
    );
    const later = await scheduleDeadline(t.db, { standardId: w.standard.id, kind: "comment-period", subjectType: "release", subjectId: "1.0.0", title: "The comment period on 1.0.0", closesAt: new Date(Date.now() + 72 * HOUR) });
    await scheduleDeadline(t.db, { standardId: w.standard.id, kind: "comment-period", subjectType: "release", subjectId: "0.9.0", title: "The comment period on 0.9.0", closesAt: new Date(Date.now() - HOUR) });
    await t.app.background.drain();

    const when = `${closesAt.toISOString().slice(0, 16).replace("T", " ")} UTC`;
    const line = `deadline.approaching The ballot on “Rotate keys” closes on ${when}`;
    const everyone = [...Object.values(w.users).filter((u) => u.id !== w.users.nonMember.id && u.id !== w.users.otherEditor.id), reader, proposalFan];
    for (const u of everyone) expect(await inboxLines(w.ok, u), u.display_name).toEqual([line]);
    for (const u of [stranger, w.users.nonMember, w.users.otherEditor]) expect(await inboxLines(w.ok, u), u.display_name).toEqual([]);
    const [n] = (await w.ok(reader, "GET", "/api/me/notifications")).notifications;
    expect(n).toMatchObject({ actor: null, link: `/proposals/${proposal}`, standard: w.standard.slug });
    const [mail] = await mailsTo(t.db, proposalFan);
    expect(mail).toMatchObject({ kind: "notification", subject: `A test standard: The ballot on “Rotate keys” closes on ${when}` });
    expect(mail!.text_body).toContain(`Open it: ${t.config.publicUrl}/proposals/${proposal}`);

    // Once: draining again, or scheduling it again for the same time, reminds nobody again.
    await t.app.background.drain();
    expect(await scheduleDeadline(t.db, { standardId: w.standard.id, kind: "ballot", subjectType: "proposal", subjectId: proposal, title: "The ballot on “Rotate keys”", closesAt })).toBe(soon);
    await t.app.background.drain();
    expect(await eventsOf(w.ok, reader)).toEqual(["deadline.approaching"]);

    // A reader who can no longer read the standard is not reminded; the later deadline, moved closer, reminds once.
    await w.ok(admin, "PATCH", `/api/standards/${w.standard.slug}`, { isPublic: false });
    expect(await scheduleDeadline(t.db, { standardId: w.standard.id, kind: "comment-period", subjectType: "release", subjectId: "1.0.0", title: "The comment period on 1.0.0", closesAt: new Date(Date.now() + 47 * HOUR) })).toBe(later);
    await t.app.background.drain();
    await t.app.background.drain();
    expect(await eventsOf(w.ok, w.users.contributor)).toEqual(["deadline.approaching", "deadline.approaching"]);
    expect((await w.ok(w.users.contributor, "GET", "/api/me/notifications")).notifications[0]).toMatchObject({ link: `/standards/${w.standard.slug}/releases/1.0.0` });
    await w.ok(admin, "PATCH", `/api/standards/${w.standard.slug}`, { isPublic: true });
    expect(await eventsOf(w.ok, reader)).toEqual(["deadline.approaching"]);
    // The deadline that had passed unreminded is marked, and told of to nobody.
    const rows = await t.db.selectFrom("deadlines").select(["subject_id", "reminded_at"]).where("standard_id", "=", w.standard.id).orderBy("subject_id").execute();
    expect(rows.map((r) => [r.subject_id, r.reminded_at !== null])).toEqual([
      ["0.9.0", true],
      ["1.0.0", true],
      [proposal, true],
    ]);
    const told = await t.db.selectFrom("notifications").select("payload").where("event", "=", "deadline.approaching").execute();
    expect(told.some((r) => JSON.stringify(r.payload).includes("0.9.0"))).toBe(false);
  });
});
