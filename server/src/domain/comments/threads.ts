import { randomUUID } from "node:crypto";
import type * as Y from "yjs";
import type { AnchorPosition, AnswerBody, CommentKind, CommentList, CommentListQuery, CommentTarget, CommentThread, DispositionBody, PMJSON, UserRef } from "@codewright/shared";
import type { Db } from "../../db/database";
import type { CommentReplyRow, CommentThreadRow, StoredAnchor } from "../../db/tables/comments";
import type { ProposalRow } from "../../db/tables/proposals";
import type { Actor } from "../auth";
import type { DomainContext } from "../context";
import { assertAnswerComment, assertComment, assertDispose, assertModerateThread, assertRead, canAnswerComment, canComment, canDispose, canModerateThread, canRead, standardAccess, type StandardAccess } from "../access";
import { recordAudit } from "../audit";
import { announceEvents, recordEvent } from "../events/outbox";
import { addWatch } from "../notifications/watches";
import {
  commentNotDisposed,
  commentNotOpen,
  commentNotResolved,
  emptyComment,
  invalidAnchor,
  invalidRequest,
  invalidTarget,
  notAPublicComment,
  notFound,
  responseRequired,
} from "../errors";
import { loadRoomDoc } from "../room-log";
import { draftRoom } from "../sections";
import { accessToStandard } from "../standards";
import { baseState, docOf, proposalRoom } from "../proposals/rooms";
import { requireFirstDraftStage } from "../cycles/cycles";
import { resolveAnchor, resolveQuoteIn } from "./anchors";

/**
 * Comment threads: on a draft section, a proposal or one of its sections, or a section of a
 * published release (a public comment). Bodies are plain text, stored exactly as written; they
 * are never interpreted as markup anywhere.
 */

/** Where a thread's anchored text lives, to read it when resolving anchors. */
type TextSource = { kind: "room"; room: string } | { kind: "base"; proposalId: string; sectionId: string } | { kind: "release"; content: PMJSON } | { kind: "none" };

interface TargetFacts {
  kind: CommentTarget["kind"];
  sectionId: string | null;
  proposal: ProposalRow | null;
  version: string | null;
}

async function proposalOf(db: Db, standardId: string, id: string | undefined): Promise<ProposalRow> {
  if (!id) throw invalidTarget( "Name the proposal the comment is on.");
  const row = await db.selectFrom("proposals").selectAll().where("id", "=", id).where("standard_id", "=", standardId).executeTakeFirst();
  if (!row) throw notFound("proposal");
  return row;
}

/** The release document's section with this id, searched through the tree. */
function releaseSection(sections: ReadonlyArray<{ id: string; content: PMJSON; children: unknown[] }>, id: string): { content: PMJSON } | null {
  for (const s of sections) {
    if (s.id === id) return s;
    const inner = releaseSection(s.children as typeof sections, id);
    if (inner) return inner;
  }
  return null;
}

type ReleaseSections = { sections: Array<{ id: string; content: PMJSON; children: unknown[] }> };

async function releaseDocumentOf(db: Db, standardId: string, version: string): Promise<ReleaseSections> {
  const row = await db.selectFrom("releases").select("document").where("standard_id", "=", standardId).where("version", "=", version).executeTakeFirst();
  if (!row) throw notFound("release");
  return JSON.parse(row.document) as ReleaseSections;
}

/** Checks that the target exists in the standard and returns where its text is. Throws 400 `invalid_target`, 404. */
async function checkTarget(db: Db, standardId: string, target: CommentTarget): Promise<{ facts: TargetFacts; source: TextSource }> {
  const extra = (allowed: Array<"section" | "proposal" | "version">) =>
    (["section", "proposal", "version"] as const).some((k) => target[k] !== undefined && !allowed.includes(k));
  switch (target.kind) {
    case "section": {
      if (extra(["section"]) || !target.section) throw invalidTarget( "A comment on a section names the section, and nothing else.");
      const s = await db.selectFrom("sections").select("room").where("id", "=", target.section).where("standard_id", "=", standardId).where("deleted_at", "is", null).executeTakeFirst();
      if (!s) throw notFound("section");
      return { facts: { kind: "section", sectionId: target.section, proposal: null, version: null }, source: { kind: "room", room: s.room } };
    }
    case "proposal": {
      if (extra(["proposal"])) throw invalidTarget( "A comment on a whole proposal names the proposal, and nothing else.");
      const proposal = await proposalOf(db, standardId, target.proposal);
      return { facts: { kind: "proposal", sectionId: null, proposal, version: null }, source: { kind: "none" } };
    }
    case "proposal_section": {
      if (extra(["proposal", "section"]) || !target.section) throw invalidTarget( "A comment on a proposal's section names the proposal and the section.");
      const proposal = await proposalOf(db, standardId, target.proposal);
      return { facts: { kind: "proposal_section", sectionId: target.section, proposal, version: null }, source: await proposalSource(db, proposal, target.section) };
    }
    case "release_section": {
      if (extra(["version", "section"]) || !target.version) throw invalidTarget( "A public comment names the release version (and the section, unless it is on the whole release).");
      const document = await releaseDocumentOf(db, standardId, target.version);
      let source: TextSource = { kind: "none" };
      if (target.section) {
        const section = releaseSection(document.sections, target.section);
        if (!section) throw notFound("section");
        source = { kind: "release", content: section.content };
      }
      return { facts: { kind: "release_section", sectionId: target.section ?? null, proposal: null, version: target.version }, source };
    }
  }
}

/** A proposal section's text: its own room once forked (or added), else its base. Throws 404 for a section the proposal never had. */
async function proposalSource(db: Db, proposal: ProposalRow, sectionId: string): Promise<TextSource> {
  const room = await db.selectFrom("proposal_rooms").select("room").where("proposal_id", "=", proposal.id).where("section_id", "=", sectionId).executeTakeFirst();
  return proposalSectionSource(proposal, sectionId, room?.room);
}

function proposalSectionSource(proposal: ProposalRow, sectionId: string, room: string | undefined): TextSource {
  if (![...proposal.outline, ...proposal.base_outline].some((e) => e.id === sectionId)) throw notFound("section");
  return room ? { kind: "room", room } : { kind: "base", proposalId: proposal.id, sectionId };
}

/** Reads texts once per request. */
class Texts {
  readonly #docs = new Map<string, Promise<Y.Doc>>();
  constructor(private readonly db: Db) {}

  async position(source: TextSource, anchor: StoredAnchor | null): Promise<AnchorPosition | null> {
    if (!anchor) return null;
    switch (source.kind) {
      case "none":
        return { state: "unknown" };
      case "release":
        return resolveQuoteIn(source.content, anchor);
      case "room":
        return resolveAnchor(await this.doc(source.room, () => loadRoomDoc(this.db, source.room)), anchor);
      case "base": {
        const key = proposalRoom(source.proposalId, source.sectionId);
        return resolveAnchor(await this.doc(`base:${key}`, async () => docOf(await baseState(this.db, source.proposalId, source.sectionId), draftRoom(source.sectionId))), anchor);
      }
    }
  }

  private doc(key: string, load: () => Promise<Y.Doc>): Promise<Y.Doc> {
    let doc = this.#docs.get(key);
    if (!doc) {
      doc = load();
      this.#docs.set(key, doc);
    }
    return doc;
  }

  async destroy() {
    for (const doc of this.#docs.values()) (await doc.catch(() => null))?.destroy();
  }
}

function assertBody(body: string): void {
  if (!body.trim()) throw emptyComment();
}

export interface NewComment {
  target: CommentTarget;
  anchor?: StoredAnchor;
  body: string;
  kind?: CommentKind;
  proposedText?: string;
}

/**
 * Starts a thread. Members comment on draft sections and proposals; any signed-in reader may
 * comment on a published release while the standard accepts public comments. An anchor must
 * point at text that exists now (400 `invalid_anchor`), and only targets with text take one.
 */
export async function createThread(ctx: DomainContext, actor: Actor | null, input: NewComment): Promise<CommentThread> {
  const thread = await ctx.db.transaction().execute(async (trx) => {
    const access = await accessToStandard(trx, input.target.standard, actor);
    assertComment(access, input.target.kind);
    assertBody(input.body);
    // A cycle's first draft takes comments only in the cycle's comment stage.
    if (input.target.kind === "release_section" && input.target.version) await requireFirstDraftStage(ctx, trx, access.standard, input.target.version, "comment");
    const { facts, source } = await checkTarget(trx, access.standard.id, input.target);
    // Proposed text replaces part of a section's text, so only a comment on one carries it.
    if (input.proposedText !== undefined) {
      if (!facts.sectionId || facts.kind === "proposal") throw invalidRequest("Only a comment on a section's text (a draft, proposal or release section) can carry proposed text.");
      if (!input.proposedText.trim()) throw invalidRequest("Proposed text cannot be blank: leave it out instead.");
    }
    if (input.anchor) {
      if (source.kind === "none") throw invalidAnchor("Only a comment on a section's text can be anchored to a range of it.");
      const texts = new Texts(trx);
      const position = await texts.position(source, input.anchor);
      await texts.destroy();
      if (position?.state !== "active") throw invalidAnchor("The anchored text was not found in the section as it is now. Select it again.");
    }
    const threadId = randomUUID();
    await trx
      .insertInto("comment_threads")
      .values({
        id: threadId,
        standard_id: access.standard.id,
        target_kind: facts.kind,
        section_id: facts.sectionId,
        proposal_id: facts.proposal?.id ?? null,
        release_version: facts.version,
        author_id: access.actor.user.id,
        body: input.body,
        anchor: input.anchor ? JSON.stringify(input.anchor) : null,
        kind: input.kind ?? "general",
        proposed_text: input.proposedText ?? null,
      })
      .execute();
    await recordAudit(trx, {
      actorId: access.actor.user.id,
      standardId: access.standard.id,
      action: "comment.create",
      subjectType: "comment",
      subjectId: threadId,
      toState: "open",
      details: { target: facts.kind, sectionId: facts.sectionId, proposalId: facts.proposal?.id ?? null, version: facts.version, kind: input.kind ?? "general", proposedText: input.proposedText ?? null },
    });
    await recordEvent(trx, {
      event: "comment.created",
      standardId: access.standard.id,
      actorId: access.actor.user.id,
      payload: { threadId, target: facts.kind, sectionId: facts.sectionId, proposalId: facts.proposal?.id ?? null, version: facts.version },
    });
    // Its author hears of replies.
    await addWatch(trx, access.actor.user.id, "thread", threadId);
    return threadView(trx, access, await threadRow(trx, threadId));
  });
  announceEvents(ctx);
  return thread;
}

async function threadRow(db: Db, id: string, forUpdate = false): Promise<CommentThreadRow> {
  let q = db.selectFrom("comment_threads").selectAll().where("id", "=", id);
  if (forUpdate) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  if (!row) throw notFound("comment");
  return row;
}

/** The thread and the actor's standing in its standard. Throws 404 when missing or hidden. */
async function accessToThread(db: Db, id: string, actor: Actor | null, forUpdate = false): Promise<{ access: StandardAccess; thread: CommentThreadRow }> {
  const thread = await threadRow(db, id, forUpdate);
  const standard = await db.selectFrom("standards").selectAll().where("id", "=", thread.standard_id).executeTakeFirstOrThrow();
  const access = await standardAccess(db, standard, actor);
  if (!canRead(access)) throw notFound("comment");
  return { access, thread };
}

/** Adds a reply to a thread; whoever may comment on its target may reply. */
export async function replyToThread(ctx: DomainContext, actor: Actor | null, id: string, body: string): Promise<CommentThread> {
  const { view, standardId } = await ctx.db.transaction().execute(async (trx) => {
    const { access, thread } = await accessToThread(trx, id, actor, true);
    assertComment(access, thread.target_kind);
    assertBody(body);
    const replyId = randomUUID();
    await trx.insertInto("comment_replies").values({ id: replyId, thread_id: id, author_id: access.actor.user.id, body }).execute();
    await trx.updateTable("comment_threads").set({ updated_at: new Date() }).where("id", "=", id).execute();
    await recordAudit(trx, {
      actorId: access.actor.user.id,
      standardId: thread.standard_id,
      action: "comment.reply",
      subjectType: "comment",
      subjectId: id,
      details: { replyId, proposalId: thread.proposal_id },
    });
    await recordEvent(trx, { event: "comment.reply", standardId: thread.standard_id, actorId: access.actor.user.id, payload: { threadId: id, replyId, proposalId: thread.proposal_id } });
    // Whoever takes part in a thread hears of the replies after theirs.
    await addWatch(trx, access.actor.user.id, "thread", id);
    return { view: await threadView(trx, access, await threadRow(trx, id)), standardId: thread.standard_id };
  });
  ctx.events.emit("activity", { standardId });
  announceEvents(ctx);
  return view;
}

/**
 * Resolves (`open → resolved`) or reopens (`resolved → open`) a thread: its author or an editor.
 * Throws 409 `comment_not_open` / `comment_not_resolved` from the wrong state.
 */
export async function setThreadState(ctx: DomainContext, actor: Actor | null, id: string, to: "open" | "resolved"): Promise<CommentThread> {
  return ctx.db.transaction().execute(async (trx) => {
    const { access, thread } = await accessToThread(trx, id, actor, true);
    assertModerateThread(access, thread.author_id);
    if (thread.state === to) throw to === "resolved" ? commentNotOpen() : commentNotResolved();
    const now = new Date();
    const row = await trx
      .updateTable("comment_threads")
      .set({ state: to, resolved_by: to === "resolved" ? access.actor.user.id : null, resolved_at: to === "resolved" ? now : null, updated_at: now })
      .where("id", "=", id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, {
      actorId: access.actor.user.id,
      standardId: thread.standard_id,
      action: to === "resolved" ? "comment.resolve" : "comment.reopen",
      subjectType: "comment",
      subjectId: id,
      fromState: thread.state,
      toState: to,
    });
    return threadView(trx, access, row);
  });
}

/**
 * Records an editor's disposition of a public comment (a thread on a release), with a response
 * (required for all but `accepted`: 400 `response_required`), optionally the proposal that carries
 * it out, and for `duplicate` the other comment of the standard it repeats. Recording it again
 * replaces it and clears the commenter's answer to the old one; the audit log keeps each.
 * Throws 400 `not_a_public_comment` for a thread that is not on a release.
 */
export async function disposeThread(ctx: DomainContext, actor: Actor | null, id: string, input: DispositionBody): Promise<CommentThread> {
  const disposed = await ctx.db.transaction().execute(async (trx) => {
    const { access, thread } = await accessToThread(trx, id, actor, true);
    assertDispose(access);
    if (thread.target_kind !== "release_section") throw notAPublicComment();
    // Comments on a cycle's first draft are disposed of in the cycle's resolution stage.
    await requireFirstDraftStage(ctx, trx, access.standard, thread.release_version!, "resolution");
    const response = input.response?.trim() ? input.response : "";
    if (input.disposition !== "accepted" && !response) throw responseRequired(`A disposition of “${input.disposition}” needs a response to the commenter.`);
    if (input.disposition === "duplicate") {
      if (!input.duplicateOf) throw invalidRequest("A duplicate names the comment it repeats (duplicateOf).");
      if (input.duplicateOf === id) throw invalidRequest("A comment cannot be a duplicate of itself.");
      const original = await trx.selectFrom("comment_threads").select("id").where("id", "=", input.duplicateOf).where("standard_id", "=", thread.standard_id).executeTakeFirst();
      if (!original) throw invalidRequest("duplicateOf names no comment of this standard.");
    } else if (input.duplicateOf !== undefined) {
      throw invalidRequest("Only a duplicate names another comment (duplicateOf).");
    }
    if (input.proposal) await proposalOf(trx, thread.standard_id, input.proposal);
    const now = ctx.clock.now();
    const row = await trx
      .updateTable("comment_threads")
      .set({
        disposition: input.disposition,
        disposition_response: response,
        disposition_proposal_id: input.proposal ?? null,
        disposition_duplicate_of: input.duplicateOf ?? null,
        disposition_by: access.actor.user.id,
        disposition_at: now,
        // The commenter answers the disposition as it is now.
        answer: null,
        answer_note: null,
        answer_at: null,
        updated_at: now,
      })
      .where("id", "=", id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, {
      actorId: access.actor.user.id,
      standardId: thread.standard_id,
      action: "comment.disposition",
      subjectType: "comment",
      subjectId: id,
      fromState: thread.disposition,
      toState: input.disposition,
      details: { response, proposalId: input.proposal ?? null, duplicateOf: input.duplicateOf ?? null, clearedAnswer: thread.answer },
    });
    await recordEvent(trx, {
      event: "comment.disposed",
      standardId: thread.standard_id,
      actorId: access.actor.user.id,
      payload: { threadId: id, disposition: input.disposition, response, proposalId: input.proposal ?? null, authorId: thread.author_id },
    });
    return threadView(trx, access, row);
  });
  announceEvents(ctx);
  return disposed;
}

/**
 * The commenter's answer to the disposition of their public comment: satisfied, unsatisfied or
 * withdrawn, with an optional note. Only the comment's author (403), once it has a disposition
 * (409 `comment_not_disposed`), and on a cycle's first draft only in its resolution stage (409
 * `stage_closed`). Answering again replaces it; the audit log keeps each.
 */
export async function answerThread(ctx: DomainContext, actor: Actor | null, id: string, input: AnswerBody): Promise<CommentThread> {
  return ctx.db.transaction().execute(async (trx) => {
    const { access, thread } = await accessToThread(trx, id, actor, true);
    assertAnswerComment(access, thread.author_id);
    if (thread.target_kind !== "release_section") throw notAPublicComment();
    if (!thread.disposition) throw commentNotDisposed();
    await requireFirstDraftStage(ctx, trx, access.standard, thread.release_version!, "resolution");
    const note = input.note?.trim() ? input.note : null;
    const now = ctx.clock.now();
    const row = await trx
      .updateTable("comment_threads")
      .set({ answer: input.response, answer_note: note, answer_at: now, updated_at: now })
      .where("id", "=", id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, {
      actorId: access.actor.user.id,
      standardId: thread.standard_id,
      action: "comment.answer",
      subjectType: "comment",
      subjectId: id,
      fromState: thread.answer,
      toState: input.response,
      details: { note, disposition: thread.disposition },
    });
    return threadView(trx, access, row);
  });
}

/** The threads of a standard the query asks for (see `CommentListQuery`), oldest first. Whoever may read the standard. */
export async function listThreads(ctx: DomainContext, actor: Actor | null, query: CommentListQuery): Promise<CommentList> {
  const db = ctx.db;
  const access = await accessToStandard(db, query.standard, actor);
  assertRead(access);
  let q = db.selectFrom("comment_threads").selectAll().where("standard_id", "=", access.standard.id);
  if (query.proposal) {
    q = q.where("proposal_id", "=", query.proposal);
    if (query.section) q = q.where("section_id", "=", query.section);
  } else if (query.version) {
    q = q.where("target_kind", "=", "release_section").where("release_version", "=", query.version);
    if (query.section) q = q.where("section_id", "=", query.section);
  } else {
    q = q.where("target_kind", "=", "section");
    if (query.section) q = q.where("section_id", "=", query.section);
  }
  if (query.state) q = q.where("state", "=", query.state);
  const rows = await q.orderBy("created_at").orderBy("id").execute();
  return { comments: await threadViews(db, access, rows) };
}

async function threadView(db: Db, access: StandardAccess, row: CommentThreadRow): Promise<CommentThread> {
  const [view] = await threadViews(db, access, [row]);
  return view!;
}

/** What the views of some threads need besides their rows, each read with one query. */
interface ThreadFacts {
  replies: Map<string, CommentReplyRow[]>;
  users: Map<string, UserRef>;
  proposals: Map<string, ProposalRow>;
  /** Forked or added rooms of those proposals, by `proposalId sectionId`. */
  proposalRooms: Map<string, string>;
  releases: Map<string, ReleaseSections>;
}

async function threadFacts(db: Db, standardId: string, rows: readonly CommentThreadRow[]): Promise<ThreadFacts> {
  const threadIds = rows.map((r) => r.id);
  const replyRows = await db.selectFrom("comment_replies").selectAll().where("thread_id", "in", threadIds).orderBy("created_at").orderBy("id").execute();
  const replies = new Map<string, CommentReplyRow[]>();
  for (const r of replyRows) replies.set(r.thread_id, [...(replies.get(r.thread_id) ?? []), r]);

  const userIds = new Set<string>();
  for (const r of rows) for (const u of [r.author_id, r.resolved_by, r.disposition_by]) if (u) userIds.add(u);
  for (const r of replyRows) userIds.add(r.author_id);
  const users = new Map(
    (await db.selectFrom("users").select(["id", "display_name", "affiliation"]).where("id", "in", [...userIds]).execute()).map((u) => [
      u.id,
      { id: u.id, displayName: u.display_name, affiliation: u.affiliation } satisfies UserRef,
    ]),
  );

  // Only anchored threads read text, so only they need proposals, rooms and releases.
  const anchored = rows.filter((r) => r.anchor && r.section_id);
  const proposalIds = [...new Set(anchored.filter((r) => r.target_kind === "proposal_section").map((r) => r.proposal_id!))];
  const proposals = new Map(
    proposalIds.length ? (await db.selectFrom("proposals").selectAll().where("id", "in", proposalIds).execute()).map((p) => [p.id, p]) : [],
  );
  const proposalRooms = new Map(
    proposalIds.length
      ? (await db.selectFrom("proposal_rooms").select(["proposal_id", "section_id", "room"]).where("proposal_id", "in", proposalIds).execute()).map((r) => [
          `${r.proposal_id} ${r.section_id}`,
          r.room,
        ])
      : [],
  );
  const versions = [...new Set(anchored.filter((r) => r.target_kind === "release_section").map((r) => r.release_version!))];
  const releases = new Map(
    versions.length
      ? (await db.selectFrom("releases").select(["version", "document"]).where("standard_id", "=", standardId).where("version", "in", versions).execute()).map((r) => [
          r.version,
          JSON.parse(r.document) as ReleaseSections,
        ])
      : [],
  );
  return { replies, users, proposals, proposalRooms, releases };
}

/** Where a stored thread's anchored text is now. Throws 404 for a proposal section or release that no longer has it. */
function sourceOf(r: CommentThreadRow, facts: ThreadFacts): TextSource {
  if (!r.anchor || !r.section_id) return { kind: "none" };
  switch (r.target_kind) {
    case "section":
      // A draft section deleted since: its room still holds the text, so the anchor still resolves or reads deleted.
      return { kind: "room", room: draftRoom(r.section_id) };
    case "proposal_section": {
      const proposal = facts.proposals.get(r.proposal_id!);
      if (!proposal) throw new Error(`proposal ${r.proposal_id} of comment ${r.id} is missing`);
      return proposalSectionSource(proposal, r.section_id, facts.proposalRooms.get(`${proposal.id} ${r.section_id}`));
    }
    case "release_section": {
      const release = facts.releases.get(r.release_version!);
      if (!release) throw notFound("release");
      const section = releaseSection(release.sections, r.section_id);
      return section ? { kind: "release", content: section.content } : { kind: "none" };
    }
    case "proposal":
      return { kind: "none" };
  }
}

/** A thread as the API shows it: people named, replies in order, its anchor where it is now. */
function toThreadView(r: CommentThreadRow, access: StandardAccess, facts: ThreadFacts, position: AnchorPosition | null): CommentThread {
  const user = (id: string) => facts.users.get(id)!;
  return {
    id: r.id,
    target: { kind: r.target_kind, standard: access.standard.slug, section: r.section_id, proposal: r.proposal_id, version: r.release_version },
    author: user(r.author_id),
    body: r.body,
    kind: r.kind,
    proposedText: r.proposed_text,
    anchor: r.anchor,
    position,
    state: r.state,
    resolvedBy: r.resolved_by ? (facts.users.get(r.resolved_by) ?? null) : null,
    resolvedAt: r.resolved_at ? new Date(r.resolved_at).toISOString() : null,
    disposition:
      r.disposition && r.disposition_at
        ? {
            value: r.disposition,
            response: r.disposition_response ?? "",
            proposal: r.disposition_proposal_id,
            duplicateOf: r.disposition_duplicate_of,
            by: r.disposition_by ? (facts.users.get(r.disposition_by) ?? null) : null,
            at: new Date(r.disposition_at).toISOString(),
          }
        : null,
    answer: r.answer && r.answer_at ? { response: r.answer, note: r.answer_note, at: new Date(r.answer_at).toISOString() } : null,
    replies: (facts.replies.get(r.id) ?? []).map((x) => ({ id: x.id, author: user(x.author_id), body: x.body, createdAt: new Date(x.created_at).toISOString() })),
    permissions: {
      reply: canComment(access, r.target_kind),
      resolve: canModerateThread(access, r.author_id),
      dispose: canDispose(access) && r.target_kind === "release_section",
      answer: r.target_kind === "release_section" && r.disposition !== null && canAnswerComment(access, r.author_id),
    },
    createdAt: new Date(r.created_at).toISOString(),
    updatedAt: new Date(r.updated_at).toISOString(),
  };
}

/** Threads as the API shows them, with anchors resolved against today's text. */
async function threadViews(db: Db, access: StandardAccess, rows: CommentThreadRow[]): Promise<CommentThread[]> {
  if (rows.length === 0) return [];
  const facts = await threadFacts(db, access.standard.id, rows);
  const texts = new Texts(db);
  try {
    const positions: Array<AnchorPosition | null> = [];
    for (const r of rows) positions.push(await texts.position(sourceOf(r, facts), r.anchor));
    return rows.map((r, i) => toThreadView(r, access, facts, positions[i] ?? null));
  } finally {
    await texts.destroy();
  }
}
