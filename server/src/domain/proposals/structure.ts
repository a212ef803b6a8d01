import { randomUUID } from "node:crypto";
import { contentToUpdate, emptyContent, type ProposalSection } from "@codewright/shared";
import type { Db } from "../../db/database";
import type { OutlineEntry, ProposalRow } from "../../db/tables/proposals";
import type { Actor } from "../auth";
import type { DomainContext } from "../context";
import { assertProposalWriter, canCoEdit } from "../access";
import { recordAudit } from "../audit";
import { labelTaken, notFound } from "../errors";
import { accessToProposal, assertDraft, withRow, type ProposalAccess } from "./proposals";
import { proposalSections } from "./view";
import { addEntry, changeEntry, removeEntry, type EntryChange } from "./outline";
import { createProposalRoom, forkSection, proposalRoom } from "./rooms";

/**
 * Structural changes inside a proposal: they change the proposal's own outline only. The draft
 * changes when the proposal is accepted. Every function here needs the proposal's authors and
 * `draft` state, and records what it did in the audit log.
 */

/** A label is a citation: it may not be one any section of the standard ever had, nor one the proposal already uses. */
async function assertLabelFree(db: Db, proposal: ProposalRow, outline: readonly OutlineEntry[], label: string, sectionId?: string): Promise<void> {
  const taken = await db.selectFrom("sections").select("id").where("standard_id", "=", proposal.standard_id).where("label", "=", label).executeTakeFirst();
  const inProposal = outline.find((e) => e.label === label);
  if ((taken && taken.id !== sectionId) || (inProposal && inProposal.id !== sectionId)) {
    throw labelTaken(label);
  }
}

async function saveOutline(db: Db, proposal: ProposalRow, outline: readonly OutlineEntry[]): Promise<ProposalRow> {
  return db.updateTable("proposals").set({ outline: JSON.stringify(outline), updated_at: new Date() }).where("id", "=", proposal.id).returningAll().executeTakeFirstOrThrow();
}

async function writable(ctx: DomainContext, db: Db, id: string, actor: Actor | null) {
  const found = await accessToProposal(ctx, db, id, actor, true);
  const { access, facts, proposal } = found;
  assertProposalWriter(access, facts);
  assertDraft(proposal);
  return { ...found, access, actorId: access.actor.user.id };
}

/** One section of the proposal as the API shows it, from the outline this transaction just wrote. */
async function sectionView(db: Db, found: ProposalAccess, sectionId: string): Promise<ProposalSection> {
  const section = (await proposalSections(db, found)).find((s) => s.id === sectionId);
  if (!section) throw notFound("section");
  return section;
}

export interface NewProposalSection {
  label: string;
  title: string;
  parentId?: string | null;
  position?: number;
  /** ProseMirror JSON of the body; default one empty paragraph. */
  content?: unknown;
}

/** Adds a section to the proposal's outline, with a fresh room holding its initial body. */
export async function addProposalSection(ctx: DomainContext, actor: Actor | null, id: string, input: NewProposalSection): Promise<ProposalSection> {
  return ctx.db.transaction().execute(async (trx) => {
    const found = await writable(ctx, trx, id, actor);
    const { proposal, actorId } = found;
    await assertLabelFree(trx, proposal, proposal.outline, input.label);
    const sectionId = randomUUID();
    const update = contentToUpdate(input.content ?? emptyContent());
    const outline = addEntry(proposal.outline, { id: sectionId, parentId: input.parentId ?? null, position: input.position, label: input.label, title: input.title.trim() });
    const row = await saveOutline(trx, proposal, outline);
    await createProposalRoom(trx, id, sectionId, null, update);
    await recordAudit(trx, {
      actorId,
      standardId: proposal.standard_id,
      action: "proposal.section_add",
      subjectType: "proposal",
      subjectId: id,
      details: { sectionId, label: input.label, title: input.title.trim() },
    });
    return sectionView(trx, withRow(found, row), sectionId);
  });
}

/** Moves, retitles or relabels a section in the proposal's outline. */
export async function changeProposalSection(ctx: DomainContext, actor: Actor | null, id: string, sectionId: string, change: EntryChange): Promise<ProposalSection> {
  return ctx.db.transaction().execute(async (trx) => {
    const found = await writable(ctx, trx, id, actor);
    const { proposal, actorId } = found;
    if (change.label !== undefined) await assertLabelFree(trx, proposal, proposal.outline, change.label, sectionId);
    const outline = changeEntry(proposal.outline, sectionId, { ...change, title: change.title?.trim() });
    const row = await saveOutline(trx, proposal, outline);
    await recordAudit(trx, { actorId, standardId: proposal.standard_id, action: "proposal.section_change", subjectType: "proposal", subjectId: id, details: { sectionId, change: { ...change } } });
    return sectionView(trx, withRow(found, row), sectionId);
  });
}

/** Deletes a section, and everything under it, from the proposal's outline. Returns the ids removed. */
export async function deleteProposalSection(ctx: DomainContext, actor: Actor | null, id: string, sectionId: string): Promise<{ removed: string[] }> {
  return ctx.db.transaction().execute(async (trx) => {
    const { proposal, actorId } = await writable(ctx, trx, id, actor);
    const { outline, removed } = removeEntry(proposal.outline, sectionId);
    await saveOutline(trx, proposal, outline);
    await recordAudit(trx, { actorId, standardId: proposal.standard_id, action: "proposal.section_delete", subjectType: "proposal", subjectId: id, details: { sectionId, removed } });
    return { removed };
  });
}

/**
 * Makes sure the proposal's room for a section exists, forking it from the base when it does not
 * (copy-on-write). For whoever may edit its text (`canCoEdit`: the authors of a draft, editors of
 * an open input during committee). Returns the room's name. Throws 404 for a section that is not
 * in the proposal's outline.
 */
export async function openProposalSection(ctx: DomainContext, actor: Actor | null, id: string, sectionId: string): Promise<{ room: string }> {
  return ctx.db.transaction().execute(async (trx) => {
    const found = await accessToProposal(ctx, trx, id, actor, true);
    const { proposal, access, facts } = found;
    if (!canCoEdit(access, facts)) await writable(ctx, trx, id, actor);
    if (!proposal.outline.some((e) => e.id === sectionId)) throw notFound("section");
    await forkSection(trx, id, sectionId);
    return { room: proposalRoom(id, sectionId) };
  });
}
