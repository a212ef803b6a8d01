import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { canonicalJson, digestOf, parseStrictJson, verifyRelease, type Release, type ReleaseV2 } from "@codewright/shared";
import { databaseKinds, snapshotTables, startTestApp, TestClock, testConfig, type TestApp, type TestUser } from "../helper";
import { buildWorkflowWorld, editRoom, textOf, type WorkflowWorld } from "../workflow/fixture";
import { releaseSchemaErrors } from "../releases/support";
import { firstDraftVersionFor } from "../../src/domain/cycles/first-draft";
import { publishRelease } from "../../src/domain/releases/publish";
import { ReleaseSigner } from "../../src/domain/releases/signing";
import { workflowRecords } from "../../src/domain/proposals";

const HOUR = 3600_000;
const DAY = 24 * HOUR;
const START = Date.UTC(2027, 4, 3, 8, 0, 0);
const at = (hours: number) => START + hours * HOUR;
const iso = (ms: number) => new Date(ms).toISOString();
const BIN = resolve(import.meta.dirname, "../../bin/codewright.js");

/** Every stage, an hour each; publication opens an hour after the ballot closes. */
const FULL_SCHEDULE = [
  { kind: "input", opensAt: iso(at(0)), closesAt: iso(at(1)) },
  { kind: "committee", opensAt: iso(at(1)), closesAt: iso(at(2)) },
  { kind: "comment", opensAt: iso(at(2)), closesAt: iso(at(3)) },
  { kind: "resolution", opensAt: iso(at(3)), closesAt: iso(at(4)) },
  { kind: "ballot", opensAt: iso(at(4)), closesAt: iso(at(5)) },
  { kind: "publication", opensAt: iso(at(6)), closesAt: iso(at(6) + 90 * DAY) },
];

/** Runs the command line as a user would, in its own process. */
function codewright(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [BIN, ...args], { env: { ...process.env, NO_COLOR: "", FORCE_COLOR: "", CODEWRIGHT_TOKEN: "" }, timeout: 60_000 }, (error, stdout, stderr) => {
      done({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe.each(databaseKinds)("the first draft and the edition of a revision cycle on %s", { timeout: 120_000 }, (kind) => {
  let t: TestApp;
  const clock = new TestClock(START);
  beforeAll(async () => {
    // No settling worker on a timer: every request settles its own cycle to the test's clock.
    t = await startTestApp(kind, { background: { ...testConfig().background, pollMs: 0 } }, { clock });
  });
  afterAll(async () => t?.close());

  interface Setup {
    w: WorkflowWorld;
    id: string;
    slug: string;
    cycle(): Promise<any>;
    releases(): Promise<any[]>;
    document(version: string): Promise<any>;
    comment(user: TestUser, version: string, body?: string): Promise<{ status: number; body: any }>;
    dispose(id: string): Promise<{ status: number; body: any }>;
    publish(version: string): Promise<{ status: number; body: any }>;
  }

  /** A public standard released as `base`, and a cycle on it; the clock at START, input open. */
  async function setup(stages = FULL_SCHEDULE, base = "1.0.0"): Promise<Setup> {
    clock.set(START);
    const w = await buildWorkflowWorld(t, { isPublic: true });
    const slug = w.standard.slug;
    await w.ok(w.users.editor, "POST", `/api/standards/${slug}/releases`, { version: base });
    const id = (await w.ok(w.users.editor, "POST", `/api/standards/${slug}/cycles`, { title: "Edition 2", baseVersion: base, stages })).cycle.id as string;
    return {
      w,
      id,
      slug,
      cycle: async () => (await w.ok(null, "GET", `/api/cycles/${id}`)).cycle,
      releases: async () => (await w.ok(null, "GET", `/api/standards/${slug}/releases`)).releases,
      document: async (version) => w.ok(null, "GET", `/api/standards/${slug}/releases/${encodeURIComponent(version)}`),
      comment: (user, version, body = "Clause 1 is too strict.") =>
        w.call(user, "POST", "/api/comments", { target: { kind: "release_section", standard: slug, version, section: w.sections.a.id }, body }),
      dispose: (threadId) => w.call(w.users.editor, "PUT", `/api/comments/${threadId}/disposition`, { disposition: "accepted", response: "Relaxed in the second draft." }),
      publish: (version) => w.call(w.users.editor, "POST", `/api/standards/${slug}/releases`, { version, notes: "The edition." }),
    };
  }

  /** A proposal submitted to the cycle, as the public-input stage records it. */
  async function input(s: Setup, title: string): Promise<string> {
    const proposal = await s.w.propose(title);
    await sql`update proposals set cycle_id = ${s.id}, submitted_at = ${clock.now()}, state = 'open' where id = ${proposal}`.execute(t.db);
    return proposal;
  }

  /** The committee's action on an input, as the committee-action route records it (an accepted one merged into the draft by the caller). */
  async function act(s: Setup, proposal: string, action: "accept" | "accept-as-modified" | "reject", actedAt = clock.now()) {
    await t.db
      .insertInto("committee_actions")
      .values({ proposal_id: proposal, cycle_id: s.id, action, statement: `The committee's reason to ${action}.`, tally: JSON.stringify({}), votes: JSON.stringify([]), acted_by: s.w.users.editor.id, acted_at: actedAt })
      .execute();
  }

  /** Runs `refused`, expects its status and code, and that nothing stored changed (the cycle settled to the clock first). */
  async function refusedUnchanged(s: Setup, refused: () => Promise<{ status: number; body: any }>, status: number, code: string) {
    await s.cycle();
    const before = await snapshotTables(t.db);
    const res = await refused();
    expect(res.status, JSON.stringify(res.body)).toBe(status);
    expect(res.body.error.code).toBe(code);
    expect(await snapshotTables(t.db)).toBe(before);
    return res;
  }

  const stateOf = async (s: Setup, kind: string) => (await s.cycle()).stages.find((st: { kind: string }) => st.kind === kind).state as string;

  /** Committee actions on two inputs (one accepted and merged into section a, one rejected), then the committee closes. */
  async function throughCommittee(s: Setup) {
    const accepted = await input(s, "Allow exceptions");
    const rejected = await input(s, "Remove logging");
    clock.set(at(1));
    expect((await s.cycle()).currentStage).toBe("committee");
    await editRoom(t.db, s.w.sections.a.room, s.w.users.editor.id, (body) => textOf(body, 0).insert(0, "Except where the committee allows, "));
    await act(s, accepted, "accept", new Date(at(1) + 1000));
    await act(s, rejected, "reject", new Date(at(1) + 2000));
    return { accepted, rejected };
  }

  it("derives the first draft's version from the base", () => {
    expect(firstDraftVersionFor("1.0.0", 1)).toBe("2.0.0-fd1");
    expect(firstDraftVersionFor("1.4.2", 2)).toBe("2.0.0-fd2");
    expect(firstDraftVersionFor("2.0.0-rc.1", 1)).toBe("3.0.0-fd1");
    expect(firstDraftVersionFor("2026", 1)).toBe("2026-fd1");
    expect(firstDraftVersionFor("1.0", 3)).toBe("1.0-fd3");
    expect(firstDraftVersionFor("a".repeat(64), 12)).toBe(`${"a".repeat(59)}-fd12`);
  });

  it("publishes the first draft when the committee closes: signed, of kind first-draft, with its redline against the base", async () => {
    const s = await setup();
    const { accepted } = await throughCommittee(s);
    clock.set(at(2) - 1);
    expect((await s.releases()).map((r) => r.version)).toEqual(["1.0.0"]);

    clock.set(at(2));
    const cycle = await s.cycle();
    expect(cycle.stages.map((st: { kind: string; state: string }) => `${st.kind}:${st.state}`).slice(0, 3)).toEqual(["input:closed", "committee:closed", "comment:open"]);
    const releases = await s.releases();
    expect(releases.map((r) => [r.version, r.kind, r.cycleId, r.previousVersion])).toEqual([
      ["2.0.0-fd1", "first-draft", s.id, "1.0.0"],
      ["1.0.0", "edition", null, null],
    ]);
    const row = await t.db.selectFrom("releases").selectAll().where("standard_id", "=", s.w.standard.id).where("version", "=", "2.0.0-fd1").executeTakeFirstOrThrow();
    expect(row).toMatchObject({ kind: "first-draft", cycle_id: s.id, published_by: null });
    expect(new Date(row.published_at).getTime()).toBe(at(2));

    const doc = (await s.document("2.0.0-fd1")) as ReleaseV2;
    expect(releaseSchemaErrors(doc)).toBeNull();
    expect(doc).toMatchObject({
      format: "codewright.release/v2",
      kind: "first-draft",
      cycle: { id: s.id, title: "Edition 2", baseVersion: "1.0.0" },
      redlineFrom: "1.0.0",
      version: "2.0.0-fd1",
      previousVersion: "1.0.0",
      changes: [{ proposal: accepted, title: "Allow exceptions" }],
    });
    expect(doc.notes).toContain("Edition 2");
    // Signed like every release: verified with the command line's verification against the served keys.
    const signature = await s.w.ok(null, "GET", `/api/standards/${s.slug}/releases/2.0.0-fd1/signature`);
    const keys = await s.w.ok(null, "GET", "/api/keys");
    expect(await verifyRelease(doc, signature, keys)).toMatchObject({ valid: true, digest: doc.digest, kid: row.kid });
    // The redline: the merged change, and nothing else.
    const diff = await s.w.ok(null, "GET", `/api/standards/${s.slug}/diff?from=1.0.0&to=2.0.0-fd1`);
    const a = diff.sections.find((x: { id: string }) => x.id === s.w.sections.a.id);
    expect(a.status).toEqual(["modified"]);
    expect(a.changes.filter((c: { op: string }) => c.op === "insert").map((c: { text: string }) => c.text.trim())).toEqual(["Except where the committee allows,"]);
    expect(diff.sections.find((x: { id: string }) => x.id === s.w.sections.b.id).status).toEqual(["unchanged"]);
    // Published once: settling again, later, publishes nothing more.
    clock.set(at(2) + 60_000);
    await s.cycle();
    expect(await t.db.selectFrom("releases").select("version").where("cycle_id", "=", s.id).execute()).toHaveLength(1);
  });

  it("without a committee stage, publishes the first draft when the comment stage opens, counting up past a taken version", async () => {
    const stages = [
      { kind: "comment", opensAt: iso(at(1)), closesAt: iso(at(2)) },
      { kind: "ballot", opensAt: iso(at(2)), closesAt: iso(at(3)) },
    ];
    const s = await setup(stages, "2026");
    const standard = await t.db.selectFrom("standards").selectAll().where("id", "=", s.w.standard.id).executeTakeFirstOrThrow();
    await publishRelease(t.db, standard, { version: "2026-fd1" }, s.w.users.editor.id, await ReleaseSigner.open(t.db, t.config.dataDir), workflowRecords);
    clock.set(at(1));
    await s.cycle();
    expect((await s.releases()).map((r) => [r.version, r.kind])).toEqual([
      ["2026-fd2", "first-draft"],
      ["2026-fd1", "edition"],
      ["2026", "edition"],
    ]);
    expect(await s.document("2026-fd2")).toMatchObject({ kind: "first-draft", redlineFrom: "2026", changes: [] });
  });

  it("when the committee closes with actions owed, publishes the first draft only once they are recorded and the comment stage opens", async () => {
    const s = await setup();
    const late = await input(s, "Late to the committee");
    clock.set(at(2));
    expect(await stateOf(s, "comment")).toBe("blocked");
    expect((await s.releases()).map((r) => r.version)).toEqual(["1.0.0"]);
    await act(s, late, "accept-as-modified");
    clock.set(at(2) + 1000);
    expect(await stateOf(s, "comment")).toBe("open");
    expect(await s.document("2.0.0-fd1")).toMatchObject({ kind: "first-draft", changes: [{ proposal: late }] });
  });

  it("takes comments on the first draft only in the comment stage, and dispositions only in resolution", async () => {
    const s = await setup();
    const { users } = s.w;
    await throughCommittee(s);
    clock.set(at(2));
    const first = await s.comment(users.nonMember, "2.0.0-fd1");
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    clock.set(at(3) - 1);
    const last = await s.comment(users.voter, "2.0.0-fd1", "The last moment.");
    expect(last.status).toBe(201);
    // Not in the comment stage: no disposition yet.
    const early = await refusedUnchanged(s, () => s.dispose(first.body.id), 409, "stage_closed");
    expect(early.body.error.message).toMatch(/resolution stage of “Edition 2” is upcoming: its window is 3 May 2027, 11:00:00 \(UTC\)/);

    clock.set(at(3));
    const closed = await refusedUnchanged(s, () => s.comment(users.nonMember, "2.0.0-fd1", "Too late."), 409, "stage_closed");
    expect(closed.body.error.message).toMatch(/comment stage of “Edition 2” is closed: its window is 3 May 2027, 10:00:00 \(UTC\) to 3 May 2027, 11:00:00 \(UTC\)/);
    // Comments on an edition keep today's rule.
    expect((await s.comment(users.nonMember, "1.0.0", "On the edition.")).status).toBe(201);

    expect((await s.dispose(first.body.id)).status).toBe(200);
    expect((await s.dispose(last.body.id)).status).toBe(200);
    clock.set(at(4));
    expect(await stateOf(s, "ballot")).toBe("open");
    await refusedUnchanged(s, () => s.dispose(first.body.id), 409, "stage_closed");
    // Dispositions of comments on an edition, outside the cycle's rules, as today.
    const onEdition = (await s.w.ok(null, "GET", `/api/comments?standard=${s.slug}&version=1.0.0`)).comments[0];
    expect((await s.dispose(onEdition.id)).status).toBe(200);
  });

  it("publishes the edition only once the ballot passed and in the publication stage; it lists the accepted inputs and closes the cycle", async () => {
    const s = await setup();
    const { users } = s.w;
    const { accepted, rejected } = await throughCommittee(s);
    clock.set(at(2));
    const comment = (await s.comment(users.nonMember, "2.0.0-fd1")).body;
    clock.set(at(3));
    await s.dispose(comment.id);

    clock.set(at(4));
    const notPassed = await refusedUnchanged(s, () => s.publish("2.0.0"), 409, "ballot_not_passed");
    expect(notPassed.body.error.message).toMatch(/Edition 2/);
    for (const voter of [users.voter, users.voter2, users.editor]) await s.w.ok(voter, "PUT", `/api/cycles/${s.id}/ballot`, { vote: "approve" });
    await refusedUnchanged(s, () => s.publish("2.0.0"), 409, "ballot_not_passed");

    // The ballot passed; the publication stage has not opened yet.
    clock.set(at(5));
    expect((await s.cycle()).stages.find((st: { kind: string }) => st.kind === "ballot").state).toBe("closed");
    const early = await refusedUnchanged(s, () => s.publish("2.0.0"), 409, "stage_closed");
    expect(early.body.error.message).toMatch(/publication stage of “Edition 2” is upcoming/);

    clock.set(at(6));
    const published = await s.publish("2.0.0");
    expect(published.status, JSON.stringify(published.body)).toBe(201);
    expect(published.body).toMatchObject({ version: "2.0.0", kind: "edition", cycleId: s.id, previousVersion: "2.0.0-fd1" });
    const doc = (await s.document("2.0.0")) as ReleaseV2;
    expect(releaseSchemaErrors(doc)).toBeNull();
    expect(doc).toMatchObject({ format: "codewright.release/v2", kind: "edition", cycle: { id: s.id, baseVersion: "1.0.0" }, redlineFrom: "1.0.0" });
    expect(doc.changes.map((c) => c.proposal)).toEqual([accepted]);
    expect(doc.changes.map((c) => c.proposal)).not.toContain(rejected);
    expect(doc.comments).toEqual([{ id: comment.id, section: s.w.sections.a.id, disposition: "accepted", response: "Relaxed in the second draft." }]);
    const cycle = await s.cycle();
    expect(cycle.state).toBe("closed");
    expect(cycle.stages.every((st: { state: string }) => st.state === "closed")).toBe(true);

    // After the cycle: editions as before, and the cycle's inputs are not listed again.
    const next = await s.publish("2.0.1");
    expect(next.body).toMatchObject({ kind: "edition", cycleId: null });
    expect((await s.document("2.0.1")).changes).toEqual([]);
    // The first draft takes no more comments once its cycle has ended.
    const ended = await refusedUnchanged(s, () => s.comment(users.nonMember, "2.0.0-fd1"), 409, "stage_closed");
    expect(ended.body.error.message).toMatch(/first draft of “Edition 2”, which is closed/);
  });

  it("verifies, with the command line, a v2 first draft and a stored v1 release", async () => {
    const s = await setup();
    await throughCommittee(s);
    clock.set(at(2));
    await s.cycle();
    // A release of the v1 format, as releases were stored before v2, signed by the same key.
    const served = (await s.document("1.0.0")) as ReleaseV2;
    const { kind: _k, cycle: _c, redlineFrom: _r, digest: _d, ...content } = served;
    const latest = await t.db.selectFrom("releases").select(["sequence", "version"]).where("standard_id", "=", s.w.standard.id).orderBy("sequence", "desc").executeTakeFirstOrThrow();
    const undigested = { ...content, format: "codewright.release/v1" as const, version: "0.9", previousVersion: latest.version };
    const v1: Release = { ...undigested, digest: await digestOf(undigested) };
    const signer = await ReleaseSigner.open(t.db, t.config.dataDir);
    const document = canonicalJson(v1);
    const sequence = latest.sequence + 1;
    await t.db
      .insertInto("releases")
      .values({ standard_id: s.w.standard.id, version: "0.9", sequence, published_at: new Date(v1.publishedAt), previous_version: latest.version, notes: v1.notes, document, digest: v1.digest, signature: signer.sign(new TextEncoder().encode(document)), kid: signer.kid, published_by: null })
      .execute();
    expect((await s.releases()).find((r) => r.version === "0.9")).toMatchObject({ kind: "edition", cycleId: null });

    const server = await t.app.listen({ port: 0, host: "127.0.0.1" });
    const dir = await mkdtemp(join(tmpdir(), "codewright-editions-"));
    try {
      for (const [version, format] of [
        ["2.0.0-fd1", "codewright.release/v2, first draft of “Edition 2” (redline from 1.0.0)"],
        ["0.9", "codewright.release/v1, edition"],
      ] as const) {
        const download = await codewright(["download", "--server", server, "--standard", s.slug, "--version", version, "--out", dir, `--key=${signer.kid}`]);
        expect(download.code, download.stderr).toBe(0);
        const file = join(dir, `${s.slug}-${version}.json`);
        expect((parseStrictJson(await readFile(file, "utf8")) as Release).format).toBe(format.split(",")[0]);
        const verified = await codewright(["verify", file]);
        expect(verified.code, verified.stderr).toBe(0);
        expect(verified.stdout).toContain(`authentic: ${s.slug} version ${version}`);
        expect(verified.stdout).toContain(format);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
