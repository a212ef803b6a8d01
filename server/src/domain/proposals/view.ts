import {
  diffReleases,
  type CommitteeAction,
  numberOutline,
  type Decision,
  type ProposalDetail,
  type ProposalSection,
  type ProposalSectionChange,
  type TimelineEntry,
  type UserRef,
  type Vote,
} from "@codewright/shared";
import type { Db } from "../../db/database";
import type { ProposalRow } from "../../db/tables/proposals";
import type { StandardRow } from "../../db/tables/standards";
import { canActAsAuthor, canComment, canCoEdit, canDecide, canRecordCommitteeAction, canVote } from "../access";
import { proposalVersusBase } from "./documents";
import type { ProposalAccess } from "./proposals";
import { proposalRoom } from "./rooms";
import { tally, type Tally } from "./tally";

/**
 * A proposal as the API shows it, read with the `db` or transaction given: inside the transaction
 * that changed it, the answer is the state that transaction commits.
 */

export async function coAuthorsOf(db: Db, proposalId: string): Promise<UserRef[]> {
  const rows = await db
    .selectFrom("proposal_co_authors")
    .innerJoin("users", "users.id", "proposal_co_authors.user_id")
    .select(["users.id", "users.display_name", "users.affiliation"])
    .where("proposal_co_authors.proposal_id", "=", proposalId)
    .orderBy("proposal_co_authors.added_at")
    .execute();
  return rows.map((r) => ({ id: r.id, displayName: r.display_name, affiliation: r.affiliation }));
}

/** The current votes of members who hold voting rights now (a member who lost them no longer counts). */
export async function countedVotes(db: Db, proposal: Pick<ProposalRow, "id" | "standard_id">) {
  return db
    .selectFrom("proposal_votes")
    .innerJoin("memberships", (j) => j.onRef("memberships.user_id", "=", "proposal_votes.user_id").on("memberships.standard_id", "=", proposal.standard_id))
    .innerJoin("users", "users.id", "proposal_votes.user_id")
    .select(["proposal_votes.user_id", "proposal_votes.vote", "proposal_votes.reason", "proposal_votes.updated_at", "users.display_name", "users.affiliation"])
    .where("proposal_votes.proposal_id", "=", proposal.id)
    .where("memberships.voting", "=", true)
    .orderBy("proposal_votes.updated_at")
    .execute();
}

export async function tallyOf(db: Db, proposal: Pick<ProposalRow, "id" | "standard_id">, standard: StandardRow): Promise<Tally> {
  const votes = await countedVotes(db, proposal);
  return tally(
    votes.map((v) => v.vote),
    { threshold: standard.vote_threshold, quorum: standard.vote_quorum },
  );
}

export function toVote(v: Awaited<ReturnType<typeof countedVotes>>[number]): Vote {
  return {
    user: { id: v.user_id, displayName: v.display_name, affiliation: v.affiliation },
    vote: v.vote,
    reason: v.reason,
    updatedAt: new Date(v.updated_at).toISOString(),
  };
}

/** The committee's action on an input, as recorded (its tally and named votes frozen then); null when none. */
export async function committeeActionOf(db: Db, proposalId: string): Promise<CommitteeAction | null> {
  const row = await db
    .selectFrom("committee_actions")
    .leftJoin("users", "users.id", "committee_actions.acted_by")
    .selectAll("committee_actions")
    .select(["users.display_name", "users.affiliation"])
    .where("committee_actions.proposal_id", "=", proposalId)
    .executeTakeFirst();
  if (!row) return null;
  return {
    proposal: row.proposal_id,
    cycle: row.cycle_id,
    action: row.action,
    statement: row.statement,
    tally: row.tally as unknown as CommitteeAction["tally"],
    votes: row.votes as unknown as CommitteeAction["votes"],
    actedBy: row.acted_by ? { id: row.acted_by, displayName: row.display_name ?? "", affiliation: row.affiliation ?? null } : null,
    actedAt: new Date(row.acted_at).toISOString(),
  };
}

/** The most telling of a section's statuses, in the proposal's words. */
function mainChange(statuses: readonly string[]): ProposalSectionChange {
  if (statuses.includes("added")) return "added";
  if (statuses.includes("removed")) return "deleted";
  if (statuses.includes("modified")) return "modified";
  if (statuses.includes("moved")) return "moved";
  if (statuses.includes("retitled") || statuses.includes("relabelled")) return "retitled";
  return "unchanged";
}

/** The audit log entries about a proposal, oldest first. */
export async function timelineOf(db: Db, proposalId: string): Promise<TimelineEntry[]> {
  const rows = await db
    .selectFrom("audit_log")
    .leftJoin("users", "users.id", "audit_log.actor_id")
    .select(["audit_log.at", "audit_log.actor_id", "users.display_name", "users.affiliation", "audit_log.action", "audit_log.from_state", "audit_log.to_state", "audit_log.details"])
    .where("audit_log.subject_type", "=", "proposal")
    .where("audit_log.subject_id", "=", proposalId)
    .orderBy("audit_log.id")
    .execute();
  return rows.map((r) => ({
    at: new Date(r.at).toISOString(),
    actor: r.actor_id ? { id: r.actor_id, displayName: r.display_name ?? "", affiliation: r.affiliation ?? null } : null,
    action: r.action,
    fromState: r.from_state,
    toState: r.to_state,
    details: r.details,
  }));
}

/** The proposal sections, each with its room and what the proposal does to it; deleted ones keep their base place. */
export async function proposalSections(db: Db, found: ProposalAccess): Promise<ProposalSection[]> {
  const { proposal } = found;
  const { base, proposed, forked } = await proposalVersusBase(db, proposal, false);
  const diff = diffReleases(base, proposed);
  const entries = new Map([...proposal.base_outline, ...proposal.outline].map((e) => [e.id, e]));
  return diff.sections.map((s) => {
    const entry = entries.get(s.id)!;
    const side = s.after ?? s.before!;
    const changes = s.status.map((st) => (st === "removed" ? "deleted" : st));
    return {
      id: s.id,
      parentId: entry.parentId,
      label: side.label,
      number: side.number,
      title: side.title,
      room: proposalRoom(proposal.id, s.id),
      forked: forked.has(s.id),
      change: mainChange(s.status),
      changes,
    };
  });
}

/** Everything `GET /api/proposals/:id` shows, as the asking user may see it. */
export async function proposalDetail(db: Db, found: ProposalAccess): Promise<ProposalDetail> {
  const { access, proposal, facts } = found;
  const standard = access.standard;
  const author = await db.selectFrom("users").select(["id", "display_name", "affiliation"]).where("id", "=", proposal.author_id).executeTakeFirstOrThrow();
  const votes = await countedVotes(db, proposal);
  const tally = await tallyOf(db, proposal, standard);
  const decisionRow = await db
    .selectFrom("proposal_decisions")
    .innerJoin("users", "users.id", "proposal_decisions.decided_by")
    .selectAll("proposal_decisions")
    .select(["users.display_name", "users.affiliation"])
    .where("proposal_id", "=", proposal.id)
    .executeTakeFirst();
  const decision: Decision | null = decisionRow
    ? {
        outcome: decisionRow.outcome,
        decidedBy: { id: decisionRow.decided_by, displayName: decisionRow.display_name, affiliation: decisionRow.affiliation },
        reason: decisionRow.reason,
        tally: decisionRow.tally as unknown as Decision["tally"],
        againstTally: decisionRow.against_tally,
        sections: decisionRow.sections,
        decidedAt: new Date(decisionRow.decided_at).toISOString(),
      }
    : null;
  const mine = votes.find((v) => v.user_id === access.actor?.user.id);
  const active = proposal.state === "draft" || proposal.state === "open";
  const isAuthor = canActAsAuthor(access, facts);
  const input = facts.cycleId !== null;
  const open = proposal.state === "open";
  return {
    id: proposal.id,
    standard: standard.slug,
    title: proposal.title,
    rationale: proposal.rationale,
    state: proposal.state,
    author: { id: author.id, displayName: author.display_name, affiliation: author.affiliation },
    coAuthors: await coAuthorsOf(db, proposal.id),
    base: {
      createdAt: proposal.created_at.toISOString(),
      sections: numberOutline(proposal.base_outline).map((e) => ({ id: e.id, parentId: e.parentId, label: e.label, number: e.number, title: e.title })),
    },
    tally: decision ? decision.tally : tally,
    votes: votes.map(toVote),
    myVote: mine ? toVote(mine) : null,
    decision,
    timeline: await timelineOf(db, proposal.id),
    sections: await proposalSections(db, found),
    permissions: {
      edit: canCoEdit(access, facts),
      submit: isAuthor && proposal.state === "draft" && (!input || facts.cycleStage === "input"),
      reopen: isAuthor && open && (!input || facts.cycleStage === "input"),
      withdraw: isAuthor && active,
      inviteCoAuthors: isAuthor && active,
      vote: canVote(access) && open && (!input || facts.cycleStage === "committee"),
      decide: canDecide(access) && open && !input,
      recordCommitteeAction: canRecordCommitteeAction(access) && open && input && facts.cycleStage === "committee",
      comment: canComment(access, "proposal"),
    },
    cycle: proposal.cycle_id,
    committeeAction: await committeeActionOf(db, proposal.id),
    createdAt: proposal.created_at.toISOString(),
    updatedAt: proposal.updated_at.toISOString(),
    submittedAt: proposal.submitted_at?.toISOString() ?? null,
    decidedAt: proposal.decided_at?.toISOString() ?? null,
  };
}
