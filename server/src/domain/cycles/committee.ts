import type { CommitteeAction, CommitteeActionBody, NamedVote, ProposalDetail } from "@codewright/shared";
import type { Actor } from "../auth";
import type { DomainContext } from "../context";
import { assertRecordCommitteeAction } from "../access";
import { recordAudit } from "../audit";
import { notFound, proposalNotOpen, reasonRequired } from "../errors";
import { announceEvents } from "../events/outbox";
import { draftRoom } from "../sections";
import { accessToProposal, assertOpen, recordTransition, withRow } from "../proposals/proposals";
import { lockStandard, mergeIntoDraft, recordDecision } from "../proposals/decide";
import { committeeActionOf, countedVotes, proposalDetail, tallyOf, toVote } from "../proposals/view";
import { requireStage } from "./cycles";

/**
 * Committee actions: what a cycle's committee does with each input during the `committee` stage.
 *
 * An editor records one action per input, with the committee's statement (its reason, owed to the
 * submitter):
 * - `accept` merges the input into the draft at once, exactly as accepting a proposal does (the
 *   Yjs merge keeps everyone else's edits);
 * - `accept-as-modified` does the same, after editors changed the input's text in its rooms (they
 *   may write to an open input's rooms while the committee stage is the working one, see
 *   `canCoEdit`; the rooms' log names them as the authors of those changes, and the proposal's diff shows them);
 * - `reject` closes it.
 * The action, its statement, the tally and the named votes (with reasons and affiliations, frozen
 * as they stood), the decision and the merge are written in one transaction. Once every input has
 * one, nothing of the committee stage blocks the next stage.
 */

/**
 * Records the committee's action on an input, by an editor, while the `committee` stage of the
 * input's cycle is the working one. Throws 409 `stage_closed` outside it, 409
 * `proposal_not_open` for a proposal that is not a submitted, open input of the active cycle (an
 * input has one action: a second is refused so), 400 `reason_required` for a blank statement,
 * 409 `proposal_conflict` when an acceptance cannot merge.
 */
export async function recordCommitteeAction(ctx: DomainContext, actor: Actor | null, id: string, input: CommitteeActionBody): Promise<ProposalDetail> {
  const removedSections: string[] = [];
  const { detail, standardId, notify } = await ctx.db.transaction().execute(async (trx) => {
    const found = await accessToProposal(ctx, trx, id, actor, true);
    const { access, proposal, facts } = found;
    assertRecordCommitteeAction(access);
    const settled = await requireStage(ctx, trx, access.standard, "committee");
    if (!settled || proposal.cycle_id !== settled.cycle.id) {
      throw proposalNotOpen("This proposal is not an input to the standard's active cycle: accept or reject it as any proposal instead.");
    }
    const earlier = await committeeActionOf(trx, id);
    if (earlier) throw proposalNotOpen(`The committee has acted on this input already (${earlier.action}): an input has one committee action.`);
    assertOpen(proposal);
    const statement = input.statement.trim();
    if (!statement) throw reasonRequired("A committee action needs a statement: the committee's reason, owed to the submitter.");

    const actorId = access.actor.user.id;
    const standard = await lockStandard(trx, proposal.standard_id);
    const tally = await tallyOf(trx, proposal, standard);
    const votes: NamedVote[] = (await countedVotes(trx, proposal)).map(toVote).map((v) => ({ user: v.user, vote: v.vote, reason: v.reason }));
    const outcome = input.action === "reject" ? "rejected" : "accepted";
    const touched = outcome === "accepted" ? (await mergeIntoDraft(trx, standard, proposal, actorId, removedSections)).touched : [];
    await trx
      .insertInto("committee_actions")
      .values({ proposal_id: id, cycle_id: settled.cycle.id, action: input.action, statement, tally: JSON.stringify(tally), votes: JSON.stringify(votes), acted_by: actorId, acted_at: ctx.clock.now() })
      .execute();
    const againstTally = await recordDecision(trx, proposal, outcome, actorId, statement, tally, touched);
    await recordAudit(trx, {
      actorId,
      standardId: standard.id,
      action: "cycle.committee_action",
      subjectType: "cycle",
      subjectId: settled.cycle.id,
      details: { proposal: id, action: input.action },
    });
    const row = await recordTransition(trx, proposal, outcome, actorId, { committeeAction: input.action, statement, againstTally, sections: touched, tally });
    // Connections that could write to the input's rooms (its writers, the standard's editors) rejoin read-only.
    const editors = await trx.selectFrom("memberships").select("user_id").where("standard_id", "=", standard.id).where("role", "=", "editor").execute();
    return {
      detail: await proposalDetail(trx, withRow(found, row)),
      standardId: standard.id,
      notify: new Set([facts.authorId, ...facts.coAuthorIds, actorId, ...editors.map((e) => e.user_id)]),
    };
  });
  for (const userId of notify) ctx.events.emit("membershipChanged", { standardId, userId });
  ctx.events.emit("activity", { standardId });
  announceEvents(ctx);
  if (removedSections.length > 0) ctx.events.emit("roomsRemoved", { standardId, rooms: removedSections.map(draftRoom) });
  return detail;
}

/** The committee's action on a proposal, for whoever may read it. Throws 404 when there is none (or the proposal is hidden). */
export async function readCommitteeAction(ctx: DomainContext, actor: Actor | null, id: string): Promise<CommitteeAction> {
  await accessToProposal(ctx, ctx.db, id, actor);
  const action = await committeeActionOf(ctx.db, id);
  if (!action) throw notFound("committee action");
  return action;
}
