import { randomUUID } from "node:crypto";
import {
  contentToUpdate,
  emptyContent,
  numberOutline,
  parseContent,
  plainText,
  type CreateSectionBody,
  type Ok,
  type SectionDetail,
  type SectionList,
  type SectionSummary,
  type UpdateSectionBody,
} from "@codewright/shared";
import type { Db } from "../db/database";
import type { SectionRow, StandardRow } from "../db/tables/standards";
import type { Actor } from "./auth";
import { assertEditor, assertRead, standardPermissions } from "./access";
import { proposalWindow } from "./cycles/cycles";
import { accessToStandard } from "./standards";
import { invalidMove, labelTaken, notFound } from "./errors";
import { recordAudit } from "./audit";
import type { DomainContext } from "./context";
import { appendUpdates, loadRoomDoc } from "./room-log";
import { readBody } from "./section-body";

/** The room of a section's body in the draft. */
export const draftRoom = (sectionId: string) => `draft.${sectionId}`;

export type NumberedSection = SectionRow & { number: string; depth: number };

/** The live sections of a standard, in outline order, numbered from their place. */
export async function outline(db: Db, standardId: string): Promise<NumberedSection[]> {
  const rows = await db.selectFrom("sections").selectAll().where("standard_id", "=", standardId).where("deleted_at", "is", null).execute();
  return numberSections(rows);
}

/** Live section rows of one standard, in outline order, numbered from their place. */
export function numberSections(rows: SectionRow[]): NumberedSection[] {
  return numberOutline(rows.map((r) => ({ ...r, parentId: r.parent_id }))).map(({ parentId: _p, ...r }) => r as NumberedSection);
}

export function toSectionSummary(s: NumberedSection): SectionSummary {
  return { id: s.id, parentId: s.parent_id, label: s.label, number: s.number, title: s.title, room: s.room };
}

/** The draft's outline, numbered, for whoever may read the standard. Throws 404. */
export async function listSections(ctx: DomainContext, actor: Actor | null, slug: string): Promise<SectionList> {
  const access = await accessToStandard(ctx.db, slug, actor);
  assertRead(access);
  return { sections: (await ctx.outlines.get(ctx.db, access.standard.id)).map(toSectionSummary) };
}

/** One live section of the draft with its body as ProseMirror JSON and plain text, and what the actor may do. Throws 404. */
export async function readSection(ctx: DomainContext, actor: Actor | null, slug: string, sectionId: string): Promise<SectionDetail> {
  const access = await accessToStandard(ctx.db, slug, actor);
  assertRead(access);
  const sections = await ctx.outlines.get(ctx.db, access.standard.id);
  const section = sections.find((s) => s.id === sectionId);
  if (!section) throw notFound("section");
  const doc = await loadRoomDoc(ctx.db, section.room);
  const content = readBody(doc, section.room);
  doc.destroy();
  const numbers = new Map(sections.map((s) => [s.id, s.number]));
  return { ...toSectionSummary(section), content, text: plainText(parseContent(content), (id) => numbers.get(id)), permissions: standardPermissions(access, await proposalWindow(ctx, ctx.db, access.standard.id)) };
}

/** Adds a section to the draft, by an editor. Throws 401/403/404, 409 `label_taken`. */
export async function addSection(ctx: DomainContext, actor: Actor | null, slug: string, input: CreateSectionBody): Promise<SectionSummary> {
  return ctx.db.transaction().execute(async (trx) => {
    const access = await accessToStandard(trx, slug, actor);
    assertEditor(access);
    const row = await createSection(trx, access.standard, input, access.actor.user.id);
    return numberedSummary(trx, access.standard.id, row.id);
  });
}

/** Retitles, relabels or moves a section of the draft, by an editor. Throws 400 `invalid_move`, 401/403/404, 409 `label_taken`. */
export async function changeSection(ctx: DomainContext, actor: Actor | null, slug: string, sectionId: string, change: UpdateSectionBody): Promise<SectionSummary> {
  return ctx.db.transaction().execute(async (trx) => {
    const access = await accessToStandard(trx, slug, actor);
    assertEditor(access);
    await updateSection(trx, access.standard, sectionId, change, access.actor.user.id);
    return numberedSummary(trx, access.standard.id, sectionId);
  });
}

/** Deletes a section and its subtree from the draft, by an editor, then closes their rooms' connections. Throws 401/403/404. */
export async function removeSection(ctx: DomainContext, actor: Actor | null, slug: string, sectionId: string): Promise<Ok> {
  const { standardId, removed } = await ctx.db.transaction().execute(async (trx) => {
    const access = await accessToStandard(trx, slug, actor);
    assertEditor(access);
    return { standardId: access.standard.id, removed: await deleteSection(trx, access.standard, sectionId, access.actor.user.id) };
  });
  ctx.events.emit("roomsRemoved", { standardId, rooms: removed.map(draftRoom) });
  return { ok: true };
}

/** A live section's summary, numbered from its place in the outline as this transaction sees it. */
async function numberedSummary(db: Db, standardId: string, sectionId: string): Promise<SectionSummary> {
  const section = (await outline(db, standardId)).find((s) => s.id === sectionId);
  if (!section) throw notFound("section");
  return toSectionSummary(section);
}

async function liveSection(db: Db, standardId: string, sectionId: string): Promise<SectionRow> {
  const row = await db
    .selectFrom("sections")
    .selectAll()
    .where("standard_id", "=", standardId)
    .where("id", "=", sectionId)
    .where("deleted_at", "is", null)
    .executeTakeFirst();
  if (!row) throw notFound("section");
  return row;
}

async function assertLabelFree(db: Db, standardId: string, label: string): Promise<void> {
  const taken = await db.selectFrom("sections").select("id").where("standard_id", "=", standardId).where("label", "=", label).executeTakeFirst();
  if (taken) throw labelTaken(label);
}

async function siblings(db: Db, standardId: string, parentId: string | null, exceptId?: string): Promise<SectionRow[]> {
  let q = db.selectFrom("sections").selectAll().where("standard_id", "=", standardId).where("deleted_at", "is", null);
  q = parentId === null ? q.where("parent_id", "is", null) : q.where("parent_id", "=", parentId);
  if (exceptId) q = q.where("id", "!=", exceptId);
  return q.orderBy("position").execute();
}

/** Rewrites sibling positions as 0..n-1 in the given order. */
async function writePositions(db: Db, ordered: SectionRow[]): Promise<void> {
  for (const [i, s] of ordered.entries()) {
    if (s.position !== i) await db.updateTable("sections").set({ position: i }).where("id", "=", s.id).execute();
  }
}

export interface NewSection {
  label: string;
  title: string;
  parentId?: string | null;
  /** Place among its siblings, 0-based; default last. */
  position?: number;
  /** ProseMirror JSON of the body; default one empty paragraph. */
  content?: unknown;
  /** Use this id (the importer assigns ids before writing, to resolve cross-references). */
  id?: string;
  /** The room's first update instead of one made from `content`: a merged proposal's new section keeps its Yjs history. */
  initialUpdate?: Uint8Array;
}

/**
 * Adds a section to the draft outline, with its body as the first update of its room, without
 * checking who asks: for `addSection`, the importer and merges. Call in a transaction.
 */
export async function createSection(db: Db, standard: StandardRow, input: NewSection, actorId: string | null): Promise<SectionRow> {
  const parentId = input.parentId ?? null;
  if (parentId) await liveSection(db, standard.id, parentId);
  await assertLabelFree(db, standard.id, input.label);
  const body = parseContent(input.content ?? emptyContent());
  const id = input.id ?? randomUUID();
  const peers = await siblings(db, standard.id, parentId);
  const position = Math.min(input.position ?? peers.length, peers.length);
  const row = await db
    .insertInto("sections")
    .values({ id, standard_id: standard.id, parent_id: parentId, position, label: input.label, title: input.title.trim(), room: draftRoom(id), deleted_at: null })
    .returningAll()
    .executeTakeFirstOrThrow();
  await writePositions(db, [...peers.slice(0, position), row, ...peers.slice(position)]);
  await appendUpdates(db, row.room, [{ data: input.initialUpdate ?? contentToUpdate(body.toJSON()), authorId: actorId }]);
  await recordAudit(db, { actorId, standardId: standard.id, action: "section.create", subjectType: "section", subjectId: id, details: { label: input.label, title: input.title } });
  return row;
}

export interface SectionChange {
  label?: string;
  title?: string;
  /** A new parent (null for top level); with or without `position`. */
  parentId?: string | null;
  position?: number;
}

/** Retitles, relabels or moves a section of the draft outline, without checking who asks. Call in a transaction. */
export async function updateSection(db: Db, standard: StandardRow, sectionId: string, change: SectionChange, actorId: string): Promise<SectionRow> {
  const before = await liveSection(db, standard.id, sectionId);
  if (change.label !== undefined && change.label !== before.label) await assertLabelFree(db, standard.id, change.label);
  const parentId = change.parentId === undefined ? before.parent_id : change.parentId;
  if (parentId !== null) {
    // The new parent must exist and must not be the section itself or one of its descendants.
    let cursor: string | null = parentId;
    while (cursor !== null) {
      if (cursor === sectionId) throw invalidMove();
      cursor = (await liveSection(db, standard.id, cursor)).parent_id;
    }
  }
  const moving = parentId !== before.parent_id || change.position !== undefined;
  const row = await db
    .updateTable("sections")
    .set({ label: change.label, title: change.title?.trim(), parent_id: parentId })
    .where("id", "=", sectionId)
    .returningAll()
    .executeTakeFirstOrThrow();
  if (moving) {
    if (parentId !== before.parent_id) await writePositions(db, await siblings(db, standard.id, before.parent_id, sectionId));
    const peers = await siblings(db, standard.id, parentId, sectionId);
    const position = Math.min(change.position ?? peers.length, peers.length);
    await writePositions(db, [...peers.slice(0, position), row, ...peers.slice(position)]);
  }
  await recordAudit(db, {
    actorId,
    standardId: standard.id,
    action: moving ? "section.move" : "section.update",
    subjectType: "section",
    subjectId: sectionId,
    details: { before: { label: before.label, title: before.title, parentId: before.parent_id, position: before.position }, change: { ...change } },
  });
  return db.selectFrom("sections").selectAll().where("id", "=", sectionId).executeTakeFirstOrThrow();
}

/**
 * Soft-deletes a section and everything under it, without checking who asks; their ids and labels
 * stay taken. Returns the ids removed. Call in a transaction. Throws 404.
 */
export async function deleteSection(db: Db, standard: StandardRow, sectionId: string, actorId: string): Promise<string[]> {
  const root = await liveSection(db, standard.id, sectionId);
  const all = await db.selectFrom("sections").selectAll().where("standard_id", "=", standard.id).where("deleted_at", "is", null).execute();
  const removed = [root.id];
  for (let i = 0; i < removed.length; i++) {
    for (const s of all) if (s.parent_id === removed[i]) removed.push(s.id);
  }
  await db.updateTable("sections").set({ deleted_at: new Date() }).where("id", "in", removed).execute();
  await writePositions(db, await siblings(db, standard.id, root.parent_id));
  await recordAudit(db, { actorId, standardId: standard.id, action: "section.delete", subjectType: "section", subjectId: sectionId, details: { removed } });
  return removed;
}
