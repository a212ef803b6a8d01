import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { sql } from "kysely";
import { Ajv } from "ajv";
import { parse } from "csv-parse/sync";
import addFormats from "ajv-formats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cycleReportSchemaV1, digestOf, verifyRelease, type CycleReport, type Release } from "@codewright/shared";
import { databaseKinds, makeUser, startTestApp, TestClock, testConfig, type TestApp } from "../helper";
import { buildWorkflowWorld, editRoom, textOf } from "../workflow/fixture";

const SECOND = 1000;
const DAY = 24 * 3600 * SECOND;
const START = Date.UTC(2027, 9, 4, 9, 0, 0);
const at = (seconds: number) => START + seconds * SECOND;
const iso = (ms: number) => new Date(ms).toISOString();
const BIN = resolve(import.meta.dirname, "../../bin/codewright.js");

function codewright(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [BIN, ...args], { env: { ...process.env, NO_COLOR: "", FORCE_COLOR: "", CODEWRIGHT_TOKEN: "" }, timeout: 60_000 }, (error, stdout, stderr) => {
      done({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

function validator() {
  const ajv = new Ajv({ strict: false, unicodeRegExp: true, allErrors: true });
  (addFormats as unknown as (a: Ajv) => void)(ajv);
  return ajv.compile(cycleReportSchemaV1);
}

/**
 * The report of a cycle run through the API: a live view while it runs, then, once the edition
 * closes it, frozen in storage, valid against its schema, with a digest and a signature that the
 * command line verifies, and a tampered copy that fails.
 */
describe.each(databaseKinds)("the report of a revision cycle on %s", { timeout: 120_000 }, (kind) => {
  let t: TestApp;
  const clock = new TestClock(START);
  beforeAll(async () => {
    t = await startTestApp(kind, { background: { ...testConfig().background, pollMs: 0 } }, { clock });
  });
  afterAll(async () => t?.close());

  it("is live while the cycle runs and frozen, signed and verifiable once it closed", async () => {
    const validate = validator();
    const w = await buildWorkflowWorld(t, { isPublic: true });
    const { users, sections } = w;
    const slug = w.standard.slug;
    await t.db.updateTable("users").set({ affiliation: "Acme Labs" }).where("id", "=", users.nonMember.id).execute();
    await w.ok(users.editor, "POST", `/api/standards/${slug}/releases`, { version: "1.0.0" });
    await w.ok(await makeUser(t.db, { admin: true }), "PATCH", `/api/standards/${slug}`, { voteThreshold: 0.6 });
    const stages = [
      { kind: "input", opensAt: iso(at(0)), closesAt: iso(at(10)) },
      { kind: "committee", opensAt: iso(at(10)), closesAt: iso(at(20)) },
      { kind: "comment", opensAt: iso(at(20)), closesAt: iso(at(30)) },
      { kind: "resolution", opensAt: iso(at(30)), closesAt: iso(at(40)) },
      { kind: "ballot", opensAt: iso(at(40)), closesAt: iso(at(50)) },
      { kind: "publication", opensAt: iso(at(60)), closesAt: iso(at(60) + 90 * DAY) },
    ];
    const cycle = (await w.ok(users.editor, "POST", `/api/standards/${slug}/cycles`, { title: "Edition 2", baseVersion: "1.0.0", stages })).cycle;
    const report = async (as: typeof users.editor | null = null) => {
      const res = await w.call(as, "GET", `/api/cycles/${cycle.id}/report`);
      expect(res.status).toBe(200);
      return res.body as CycleReport;
    };

    // Input from a reader who is no member; before any first draft, members see the redline to the draft, others none.
    clock.set(at(1));
    const { id: input } = await w.ok(users.nonMember, "POST", `/api/standards/${slug}/proposals`, { title: "Bound every input", rationale: "Substantiation.", fromSection: sections.a.id });
    await editRoom(t.db, `proposal.${input}.${sections.a.id}`, users.nonMember.id, (body) => {
      const text = textOf(body, 0);
      text.insert(text.length, " Inputs are bounded.");
      text.delete(0, "Every".length);
      text.insert(0, "Each");
    });
    await w.ok(users.nonMember, "POST", `/api/proposals/${input}/submit`);
    let live = await report();
    expect(validate(live), JSON.stringify(validate.errors)).toBe(true);
    expect(live).toMatchObject({ format: "codewright.cycle-report/v1", final: false, cycle: { title: "Edition 2", baseVersion: "1.0.0", state: "active" }, redline: null });
    expect(live.inputs).toEqual([{ proposal: input, title: "Bound every input", submitter: { name: "Non member", affiliation: "Acme Labs" }, committeeAction: null }]);
    expect((await report(users.editor)).redline).toMatchObject({ from: "1.0.0", to: "draft" });

    // A window moves, with its reason.
    const committee = cycle.stages.find((s: { kind: string }) => s.kind === "committee");
    await w.ok(users.editor, "PATCH", `/api/cycles/${cycle.id}/stages/${committee.id}`, { closesAt: iso(at(19)), reason: "The committee meets early." });

    // Committee: a vote and the action, with its statement.
    clock.set(at(11));
    await w.ok(users.voter, "PUT", `/api/proposals/${input}/vote`, { vote: "approve", reason: "Bounds help." });
    await w.ok(users.editor, "PUT", `/api/proposals/${input}/committee-action`, { action: "accept", statement: "Bounds make validation checkable." });

    // Comment on the first draft, with hostile text; then its disposition.
    clock.set(at(21));
    const hostile = 'A "quoted", comma\nnewline <script>alert(1)</script>';
    const comment = await w.ok(users.nonMember, "POST", "/api/comments", {
      target: { kind: "release_section", standard: slug, version: "2.0.0-fd1", section: sections.a.id },
      anchor: { quote: "validate" },
      body: hostile,
    });
    clock.set(at(31));
    await w.ok(users.editor, "PUT", `/api/comments/${comment.id}/disposition`, { disposition: "rejected", response: "=1+1 each device states its own bound." });

    // Ballot: three approvals in round 1, final; publication.
    clock.set(at(41));
    for (const voter of [users.voter, users.voter2, users.editor]) await w.ok(voter, "PUT", `/api/cycles/${cycle.id}/ballot`, { vote: "approve" });
    clock.set(at(51));
    live = await report();
    expect(validate(live), JSON.stringify(validate.errors)).toBe(true);
    expect(live.final).toBe(false);
    expect(live.cycle.windowChanges).toMatchObject([{ stage: "committee", reason: "The committee meets early.", by: { name: "Editor" } }]);
    expect(live.cycle.stages.find((s) => s.kind === "committee")).toMatchObject({ plannedClosesAt: iso(at(19)), openedAt: iso(at(11)) });
    expect(live.inputs[0]!.committeeAction).toMatchObject({ action: "accept", statement: "Bounds make validation checkable.", votes: [{ name: "Voter", vote: "approve", reason: "Bounds help." }] });
    expect(live.comments).toEqual([
      {
        id: comment.id,
        section: { id: sections.a.id, number: expect.any(String), label: expect.any(String), title: expect.any(String) },
        commenter: { name: "Non member", affiliation: "Acme Labs" },
        kind: null,
        quotedText: "validate",
        proposedText: null,
        body: hostile,
        disposition: "rejected",
        response: "=1+1 each device states its own bound.",
        answer: null,
        proposal: null,
      },
    ]);
    expect(live.ballot).toMatchObject([{ round: 1, kind: "ballot", state: "closed", result: { passed: true, final: true } }]);
    expect(live.ballot[0]!.votes.map((v) => v.vote)).toEqual(["approve", "approve", "approve"]);
    expect(live.redline).toMatchObject({ from: "1.0.0", to: "2.0.0-fd1" });
    expect(live.digest).toBe(await digestOf(live as unknown as Release));

    clock.set(at(61));
    await w.ok(users.editor, "POST", `/api/standards/${slug}/releases`, { version: "2.0.0", notes: "Edition 2." });
    const raw = (user: typeof users.editor | null) => t.app.inject({ method: "GET", url: `/api/cycles/${cycle.id}/report`, headers: user ? user.auth : {} });
    const res = await raw(null);
    const final = res.json() as CycleReport;
    expect(final).toMatchObject({ final: true, cycle: { state: "closed" }, redline: { from: "1.0.0", to: "2.0.0" } });
    expect(validate(final), JSON.stringify(validate.errors)).toBe(true);
    expect(final.redline!.diff.sections.filter((s) => s.status.includes("modified")).map((s) => s.id)).toEqual([sections.a.id]);

    // Frozen: stored once, the same bytes ever after, and the table refuses changes.
    const stored = await t.db.selectFrom("cycle_reports").selectAll().where("cycle_id", "=", cycle.id).execute();
    expect(stored.map((r) => r.digest)).toEqual([final.digest]);
    await t.db.updateTable("users").set({ display_name: "Renamed later" }).where("id", "=", users.nonMember.id).execute();
    clock.set(at(61) + 30 * DAY);
    const again = await raw(users.editor);
    expect(again.body).toBe(res.body);
    expect(again.headers["cache-control"]).toContain("immutable");
    await expect(sql`update cycle_reports set digest = 'x' where cycle_id = ${cycle.id}`.execute(t.db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from cycle_reports where cycle_id = ${cycle.id}`.execute(t.db)).rejects.toThrow(/append-only/);

    // Signed with the release key: it verifies, and a tampered copy fails, in code and with the command line.
    const signature = await w.ok(null, "GET", `/api/cycles/${cycle.id}/report/signature`);
    const keys = await w.ok(null, "GET", "/api/keys");
    expect(await verifyRelease(final, signature, keys)).toMatchObject({ valid: true, digest: final.digest });
    const tampered = { ...final, comments: final.comments.map((c) => ({ ...c, disposition: "accepted" })) };
    expect(await verifyRelease(tampered, signature, keys)).toMatchObject({ valid: false, problem: "digest_mismatch" });

    const dir = await mkdtemp(join(tmpdir(), "codewright-report-"));
    try {
      await writeFile(join(dir, "report.json"), res.body);
      await writeFile(join(dir, "report.signature.json"), JSON.stringify(signature));
      await writeFile(join(dir, "keys.json"), JSON.stringify(keys));
      await writeFile(join(dir, "tampered.json"), JSON.stringify(tampered));
      const ok = await codewright(["verify", join(dir, "report.json"), "--signature", join(dir, "report.signature.json"), "--keys", join(dir, "keys.json")]);
      expect(ok.code, ok.stderr).toBe(0);
      expect(ok.stdout).toContain("report of the cycle “Edition 2”");
      expect(ok.stdout).toContain("codewright.cycle-report/v1, final");
      const bad = await codewright(["verify", join(dir, "tampered.json"), "--signature", join(dir, "report.signature.json"), "--keys", join(dir, "keys.json")]);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toContain("NOT AUTHENTIC (digest_mismatch)");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }

    // The comments as a spreadsheet: a BOM, CRLF records, hostile text intact, a formula escaped.
    const csv = await t.app.inject({ method: "GET", url: `/api/cycles/${cycle.id}/comments.csv` });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers["content-type"]).toContain("text/csv");
    expect(csv.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(csv.body).toContain("\r\n");
    const rows = parse(csv.rawPayload, { bom: true }) as string[][];
    const section = final.comments[0]!.section!;
    expect(rows).toEqual([
      ["id", "section number", "section label", "kind", "commenter", "affiliation", "quoted text", "comment", "proposed text", "disposition", "response", "commenter's answer"],
      [comment.id, section.number, section.label, "", "Non member", "Acme Labs", "validate", hostile, "", "rejected", "'=1+1 each device states its own bound.", ""],
    ]);

    // The printable page: cover, contents, the comment under its section, the redline marks, hostile text escaped.
    const page = await t.app.inject({ method: "GET", url: `/api/cycles/${cycle.id}/report.html` });
    expect(page.statusCode).toBe(200);
    expect(page.headers["content-type"]).toContain("text/html");
    const html = page.body;
    expect(html).toContain('<nav class="toc"');
    expect(html).toContain("Report of the revision cycle “Edition 2”");
    expect(html).toContain(`${section.number} ${section.title}`);
    expect(html).toMatch(/<ins>[^<]*Each[^<]*<\/ins>/);
    expect(html).toMatch(/<del>[^<]*Every[^<]*<\/del>/);
    expect(html).toMatch(/<ins>[^<]*bounded[^<]*<\/ins>/);
    expect(html).not.toContain("<script>");
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).toContain("A &quot;quoted&quot;, comma<br>newline");

    // The printable redline of the whole standard between two releases.
    const diffPage = await t.app.inject({ method: "GET", url: `/api/standards/${slug}/diff.html?from=1.0.0&to=2.0.0` });
    expect(diffPage.statusCode).toBe(200);
    expect(diffPage.headers["content-type"]).toContain("text/html");
    expect(diffPage.body).toContain("Changes from 1.0.0 to 2.0.0: 1 section changed.");
    expect(diffPage.body).toMatch(/<del>[^<]*Every[^<]*<\/del>/);
    expect(diffPage.body).toMatch(/<ins>[^<]*Each[^<]*<\/ins>/);
    expect((await t.app.inject({ method: "GET", url: `/api/standards/${slug}/diff.html?from=1.0.0&to=9.9.9` })).statusCode).toBe(404);

    // The schema is served.
    expect((await w.ok(null, "GET", "/api/schemas/cycle-report-v1.json")).$id).toBe("urn:codewright:schema:cycle-report-v1");
  });
});
