import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "kysely";
import { migrations } from "@codewright/migrations";
import { databaseKinds, freshDatabase, makeStandard, makeUser, snapshotTables, startTestApp, TestClock, testConfig, type TestApp } from "../helper";
import { buildWorkflowWorld, type WorkflowWorld } from "../workflow/fixture";

const HOUR = 3600_000;
const DAY = 24 * HOUR;
const START = Date.UTC(2027, 5, 1, 9, 0, 0);
const at = (hours: number) => START + hours * HOUR;
const iso = (ms: number) => new Date(ms).toISOString();

describe.each(databaseKinds)("comment resolution on %s", (kind) => {
  let t: TestApp;
  const clock = new TestClock(START);
  beforeAll(async () => {
    t = await startTestApp(kind, { background: { ...testConfig().background, pollMs: 0 } }, { clock });
  });
  afterAll(async () => t?.close());

  /** A public standard released as 1.0.0, outside any cycle. */
  async function released(): Promise<WorkflowWorld> {
    clock.set(START);
    const w = await buildWorkflowWorld(t, { isPublic: true });
    await w.ok(w.users.editor, "POST", `/api/standards/${w.standard.slug}/releases`, { version: "1.0.0" });
    return w;
  }

  /** Expects `refused` to answer `status` with `code`, and nothing stored to change. */
  async function refusedUnchanged(refused: () => Promise<{ status: number; body: any }>, status: number, code: string) {
    const before = await snapshotTables(t);
    const res = await refused();
    expect(res.status, JSON.stringify(res.body)).toBe(status);
    expect(res.body.error.code).toBe(code);
    expect(await snapshotTables(t)).toBe(before);
    return res;
  }

  it("takes typed comments with proposed text on a section's text, and refuses proposed text elsewhere", async () => {
    const w = await released();
    const slug = w.standard.slug;
    const releaseSection = { kind: "release_section", standard: slug, version: "1.0.0", section: w.sections.a.id };
    const anchor = { quote: "validate", prefix: "shall ", suffix: " its" };
    const typed = await w.ok(w.users.nonMember, "POST", "/api/comments", { target: releaseSection, anchor, body: "Say how.", kind: "technical", proposedText: "check against its schema" });
    expect(typed).toMatchObject({ kind: "technical", proposedText: "check against its schema", answer: null, disposition: null, permissions: { answer: false } });
    const plain = await w.ok(w.users.nonMember, "POST", "/api/comments", { target: releaseSection, body: "Nice." });
    expect(plain).toMatchObject({ kind: "general", proposedText: null });
    const draft = await w.ok(w.users.contributor, "POST", "/api/comments", {
      target: { kind: "section", standard: slug, section: w.sections.b.id },
      body: "A new paragraph.",
      kind: "editorial",
      proposedText: "Failures are logged with their time.",
    });
    expect(draft).toMatchObject({ kind: "editorial", proposedText: "Failures are logged with their time." });
    const proposal = await w.propose("Change");
    const onProposalSection = await w.ok(w.users.author, "POST", "/api/comments", {
      target: { kind: "proposal_section", standard: slug, proposal, section: w.sections.a.id },
      body: "Here.",
      proposedText: "Other words.",
    });
    expect(onProposalSection.proposedText).toBe("Other words.");
    const listed = (await w.ok(null, "GET", `/api/comments?standard=${slug}&version=1.0.0`)).comments;
    expect(listed.map((c: { id: string; kind: string; proposedText: string | null }) => [c.id, c.kind, c.proposedText])).toEqual([
      [typed.id, "technical", "check against its schema"],
      [plain.id, "general", null],
    ]);

    // Proposed text only replaces a section's text: not on a whole release or a whole proposal.
    const whole = { kind: "release_section", standard: slug, version: "1.0.0" };
    await refusedUnchanged(() => w.call(w.users.nonMember, "POST", "/api/comments", { target: whole, body: "?", proposedText: "New text." }), 400, "invalid_request");
    await refusedUnchanged(
      () => w.call(w.users.author, "POST", "/api/comments", { target: { kind: "proposal", standard: slug, proposal }, body: "?", proposedText: "New text." }),
      400,
      "invalid_request",
    );
    await refusedUnchanged(() => w.call(w.users.nonMember, "POST", "/api/comments", { target: releaseSection, body: "?", proposedText: "  " }), 400, "invalid_request");
    await refusedUnchanged(() => w.call(w.users.nonMember, "POST", "/api/comments", { target: releaseSection, body: "?", kind: "urgent" }), 400, "invalid_request");
    await refusedUnchanged(() => w.call(w.users.nonMember, "POST", "/api/comments", { target: releaseSection, body: "?", proposedText: "x".repeat(10001) }), 400, "invalid_request");
  });

  it("records every disposition of the vocabulary, a response for all but accepted, a duplicate's original, and keeps each version in the audit log", async () => {
    const w = await released();
    const slug = w.standard.slug;
    const target = { kind: "release_section", standard: slug, version: "1.0.0", section: w.sections.a.id };
    const comment = async (body: string) => (await w.ok(w.users.nonMember, "POST", "/api/comments", { target, body })).id as string;
    const first = await comment("Define validation.");
    const second = await comment("Define validation, please.");
    const dispose = (id: string, body: unknown) => w.call(w.users.editor, "PUT", `/api/comments/${id}/disposition`, body);

    const accepted = await dispose(first, { disposition: "accepted" });
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
    expect(accepted.body.disposition).toMatchObject({ value: "accepted", response: "", duplicateOf: null, by: { id: w.users.editor.id } });
    for (const disposition of ["accepted-with-modification", "rejected", "deferred", "not-related", "noted"]) {
      await refusedUnchanged(() => dispose(first, { disposition }), 400, "response_required");
      await refusedUnchanged(() => dispose(first, { disposition, response: "   " }), 400, "response_required");
      const res = await dispose(first, { disposition, response: `Because ${disposition}.` });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.disposition).toMatchObject({ value: disposition, response: `Because ${disposition}.` });
    }
    await refusedUnchanged(() => dispose(second, { disposition: "accepted-in-principle", response: "Old word." }), 400, "invalid_request");

    // A duplicate names another comment of the same standard.
    const elsewhere = await buildWorkflowWorld(t, { isPublic: true });
    await elsewhere.ok(elsewhere.users.editor, "POST", `/api/standards/${elsewhere.standard.slug}/releases`, { version: "1.0.0" });
    const foreign = (await elsewhere.ok(elsewhere.users.nonMember, "POST", "/api/comments", { target: { kind: "release_section", standard: elsewhere.standard.slug, version: "1.0.0" }, body: "Other." })).id;
    await refusedUnchanged(() => dispose(second, { disposition: "duplicate", response: "Same as the first." }), 400, "invalid_request");
    await refusedUnchanged(() => dispose(second, { disposition: "duplicate", response: "Same.", duplicateOf: second }), 400, "invalid_request");
    await refusedUnchanged(() => dispose(second, { disposition: "duplicate", response: "Same.", duplicateOf: foreign }), 400, "invalid_request");
    await refusedUnchanged(() => dispose(second, { disposition: "rejected", response: "No.", duplicateOf: first }), 400, "invalid_request");
    const duplicate = await dispose(second, { disposition: "duplicate", response: "Same as the first.", duplicateOf: first });
    expect(duplicate.status, JSON.stringify(duplicate.body)).toBe(200);
    expect(duplicate.body.disposition).toMatchObject({ value: "duplicate", duplicateOf: first });

    const versions = await t.db
      .selectFrom("audit_log")
      .select(["from_state", "to_state"])
      .where("subject_type", "=", "comment")
      .where("subject_id", "=", first)
      .where("action", "=", "comment.disposition")
      .orderBy("id")
      .execute();
    expect(versions.map((v) => [v.from_state, v.to_state])).toEqual([
      [null, "accepted"],
      ["accepted", "accepted-with-modification"],
      ["accepted-with-modification", "rejected"],
      ["rejected", "deferred"],
      ["deferred", "not-related"],
      ["not-related", "noted"],
    ]);

    // The next release records them in its own vocabulary, with underscores.
    await w.ok(w.users.editor, "POST", `/api/standards/${slug}/releases`, { version: "1.1.0" });
    const release = await w.ok(null, "GET", `/api/standards/${slug}/releases/1.1.0`);
    expect(release.comments.map((c: { id: string; disposition: string }) => [c.id, c.disposition])).toEqual([
      [first, "noted"],
      [second, "duplicate"],
    ]);
  });

  it("lets only the commenter answer a disposition, once it exists; a new disposition asks for a new answer", async () => {
    const w = await released();
    const target = { kind: "release_section", standard: w.standard.slug, version: "1.0.0", section: w.sections.a.id };
    const id = (await w.ok(w.users.nonMember, "POST", "/api/comments", { target, body: "Bound the input.", kind: "technical" })).id;
    const answer = (user: typeof w.users.nonMember | null, body: unknown) => w.call(user, "PUT", `/api/comments/${id}/response`, body);
    await refusedUnchanged(() => answer(w.users.nonMember, { response: "satisfied" }), 409, "comment_not_disposed");
    await w.ok(w.users.editor, "PUT", `/api/comments/${id}/disposition`, { disposition: "rejected", response: "Each device states its bound." });
    await refusedUnchanged(() => answer(w.users.editor, { response: "satisfied" }), 403, "forbidden");
    await refusedUnchanged(() => answer(w.users.contributor, { response: "withdrawn" }), 403, "forbidden");
    await refusedUnchanged(() => answer(null, { response: "satisfied" }), 401, "unauthenticated");
    await refusedUnchanged(() => answer(w.users.nonMember, { response: "happy" }), 400, "invalid_request");

    const unsatisfied = await answer(w.users.nonMember, { response: "unsatisfied", note: "A bound is needed here." });
    expect(unsatisfied.status, JSON.stringify(unsatisfied.body)).toBe(200);
    expect(unsatisfied.body.answer).toEqual({ response: "unsatisfied", note: "A bound is needed here.", at: iso(START) });
    expect(unsatisfied.body.permissions.answer).toBe(true);
    for (const response of ["satisfied", "withdrawn"]) {
      const res = await answer(w.users.nonMember, { response });
      expect(res.body.answer).toMatchObject({ response, note: null });
    }
    const listed = (await w.ok(null, "GET", `/api/comments?standard=${w.standard.slug}&version=1.0.0`)).comments;
    expect(listed[0]).toMatchObject({ id, answer: { response: "withdrawn" }, permissions: { answer: false } });

    const redisposed = await w.ok(w.users.editor, "PUT", `/api/comments/${id}/disposition`, { disposition: "accepted-with-modification", response: "Bounded in clause 3." });
    expect(redisposed.answer).toBeNull();
    const answers = await t.db.selectFrom("audit_log").select("to_state").where("subject_id", "=", id).where("action", "=", "comment.answer").orderBy("id").execute();
    expect(answers.map((a) => a.to_state)).toEqual(["unsatisfied", "satisfied", "withdrawn"]);
  });

  it("answers only during resolution while a cycle runs; a voter’s unsatisfied technical comment forces a recirculation; a deferred one is carried into the next cycle", async () => {
    const w = await released();
    const { users } = w;
    const slug = w.standard.slug;
    await w.ok(await makeUser(t.db, { admin: true }), "PATCH", `/api/standards/${slug}`, { voteThreshold: 0.6 });
    const stages = [
      { kind: "comment", opensAt: iso(at(1)), closesAt: iso(at(10)) },
      { kind: "resolution", opensAt: iso(at(10)), closesAt: iso(at(20)) },
      { kind: "ballot", opensAt: iso(at(20)), closesAt: iso(at(30)) },
      { kind: "publication", opensAt: iso(at(30)), closesAt: iso(at(30) + 90 * DAY) },
    ];
    const cycle = (await w.ok(users.editor, "POST", `/api/standards/${slug}/cycles`, { title: "Edition 2", baseVersion: "1.0.0", stages })).cycle;
    clock.set(at(2));
    expect((await w.ok(null, "GET", `/api/cycles/${cycle.id}`)).cycle.currentStage).toBe("comment");
    const releases = (await w.ok(null, "GET", `/api/standards/${slug}/releases`)).releases;
    const version = releases.find((r: { kind: string }) => r.kind === "first-draft").version as string;
    const target = { kind: "release_section", standard: slug, version, section: w.sections.a.id };
    // A voter's technical comment, a voter's general one, and a non-voter's technical one.
    const technical = (await w.ok(users.voter, "POST", "/api/comments", { target, body: "The bound is missing.", kind: "technical", proposedText: "validate and bound" })).id;
    const general = (await w.ok(users.voter2, "POST", "/api/comments", { target, body: "Reads well.", kind: "general" })).id;
    const outsider = (await w.ok(users.nonMember, "POST", "/api/comments", { target, body: "Also a bound.", kind: "technical" })).id;
    await refusedUnchanged(() => w.call(users.editor, "PUT", `/api/comments/${technical}/disposition`, { disposition: "rejected", response: "No." }), 409, "stage_closed");

    clock.set(at(11));
    await w.ok(null, "GET", `/api/cycles/${cycle.id}`);
    for (const id of [technical, general]) await w.ok(users.editor, "PUT", `/api/comments/${id}/disposition`, { disposition: "rejected", response: "Each device states its bound." });
    await w.ok(users.editor, "PUT", `/api/comments/${outsider}/disposition`, { disposition: "deferred", response: "For the next edition." });
    await w.ok(users.voter, "PUT", `/api/comments/${technical}/response`, { response: "unsatisfied", note: "Still missing." });
    await w.ok(users.voter2, "PUT", `/api/comments/${general}/response`, { response: "unsatisfied" });
    await w.ok(users.nonMember, "PUT", `/api/comments/${outsider}/response`, { response: "unsatisfied" });

    // The ballot: every voter approves, yet the voter's unsatisfied technical comment stands.
    clock.set(at(21));
    await w.ok(null, "GET", `/api/cycles/${cycle.id}`);
    await refusedUnchanged(() => w.call(users.voter, "PUT", `/api/comments/${technical}/response`, { response: "satisfied" }), 409, "stage_closed");
    for (const voter of [users.voter, users.voter2, users.editor]) await w.ok(voter, "PUT", `/api/cycles/${cycle.id}/ballot`, { vote: "approve" });
    clock.set(at(30));
    const ballot = await w.ok(null, "GET", `/api/cycles/${cycle.id}/ballot`);
    expect(ballot.rounds[0].result).toEqual({ passed: true, final: false, textChanged: false, unansweredNegatives: 0, unsatisfiedComments: 1 });
    expect(ballot.rounds[1]).toMatchObject({ round: 2, kind: "recirculation", state: "open" });
    const publishEarly = await w.call(users.editor, "POST", `/api/standards/${slug}/releases`, { version: "2.0.0" });
    expect([publishEarly.status, publishEarly.body.error.code]).toEqual([409, "ballot_not_passed"]);

    // The deferred comment is an input of the standard's next cycle, linked to the original.
    expect((await w.ok(null, "GET", `/api/cycles/${cycle.id}`)).cycle.carriedOver).toEqual([]);
    await w.ok(users.editor, "POST", `/api/cycles/${cycle.id}/cancel`, { reason: "Restarting with the bound." });
    const next = (
      await w.ok(users.editor, "POST", `/api/standards/${slug}/cycles`, {
        title: "Edition 2, again",
        baseVersion: "1.0.0",
        stages: [{ kind: "ballot", opensAt: iso(at(40)), closesAt: iso(at(50)) }],
      })
    ).cycle;
    expect(next.carriedOver).toEqual([{ comment: outsider, excerpt: "Also a bound.", fromCycle: cycle.id }]);
    expect((await w.ok(null, "GET", `/api/cycles/${next.id}`)).cycle.carriedOver).toEqual([{ comment: outsider, excerpt: "Also a bound.", fromCycle: cycle.id }]);
  });

  it("migrates accepted-in-principle to accepted-with-modification, keeping the other dispositions", async () => {
    const database = await freshDatabase(kind);
    try {
      const db = database.db;
      const migration = migrations["0011_comment_resolution"]!;
      await migration.down!(db);
      const user = await makeUser(db, { name: "Commenter" });
      const standard = await makeStandard(db, { isPublic: true });
      const insert = (id: string, disposition: string) =>
        sql`insert into comment_threads (id, standard_id, target_kind, release_version, author_id, body, disposition, disposition_response)
            values (${id}, ${standard.id}, 'release_section', '1.0.0', ${user.id}, 'Old comment.', ${disposition}, 'Old response.')`.execute(db);
      const old = "00000000-0000-4000-8000-0000000000a1";
      const kept = "00000000-0000-4000-8000-0000000000a2";
      await insert(old, "accepted-in-principle");
      await insert(kept, "rejected");
      await migration.up(db);
      const rows = await db.selectFrom("comment_threads").select(["id", "disposition", "disposition_response", "kind", "proposed_text", "answer"]).orderBy("id").execute();
      expect(rows).toEqual([
        { id: old, disposition: "accepted-with-modification", disposition_response: "Old response.", kind: "general", proposed_text: null, answer: null },
        { id: kept, disposition: "rejected", disposition_response: "Old response.", kind: "general", proposed_text: null, answer: null },
      ]);
      // The old word is refused by the database from now on.
      await expect(sql`update comment_threads set disposition = 'accepted-in-principle' where id = ${kept}`.execute(db)).rejects.toThrow();
    } finally {
      await database.close();
    }
  });
});
