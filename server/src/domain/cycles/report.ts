import {
  CYCLE_REPORT_FORMAT,
  canonicalJson,
  diffReleases,
  digestOf,
  DRAFT_VERSION,
  type CycleReport,
  type DiffableRelease,
  type NamedVote,
  type Release,
  type ReleaseSection,
  type ReleaseSignature,
  type ReportComment,
  type ReportInput,
  type UserRef,
} from "@codewright/shared";
import type { Db } from "../../db/database";
import type { CycleRow } from "../../db/tables/cycles";
import type { StandardRow } from "../../db/tables/standards";
import type { Actor } from "../auth";
import type { DomainContext } from "../context";
import { assertRead, isEditor, isMember, standardAccess } from "../access";
import { notFound } from "../errors";
import { findRelease, releaseDocument } from "../releases/read";
import type { ReleaseSigner } from "../releases/signing";
import { snapshotDraft } from "../releases/snapshot";
import { ballotView } from "./ballot/view";
import { settleCycle, stagesOf } from "./settle";
import { firstDraftVersion, inputsOf } from "./requirements";
import { cycleView } from "./view";
import { cycleReportToHtml } from "./report-html";

/**
 * The report of a revision cycle (`codewright.cycle-report/v1`): its stages with planned and
 * actual dates and every change of window, every input with the committee's action and named
 * votes, every comment on its first draft with its disposition, every ballot round with named
 * votes, and the redline from the base version to the result.
 *
 * While the cycle is active it is a live view (`final: false`), built on each read. Once the
 * cycle has ended (closed, or cancelled: neither changes again) the first read builds it with
 * `final: true` and stores its canonical JSON in `cycle_reports` (append-only); every read after
 * serves those bytes, so the digest and the signature never change. Signed with the release key,
 * over the canonical JSON of the whole document, exactly as releases are.
 */

/** A report as served: the canonical JSON text, its digest, and whether it is the frozen final one. */
export interface ServedReport {
  text: string;
  digest: string;
  final: boolean;
  isPublic: boolean;
}

/** The report of a cycle, for whoever may read its standard (404 otherwise, as for a missing cycle). */
export async function readCycleReport(ctx: DomainContext, actor: Actor | null, id: string): Promise<ServedReport> {
  const row = await ctx.db.selectFrom("cycles").selectAll().where("id", "=", id).executeTakeFirst();
  if (!row) throw notFound("cycle");
  const standard = await ctx.db.selectFrom("standards").selectAll().where("id", "=", row.standard_id).executeTakeFirstOrThrow();
  const access = await standardAccess(ctx.db, standard, actor);
  assertRead(access);
  if (row.state === "active") await ctx.db.transaction().execute((trx) => settleCycle(trx, id, ctx.clock.now(), ctx.cycleEffects));
  const cycle = await ctx.db.selectFrom("cycles").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
  const isPublic = standard.is_public;
  if (cycle.state === "active") {
    const report = await buildReport(ctx, standard, cycle, false, isMember(access) || isEditor(access));
    return { text: canonicalJson(report), digest: report.digest, final: false, isPublic };
  }
  const stored = await ctx.db.selectFrom("cycle_reports").select(["document", "digest"]).where("cycle_id", "=", id).executeTakeFirst();
  if (stored) return { text: stored.document, digest: stored.digest, final: true, isPublic };
  // The final report shows the draft to nobody: the result of an ended cycle is a published release, or none.
  const report = await buildReport(ctx, standard, cycle, true, false);
  const text = canonicalJson(report);
  // Two first readers at once: the first insert wins, and both serve what was stored.
  await ctx.db.insertInto("cycle_reports").values({ cycle_id: id, document: text, digest: report.digest }).onConflict((oc) => oc.column("cycle_id").doNothing()).execute();
  const kept = await ctx.db.selectFrom("cycle_reports").select(["document", "digest"]).where("cycle_id", "=", id).executeTakeFirstOrThrow();
  return { text: kept.document, digest: kept.digest, final: true, isPublic };
}

/** The report as a printable page, for whoever may read the standard. */
export async function cycleReportHtml(ctx: DomainContext, actor: Actor | null, id: string): Promise<{ html: string; final: boolean }> {
  const report = await readCycleReport(ctx, actor, id);
  return { html: cycleReportToHtml(JSON.parse(report.text) as CycleReport), final: report.final };
}

/** The detached signature of the report's canonical JSON, with the release signing key. */
export function signReport(report: ServedReport, signer: ReleaseSigner): ReleaseSignature {
  return { algorithm: "Ed25519", kid: signer.kid, signature: signer.sign(new TextEncoder().encode(report.text)) };
}

const person = (name: string | null | undefined, affiliation: string | null | undefined) => ({ name: name ?? "", affiliation: affiliation ?? null });
const namedVote = (v: NamedVote) => ({ ...person(v.user.displayName, v.user.affiliation), vote: v.vote, reason: v.reason });

async function buildReport(ctx: DomainContext, standard: StandardRow, cycle: CycleRow, final: boolean, showDraft: boolean): Promise<CycleReport> {
  const db = ctx.db;
  const view = await cycleView(db, standard, cycle, await stagesOf(db, cycle.id), ctx.clock.now());
  const ballot = await ballotView(db, standard, cycle);
  const firstDraft = await firstDraftVersion(db, cycle.id);
  const undigested: Omit<CycleReport, "digest"> = {
    format: CYCLE_REPORT_FORMAT,
    final,
    standard: { slug: standard.slug, title: standard.title },
    cycle: {
      id: cycle.id,
      title: cycle.title,
      baseVersion: cycle.base_version,
      state: cycle.state,
      createdAt: view.createdAt,
      endedAt: view.endedAt,
      cancelReason: view.cancelReason,
      stages: view.stages.map((s) => ({ kind: s.kind, plannedOpensAt: s.opensAt, plannedClosesAt: s.closesAt, openedAt: s.openedAt, closedAt: s.closedAt })),
      windowChanges: view.windowChanges.map((c) => ({ stage: c.stage, at: c.at, by: c.by ? personOf(c.by) : null, reason: c.reason, from: c.from, to: c.to })),
    },
    inputs: await reportInputs(db, cycle.id),
    comments: firstDraft ? await reportComments(db, standard, firstDraft) : [],
    ballot: ballot.rounds.map((r) => ({
      round: r.round,
      kind: r.kind,
      opensAt: r.opensAt,
      closesAt: r.closesAt,
      state: r.state,
      result: r.result,
      votes: r.votes.map((v) => ({ ...person(v.user.displayName, v.affiliation), vote: v.vote, reason: v.reason, interestCategory: v.interestCategory, response: v.response })),
    })),
    redline: await redline(db, standard, cycle, firstDraft, showDraft),
  };
  return { ...undigested, digest: await digestOf(undigested as unknown as Release) };
}

const personOf = (u: UserRef) => person(u.displayName, u.affiliation);

async function reportInputs(db: Db, cycleId: string): Promise<ReportInput[]> {
  const rows = await inputsOf(db, cycleId)
    .innerJoin("users", "users.id", "proposals.author_id")
    .leftJoin("committee_actions", "committee_actions.proposal_id", "proposals.id")
    .select(["proposals.id", "proposals.title", "users.display_name", "users.affiliation", "committee_actions.action", "committee_actions.statement", "committee_actions.votes", "committee_actions.acted_at"])
    .orderBy("proposals.submitted_at")
    .orderBy("proposals.id")
    .execute();
  return rows.map((r) => ({
    proposal: r.id,
    title: r.title,
    submitter: person(r.display_name, r.affiliation),
    committeeAction: r.action
      ? { action: r.action, statement: r.statement ?? "", actedAt: new Date(r.acted_at!).toISOString(), votes: ((r.votes as unknown as NamedVote[] | null) ?? []).map(namedVote) }
      : null,
  }));
}

/** The sections of a release by id, with their number, label and title as published. */
function sectionIndex(sections: readonly ReleaseSection[], into = new Map<string, ReleaseSection>()): Map<string, ReleaseSection> {
  for (const s of sections) {
    into.set(s.id, s);
    sectionIndex(s.children, into);
  }
  return into;
}

/**
 * The public comments on the cycle's first draft, oldest first. Only the fields comments have
 * now are read (body, anchor quote, disposition and its response, the linked proposal); `kind`,
 * `proposedText` and the commenter's `answer` are null until comments record them.
 */
async function reportComments(db: Db, standard: StandardRow, version: string): Promise<ReportComment[]> {
  const sections = sectionIndex(releaseDocument(await findRelease(db, standard.id, version)).sections);
  const rows = await db
    .selectFrom("comment_threads")
    .innerJoin("users", "users.id", "comment_threads.author_id")
    .select([
      "comment_threads.id",
      "comment_threads.section_id",
      "comment_threads.body",
      "comment_threads.anchor",
      "comment_threads.disposition",
      "comment_threads.disposition_response",
      "comment_threads.disposition_proposal_id",
      "users.display_name",
      "users.affiliation",
    ])
    .where("comment_threads.standard_id", "=", standard.id)
    .where("comment_threads.target_kind", "=", "release_section")
    .where("comment_threads.release_version", "=", version)
    .orderBy("comment_threads.created_at")
    .orderBy("comment_threads.id")
    .execute();
  return rows.map((r) => {
    const section = r.section_id ? sections.get(r.section_id) : undefined;
    return {
      id: r.id,
      section: r.section_id ? { id: r.section_id, number: section?.number ?? null, label: section?.label ?? null, title: section?.title ?? null } : null,
      commenter: person(r.display_name, r.affiliation),
      // Added by typed comments: read here once they exist.
      kind: null,
      quotedText: r.anchor?.quote ?? null,
      proposedText: null,
      body: r.body,
      disposition: r.disposition ?? null,
      response: r.disposition_response ?? null,
      answer: null,
      proposal: r.disposition_proposal_id ?? null,
    };
  });
}

/** From the base to the edition if published, else the first draft, else the draft (only for its members). */
async function redline(db: Db, standard: StandardRow, cycle: CycleRow, firstDraft: string | null, showDraft: boolean): Promise<CycleReport["redline"]> {
  const edition = await db.selectFrom("releases").select("version").where("cycle_id", "=", cycle.id).where("kind", "=", "edition").orderBy("sequence", "desc").limit(1).executeTakeFirst();
  const base: DiffableRelease = releaseDocument(await findRelease(db, standard.id, cycle.base_version));
  const to = edition?.version ?? firstDraft;
  let after: DiffableRelease;
  if (to) after = releaseDocument(await findRelease(db, standard.id, to));
  else if (showDraft && cycle.state === "active") after = { version: DRAFT_VERSION, sections: await snapshotDraft(db, standard.id) };
  else return null;
  return { from: cycle.base_version, to: after.version ?? DRAFT_VERSION, diff: diffReleases(base, after) };
}
