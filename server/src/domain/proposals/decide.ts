import type { ProposalDetail } from "@codewright/shared";
import type { Db } from "../../db/database";
import type { ProposalRow } from "../../db/tables/proposals";
import type { StandardRow } from "../../db/tables/standards";
import type { Actor } from "../auth";
import type { DomainContext } from "../context";
import { assertDecide } from "../access";
import { proposalConflict, reasonRequired, stageClosed } from "../errors";
import { appendUpdates, compareRooms } from "../room-log";
import { createSection, deleteSection, draftRoom, updateSection } from "../sections";
import { draftEntries, forkDeltas } from "./documents";
import { applyStep, planMerge, structuralChanges, targetIndex, type MergeConflict, type OutlineEntry } from "./outline";
import { accessToProposal, assertOpen, recordTransition, withRow } from "./proposals";
import { announceEvents } from "../events/outbox";
import { proposalDetail, tallyOf } from "./view";
import type { Tally } from "./tally";

const CONFLICT_WORDS: Record<MergeConflict["reason"], string> = {
  section_deleted: "was deleted from the draft since the proposal's base",
  parent_deleted: "goes under a section that was deleted from the draft since the proposal's base",
  invalid_move: "would be moved inside itself by changes made to the draft since the proposal's base",
};

function conflictError(conflicts: MergeConflict[], labels: Map<string, string>) {
  const list = conflicts.map((c) => `${labels.get(c.sectionId) ?? c.sectionId} ${CONFLICT_WORDS[c.reason]}`).join("; ");
  return proposalConflict(`This proposal cannot be merged into today's draft: ${list}. Its authors can reopen it and adapt it.`);
}

export async function lockStandard(db: Db, standardId: string): Promise<StandardRow> {
  return db.selectFrom("standards").selectAll().where("id", "=", standardId).forUpdate().executeTakeFirstOrThrow();
}

export async function recordDecision(db: Db, proposal: ProposalRow, outcome: "accepted" | "rejected", actorId: string, reason: string, tally: Tally, sections: string[]) {
  const againstTally = outcome === "accepted" ? !tally.passes : tally.passes;
  await db
    .insertInto("proposal_decisions")
    .values({ proposal_id: proposal.id, outcome, decided_by: actorId, reason, tally: JSON.stringify(tally), against_tally: againstTally, sections: JSON.stringify(sections) })
    .execute();
  return againstTally;
}

/**
 * `open → accepted`, by an editor: merges the proposal into the draft in one transaction.
 * - Its structural changes are replayed on today's outline through the sections domain (only what
 *   the proposal changed, so changes made to the draft since its base stay).
 * - Each forked room's own updates since the base are appended to the draft room's log; Yjs merges
 *   them with whatever the draft gained since, and live rooms pick the rows up when the
 *   transaction commits.
 * - The tally is frozen into the decision. Accepting against the tally needs a note (400
 *   `reason_required`).
 * The proposal's row is locked first and its state checked, so of two concurrent accepts one
 * merges and the other gets 409 `proposal_not_open`. Merges into one standard are serialised by
 * its row lock, which publishing takes too (for share): a merge waits for a release being built,
 * and the first release published after it commits lists it (see `unlistedChanges`).
 * Throws 409 `proposal_conflict` when the draft lost a section the proposal needs.
 */
export async function acceptProposal(ctx: DomainContext, actor: Actor | null, id: string, note?: string): Promise<ProposalDetail> {
  const removedSections: string[] = [];
  const { detail, standardId } = await ctx.db.transaction().execute(async (trx) => {
    const found = await accessToProposal(ctx, trx, id, actor, true);
    const { access, proposal } = found;
    assertDecide(access);
    assertOpen(proposal);
    assertNotInput(proposal);
    const standard = await lockStandard(trx, proposal.standard_id);
    const tally = await tallyOf(trx, proposal, standard);
    const reason = note?.trim() ? note : "";
    if (!tally.passes && !reason) throw reasonRequired("The tally does not pass: accepting it anyway needs a note giving the reason.");
    const { touched } = await mergeIntoDraft(trx, standard, proposal, access.actor.user.id, removedSections);
    const againstTally = await recordDecision(trx, proposal, "accepted", access.actor.user.id, reason, tally, touched);
    const row = await recordTransition(trx, proposal, "accepted", access.actor.user.id, { note: reason, againstTally, sections: touched, tally });
    return { detail: await proposalDetail(trx, withRow(found, row)), standardId: row.standard_id };
  });
  ctx.events.emit("activity", { standardId });
  announceEvents(ctx);
  if (removedSections.length > 0) ctx.events.emit("roomsRemoved", { standardId, rooms: removedSections.map(draftRoom) });
  return detail;
}

/** Throws 409 `stage_closed` for an input: the committee acts on inputs, with a statement (`PUT /api/proposals/:id/committee-action`). */
function assertNotInput(proposal: ProposalRow): void {
  if (proposal.cycle_id) {
    throw stageClosed("This proposal is an input to a revision cycle: record a committee action on it (accept, accept-as-modified or reject, with a statement) during the committee stage.");
  }
}

/**
 * Merges an open proposal into today's draft, in the caller's transaction (the proposal's row
 * locked, the standard's row locked with `lockStandard`): what accepting it does, and what a
 * committee's `accept` or `accept-as-modified` does. Returns the sections it touched; the ids of
 * draft sections it deleted are pushed onto `removedSections` (their rooms are gone once it commits).
 * Throws 409 `proposal_conflict` when the draft lost a section the proposal needs.
 */
export async function mergeIntoDraft(trx: Db, standard: StandardRow, proposal: ProposalRow, actorId: string, removedSections: string[]): Promise<{ touched: string[] }> {
  const id = proposal.id;
  const deltas = await forkDeltas(trx, id);
  const steps = planMerge(proposal.base_outline, proposal.outline);
  let outline: readonly OutlineEntry[] = await draftEntries(trx, standard.id);
  const labels = new Map([...proposal.base_outline, ...proposal.outline].map((e) => [e.id, e.label]));
  const conflicts: MergeConflict[] = [];
  const live = new Set(outline.map((e) => e.id));
  const inProposal = new Set(proposal.outline.map((e) => e.id));
  // Text changes to a section the draft has lost since cannot be merged anywhere.
  for (const d of deltas) {
    if (d.room.base_room !== null && d.update && inProposal.has(d.room.section_id) && !live.has(d.room.section_id)) {
      conflicts.push({ sectionId: d.room.section_id, reason: "section_deleted" });
    }
  }
  for (const step of steps) {
    const r = applyStep(outline, step);
    if (r.conflict) conflicts.push(r.conflict);
    outline = r.outline;
  }
  if (conflicts.length > 0) throw conflictError(conflicts, labels);

  // Replay for real, step by step, on the same outline the dry run used.
  outline = await draftEntries(trx, standard.id);
  const addedState = new Map(deltas.filter((d) => d.room.base_room === null).map((d) => [d.room.section_id, d.state]));
  for (const step of steps) {
    const next = applyStep(outline, step).outline;
    if (next === outline) continue;
    switch (step.kind) {
      case "add":
        await createSection(
          trx,
          standard,
          { id: step.id, label: step.label, title: step.title, parentId: step.parentId, position: targetIndex(outline, step), initialUpdate: addedState.get(step.id) },
          actorId,
        );
        break;
      case "move":
        await updateSection(trx, standard, step.id, { parentId: step.parentId, position: targetIndex(outline, step) }, actorId);
        break;
      case "rename":
        await updateSection(trx, standard, step.id, { label: step.label, title: step.title }, actorId);
        break;
      case "delete":
        removedSections.push(...(await deleteSection(trx, standard, step.id, actorId)));
        break;
    }
    outline = next;
  }

  const modified: string[] = [];
  const kept = new Set(outline.map((e) => e.id));
  // In the order every multi-room append locks rooms in, so this transaction cannot deadlock with one.
  for (const d of [...deltas].sort((a, b) => compareRooms(draftRoom(a.room.section_id), draftRoom(b.room.section_id)))) {
    const sectionId = d.room.section_id;
    if (d.room.base_room === null || !d.update || !kept.has(sectionId)) continue;
    await appendUpdates(trx, draftRoom(sectionId), [{ data: d.update, authorId: proposal.author_id }]);
    modified.push(sectionId);
  }

  const touched = [...new Set([...structuralChanges(proposal.base_outline, proposal.outline).keys(), ...modified])];
  return { touched };
}

/** `open → rejected`, by an editor, with a reason (400 `reason_required` when blank). The tally is frozen into the decision. */
export async function rejectProposal(ctx: DomainContext, actor: Actor | null, id: string, reason: string): Promise<ProposalDetail> {
  const { detail, standardId } = await ctx.db.transaction().execute(async (trx) => {
    const found = await accessToProposal(ctx, trx, id, actor, true);
    const { access, proposal } = found;
    assertDecide(access);
    assertOpen(proposal);
    assertNotInput(proposal);
    if (!reason.trim()) throw reasonRequired("Rejecting a proposal needs a reason, so its authors know why.");
    const tally = await tallyOf(trx, proposal, access.standard);
    const againstTally = await recordDecision(trx, proposal, "rejected", access.actor.user.id, reason, tally, []);
    const row = await recordTransition(trx, proposal, "rejected", access.actor.user.id, { reason, againstTally, tally });
    return { detail: await proposalDetail(trx, withRow(found, row)), standardId: row.standard_id };
  });
  ctx.events.emit("activity", { standardId });
  announceEvents(ctx);
  return detail;
}
