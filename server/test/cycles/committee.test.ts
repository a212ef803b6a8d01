import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { databaseKinds, makeUser, snapshotTables, startTestApp, TestClock, testConfig, type TestApp, type TestUser } from "../helper";
import { bodyXml, connectClient, eventually, listenSync, waitFor, type Client } from "../sync/helpers";
import { buildWorkflowWorld, editRoom, roomText, textOf, type WorkflowWorld } from "../workflow/fixture";

const HOUR = 3600_000;
const START = Date.UTC(2027, 2, 1, 9, 0, 0);
const INPUT_OPENS = START + HOUR;
const INPUT_CLOSES = START + 2 * HOUR;
const COMMITTEE_CLOSES = START + 3 * HOUR;
const BALLOT_CLOSES = START + 4 * HOUR;
const iso = (ms: number) => new Date(ms).toISOString();

describe.each(databaseKinds)("public input and committee actions on %s", (kind) => {
  let t: TestApp;
  let base: string;
  const clock = new TestClock(START);
  const clients: Client[] = [];
  const track = (c: Client) => (clients.push(c), c);
  beforeAll(async () => {
    // No settling worker on a timer: every request settles its own cycle to the test's clock.
    t = await startTestApp(kind, { background: { ...testConfig().background, pollMs: 0 } }, { clock });
    base = await listenSync(t.app);
  });
  afterEach(() => {
    for (const c of clients.splice(0)) c.destroy();
  });
  afterAll(async () => t?.close());

  interface Setup {
    w: WorkflowWorld;
    cycleId: string;
    slug: string;
    create(user: TestUser | null, body?: Record<string, unknown>): Promise<{ status: number; body: any }>;
    act(user: TestUser | null, id: string, action: string, statement: string): Promise<{ status: number; body: any }>;
    cycle(): Promise<any>;
  }

  /** A standard released as 1.0.0 with a cycle of input, committee and ballot stages; the clock at START, before input. */
  async function setup(opts: { isPublic?: boolean } = {}): Promise<Setup> {
    clock.set(START);
    const w = await buildWorkflowWorld(t, { isPublic: opts.isPublic ?? true });
    const slug = w.standard.slug;
    await w.ok(w.users.editor, "POST", `/api/standards/${slug}/releases`, { version: "1.0.0" });
    const stages = [
      { kind: "input", opensAt: iso(INPUT_OPENS), closesAt: iso(INPUT_CLOSES) },
      { kind: "committee", opensAt: iso(INPUT_CLOSES), closesAt: iso(COMMITTEE_CLOSES) },
      { kind: "ballot", opensAt: iso(COMMITTEE_CLOSES), closesAt: iso(BALLOT_CLOSES) },
    ];
    const cycleId = (await w.ok(w.users.editor, "POST", `/api/standards/${slug}/cycles`, { title: "Edition 2", baseVersion: "1.0.0", stages })).cycle.id as string;
    return {
      w,
      cycleId,
      slug,
      create: (user, body = {}) => w.call(user, "POST", `/api/standards/${slug}/proposals`, { title: "An input", rationale: "Because it is safer.", ...body }),
      act: (user, id, action, statement) => w.call(user, "PUT", `/api/proposals/${id}/committee-action`, { action, statement }),
      cycle: async () => (await w.ok(w.users.editor, "GET", `/api/cycles/${cycleId}`)).cycle,
    };
  }

  /** Runs `refused`, expects its status and code, and that nothing stored changed (the cycle settled to the clock first). */
  async function refusedUnchanged(s: Setup, refused: () => Promise<{ status: number; body: any }>, status: number, code: string) {
    await s.cycle();
    const before = await snapshotTables(t);
    const res = await refused();
    expect(res.status, JSON.stringify(res.body)).toBe(status);
    expect(res.body.error.code).toBe(code);
    expect(await snapshotTables(t)).toBe(before);
    return res;
  }

  const proposes = async (s: Setup, user: TestUser) => (await s.w.ok(user, "GET", `/api/standards/${s.slug}`)).permissions.propose as boolean;

  it("takes proposals from verified non-members during the input stage only, to its last millisecond", async () => {
    const s = await setup();
    const { users } = s.w;
    const early = await refusedUnchanged(s, () => s.create(users.nonMember), 409, "stage_closed");
    expect(early.body.error.message).toMatch(/input stage of “Edition 2” is upcoming: its window is 1 Mar 2027, 10:00:00 \(UTC\) to 1 Mar 2027, 11:00:00 \(UTC\)/);
    await refusedUnchanged(s, () => s.create(users.contributor), 409, "stage_closed");
    expect(await proposes(s, users.nonMember)).toBe(false);
    expect(await proposes(s, users.contributor)).toBe(false);
    // Editors still make proposals that are not inputs, at any time.
    expect(await proposes(s, users.editor)).toBe(true);
    const editors = (await s.create(users.editor)).body.id as string;
    expect((await s.w.ok(users.editor, "GET", `/api/proposals/${editors}`)).cycle).toBeNull();

    clock.set(INPUT_OPENS);
    expect(await proposes(s, users.nonMember)).toBe(true);
    const unverified = await makeUser(t.db, { name: "Unverified reader", verified: false });
    await refusedUnchanged(s, () => s.create(unverified), 403, "email_unverified");
    await refusedUnchanged(s, () => s.create(null), 401, "unauthenticated");
    await refusedUnchanged(s, () => s.create(users.nonMember, { fromSection: "00000000-0000-4000-8000-000000000000" }), 404, "not_found");

    const created = await s.create(users.nonMember, { affiliation: "  Fire Safety Lab ", fromSection: s.w.sections.a.id });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.id as string;
    const detail = await s.w.ok(users.nonMember, "GET", `/api/proposals/${id}`);
    expect(detail).toMatchObject({ cycle: s.cycleId, committeeAction: null, rationale: "Because it is safer.", author: { displayName: "Non member", affiliation: "Fire Safety Lab" } });
    expect(detail.sections.find((x: { id: string }) => x.id === s.w.sections.a.id).forked).toBe(true);
    expect(detail.permissions).toMatchObject({ edit: true, submit: true, vote: false, decide: false, recordCommitteeAction: false });
    // An affiliation on the profile already stays: the account page changes it.
    await s.create(users.nonMember, { affiliation: "Another lab" });
    expect((await s.w.ok(users.nonMember, "GET", "/api/me")).user.affiliation).toBe("Fire Safety Lab");

    // The author edits their input; other non-members do not.
    expect((await s.w.call(users.nonMember, "PATCH", `/api/proposals/${id}`, { title: "Validate the input length" })).status).toBe(200);
    const stranger = await makeUser(t.db, { name: "Stranger" });
    await refusedUnchanged(s, () => s.w.call(stranger, "PATCH", `/api/proposals/${id}`, { title: "Mine now" }), 403, "forbidden");
    // A member's proposal made during input is an input too.
    const members = (await s.create(users.contributor)).body.id as string;
    expect((await s.w.ok(users.contributor, "GET", `/api/proposals/${members}`)).cycle).toBe(s.cycleId);
    const late = (await s.create(stranger)).body.id as string;

    clock.set(INPUT_CLOSES - 1);
    const submitted = await s.w.ok(users.nonMember, "POST", `/api/proposals/${id}/submit`);
    expect(submitted).toMatchObject({ state: "open", cycle: s.cycleId });
    clock.set(INPUT_CLOSES);
    const closed = await refusedUnchanged(s, () => s.w.call(stranger, "POST", `/api/proposals/${late}/submit`), 409, "stage_closed");
    expect(closed.body.error.message).toMatch(/input stage of “Edition 2” is closed/);
    await refusedUnchanged(s, () => s.create(users.nonMember), 409, "stage_closed");
    await refusedUnchanged(s, () => s.w.call(users.nonMember, "POST", `/api/proposals/${id}/reopen`), 409, "stage_closed");
    expect(await proposes(s, users.nonMember)).toBe(false);
    // The editor's proposal, not an input, is still submitted.
    expect((await s.w.call(users.editor, "POST", `/api/proposals/${editors}/submit`)).status).toBe(200);
    const cycle = await s.cycle();
    expect(cycle.counts.inputs).toBe(1);
    expect(cycle.blockers.map((b: { kind: string; target: { id: string } }) => [b.kind, b.target.id])).toEqual([["input-without-action", id]]);
  });

  it("keeps a members-only standard's input to its members", async () => {
    const s = await setup({ isPublic: false });
    clock.set(INPUT_OPENS);
    await refusedUnchanged(s, () => s.create(s.w.users.nonMember), 404, "not_found");
    const id = (await s.create(s.w.users.contributor)).body.id as string;
    expect((await s.w.ok(s.w.users.contributor, "GET", `/api/proposals/${id}`)).cycle).toBe(s.cycleId);
  });

  it("lets non-member authors and invited co-authors write their input's rooms live, and editors during committee", async () => {
    const s = await setup();
    const { users } = s.w;
    clock.set(INPUT_OPENS);
    const id = (await s.create(users.nonMember)).body.id as string;
    const coAuthor = await makeUser(t.db, { name: "Reader co-author" });
    const unverified = await makeUser(t.db, { name: "Unverified", verified: false });
    await refusedUnchanged(s, () => s.w.call(users.nonMember, "POST", `/api/proposals/${id}/co-authors`, { userId: unverified.id }), 400, "not_a_member");
    await s.w.ok(users.nonMember, "POST", `/api/proposals/${id}/co-authors`, { userId: coAuthor.id });
    const room = `proposal.${id}.${s.w.sections.a.id}`;
    const author = track(connectClient(base, room, { token: users.nonMember.token }));
    await author.synced();
    const co = track(connectClient(base, room, { token: coAuthor.token }));
    await co.synced();
    appendTo(author, " Inputs are bounded.");
    await waitFor(() => bodyXml(co.doc).includes("Inputs are bounded."), "the co-author sees the author's edit");
    appendTo(co, " And checked.");
    await eventually(async () => (await roomText(t.db, room)).endsWith("Inputs are bounded. And checked."), "the authors' edits stored");
    await s.w.ok(users.nonMember, "POST", `/api/proposals/${id}/submit`);

    clock.set(INPUT_CLOSES);
    await s.cycle();
    const editor = track(connectClient(base, room, { token: users.editor.token }));
    await editor.synced();
    appendTo(editor, " Editors tightened this.");
    await eventually(async () => (await roomText(t.db, room)).endsWith("Editors tightened this."), "the editor's edit stored");
    expect(await roomText(t.db, room)).toBe("Every device shall validate its input. Inputs are bounded. And checked. Editors tightened this.");
    const authors = await t.db.selectFrom("room_updates").select("author_id").where("room", "=", room).execute();
    expect(new Set(authors.map((r) => r.author_id))).toEqual(new Set([null, users.nonMember.id, coAuthor.id, users.editor.id]));
    // Submitted, the authors' text is frozen.
    expect((await s.w.ok(users.nonMember, "GET", `/api/proposals/${id}`)).permissions.edit).toBe(false);
    expect((await s.w.ok(users.editor, "GET", `/api/proposals/${id}`)).permissions.edit).toBe(true);
  });

  it("votes on inputs during committee only, records every action with its statement and frozen named votes, and clears the committee's blockers", async () => {
    const s = await setup();
    const { users, sections } = s.w;
    clock.set(INPUT_OPENS);
    const input = async (title: string, edit?: { section: string; text: string }) => {
      const id = (await s.create(users.nonMember, { title, affiliation: "Fire Safety Lab" })).body.id as string;
      if (edit) {
        await s.w.ok(users.nonMember, "POST", `/api/proposals/${id}/sections/${edit.section}/fork`);
        await editRoom(t.db, `proposal.${id}.${edit.section}`, users.nonMember.id, (body) => textOf(body, 0).insert(textOf(body, 0).length, edit.text));
      }
      await s.w.ok(users.nonMember, "POST", `/api/proposals/${id}/submit`);
      return id;
    };
    const accepted = await input("Bound the input", { section: sections.a.id, text: " Inputs are bounded." });
    const modified = await input("Log more", { section: sections.b.id, text: " With their cause." });
    const rejected = await input("Drop logging", { section: sections.b.id, text: " Unless disabled." });
    await t.db.updateTable("users").set({ affiliation: "Acme" }).where("id", "=", users.voter.id).execute();

    await refusedUnchanged(s, () => s.w.call(users.voter, "PUT", `/api/proposals/${accepted}/vote`, { vote: "approve" }), 409, "stage_closed");
    await refusedUnchanged(s, () => s.act(users.editor, accepted, "accept", "Agreed."), 409, "stage_closed");
    await refusedUnchanged(s, () => s.w.call(users.editor, "POST", `/api/proposals/${modified}/sections/${sections.b.id}/fork`), 403, "forbidden");

    clock.set(INPUT_CLOSES);
    expect((await s.cycle()).stages.map((x: { kind: string; state: string }) => `${x.kind}:${x.state}`)).toEqual(["input:closed", "committee:open", "ballot:upcoming"]);
    await s.w.ok(users.voter, "PUT", `/api/proposals/${accepted}/vote`, { vote: "approve" });
    await s.w.ok(users.voter2, "PUT", `/api/proposals/${accepted}/vote`, { vote: "disapprove", reason: "Too strict." });
    await s.w.ok(users.editor, "PUT", `/api/proposals/${accepted}/vote`, { vote: "approve" });
    await refusedUnchanged(s, () => s.w.call(users.nonMember, "PUT", `/api/proposals/${accepted}/vote`, { vote: "approve" }), 403, "forbidden");
    const plain = await refusedUnchanged(s, () => s.w.call(users.editor, "POST", `/api/proposals/${accepted}/accept`, { note: "ok" }), 409, "stage_closed");
    expect(plain.body.error.message).toMatch(/record a committee action/);
    await refusedUnchanged(s, () => s.w.call(users.editor, "POST", `/api/proposals/${rejected}/reject`, { reason: "no" }), 409, "stage_closed");
    await refusedUnchanged(s, () => s.act(users.editor, accepted, "accept", "   "), 400, "reason_required");
    await refusedUnchanged(s, () => s.act(users.voter, accepted, "accept", "Agreed."), 403, "forbidden");
    await refusedUnchanged(s, () => s.act(users.nonMember, accepted, "accept", "Agreed."), 403, "forbidden");
    await refusedUnchanged(s, () => s.act(null, accepted, "accept", "Agreed."), 401, "unauthenticated");
    expect((await s.w.call(null, "GET", `/api/proposals/${accepted}/committee-action`)).status).toBe(404);

    // The committee stage is over by its window, but its work is not done: the ballot is blocked on every input.
    clock.set(COMMITTEE_CLOSES);
    const blocked = await s.cycle();
    expect(blocked.stages.map((x: { state: string }) => x.state)).toEqual(["closed", "closed", "blocked"]);
    expect(blocked.blockers.map((b: { kind: string; target: { id: string } }) => [b.kind, b.target.id])).toEqual([
      ["input-without-action", accepted],
      ["input-without-action", modified],
      ["input-without-action", rejected],
    ]);

    // accept: merged into the draft at once, the votes frozen with names, reasons and affiliations.
    const acceptedDetail = (await s.act(users.editor, accepted, "accept", "The committee agrees: bounded inputs prevent overflows.")).body;
    expect(acceptedDetail.state).toBe("accepted");
    expect(await roomText(t.db, sections.a.room)).toBe("Every device shall validate its input. Inputs are bounded.");
    const record = await s.w.ok(null, "GET", `/api/proposals/${accepted}/committee-action`);
    expect(record).toMatchObject({
      proposal: accepted,
      cycle: s.cycleId,
      action: "accept",
      statement: "The committee agrees: bounded inputs prevent overflows.",
      tally: { approve: 2, disapprove: 1, abstain: 0 },
      actedBy: { id: users.editor.id, displayName: "Editor" },
      actedAt: iso(COMMITTEE_CLOSES),
    });
    expect(record.votes).toEqual([
      { user: { id: users.voter.id, displayName: "Voter", affiliation: "Acme" }, vote: "approve", reason: null },
      { user: { id: users.voter2.id, displayName: "Second voter", affiliation: null }, vote: "disapprove", reason: "Too strict." },
      { user: { id: users.editor.id, displayName: "Editor", affiliation: null }, vote: "approve", reason: null },
    ]);
    expect(acceptedDetail.committeeAction).toEqual(record);
    expect(acceptedDetail.decision).toMatchObject({ outcome: "accepted", reason: "The committee agrees: bounded inputs prevent overflows." });
    // Frozen: later changes of affiliation or voting rights do not change the record.
    await t.db.updateTable("users").set({ affiliation: "Elsewhere" }).where("id", "=", users.voter.id).execute();
    expect((await s.w.ok(null, "GET", `/api/proposals/${accepted}/committee-action`)).votes[0].user.affiliation).toBe("Acme");
    await refusedUnchanged(s, () => s.act(users.editor, accepted, "reject", "Changed our minds."), 409, "proposal_not_open");

    // accept-as-modified: an editor changes the input's text in its room, then it merges with the change.
    await s.w.ok(users.editor, "POST", `/api/proposals/${modified}/sections/${sections.b.id}/fork`);
    await editRoom(t.db, `proposal.${modified}.${sections.b.id}`, users.editor.id, (body) => textOf(body, 0).insert(textOf(body, 0).length, " And the time."));
    const diff = await s.w.ok(null, "GET", `/api/proposals/${modified}/diff`);
    expect(JSON.stringify(diff)).toContain("And the time.");
    const modifiedDetail = (await s.act(users.editor, modified, "accept-as-modified", "Accepted, with the time logged too.")).body;
    expect(modifiedDetail).toMatchObject({ state: "accepted", committeeAction: { action: "accept-as-modified", votes: [], tally: { approve: 0 } } });
    expect(await roomText(t.db, sections.b.room)).toBe("Every device shall log failures. With their cause. And the time.");

    expect((await s.cycle()).blockers.map((b: { target: { id: string } }) => b.target.id)).toEqual([rejected]);
    // reject: closed, the draft unchanged; the last action clears the blockers and the ballot opens.
    const rejectedDetail = (await s.act(users.editor, rejected, "reject", "Logging stays mandatory.")).body;
    expect(rejectedDetail).toMatchObject({ state: "rejected", committeeAction: { action: "reject", statement: "Logging stays mandatory." }, decision: { outcome: "rejected" } });
    expect(await roomText(t.db, sections.b.room)).toBe("Every device shall log failures. With their cause. And the time.");
    const after = await s.cycle();
    expect(after.blockers.map((b: { kind: string }) => b.kind)).toEqual(["ballot-open"]);
    expect(after.stages.map((x: { state: string }) => x.state)).toEqual(["closed", "closed", "open"]);
    expect(after.counts.inputsByAction).toEqual({ accept: 1, "accept-as-modified": 1, reject: 1, none: 0 });
    // Once the committee's work is done and the ballot open, no more committee actions.
    await refusedUnchanged(s, () => s.act(users.editor, rejected, "accept", "On second thoughts."), 409, "stage_closed");
  });

  it("refuses a committee action on a proposal that is not an open input of the cycle", async () => {
    const s = await setup();
    const { users } = s.w;
    clock.set(INPUT_OPENS);
    const draft = (await s.create(users.nonMember)).body.id as string;
    clock.set(INPUT_CLOSES);
    const editors = (await s.create(users.editor, { title: "Carry out a disposition" })).body.id as string;
    await s.w.ok(users.editor, "POST", `/api/proposals/${editors}/submit`);
    await refusedUnchanged(s, () => s.act(users.editor, editors, "accept", "Agreed."), 409, "proposal_not_open");
    // A draft never submitted is no input: it does not block the committee either.
    await refusedUnchanged(s, () => s.act(users.editor, draft, "accept", "Agreed."), 409, "proposal_not_open");
    // Proposals that are not inputs keep today's decisions.
    await s.w.ok(users.voter, "PUT", `/api/proposals/${editors}/vote`, { vote: "approve" });
    expect((await s.w.ok(users.editor, "POST", `/api/proposals/${editors}/accept`, { note: "Carried out." })).state).toBe("accepted");
    expect((await s.cycle()).blockers).toEqual([]);
    expect((await s.cycle()).counts.inputs).toBe(0);
  });
});

/** Appends `text` to the first paragraph of the client's body. */
function appendTo(client: Client, text: string): void {
  const body = client.doc.getXmlFragment("body");
  const t = (body.get(0) as Y.XmlElement).get(0) as Y.XmlText;
  t.insert(t.length, text);
}
