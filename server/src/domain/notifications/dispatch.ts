import type { Db } from "../../db/database";
import type { StandardRow } from "../../db/tables/standards";
import type { DomainContext } from "../context";
import type { EventHandler, OutboxPayloads, StoredOutboxEvent } from "../events/outbox";
import { structuralChanges } from "../proposals/outline";
import { announceDelivered, deliver, excerpt, mergeDelivered, type Delivered } from "./deliver";
import { pagePaths } from "./links";
import { standardById, watchersOf } from "./readers";
import { threadTitle } from "./watches";

/**
 * Turns recorded events into notifications, in the dispatch transaction:
 * - a proposal submitted, decided or reopened: watchers of the proposal, of its standard and of
 *   the sections it touches; on submission, the standard's voting members are told their vote is
 *   needed instead;
 * - a reply: watchers of the thread (its author and those who replied watch it);
 * - a disposition: the comment's author;
 * - a release: watchers of the standard.
 * Nobody is told of their own action, nor of anything they may not read now.
 */
export function notificationEvents(ctx: DomainContext): EventHandler {
  return async (db, event, afterCommit) => {
    const delivered = await notifyOf(db, ctx.publicUrl, event);
    if (delivered && (delivered.userIds.length > 0 || delivered.mailed)) afterCommit(() => announceDelivered(ctx, delivered));
  };
}

const DISPOSITION_WORDS: Record<string, string> = {
  accepted: "accepted",
  "accepted-with-modification": "accepted with modification",
  rejected: "rejected",
  deferred: "deferred to a later cycle",
  duplicate: "marked as a duplicate",
  "not-related": "found not related to this revision",
  noted: "noted",
};

async function nameOf(db: Db, userId: string | null): Promise<string> {
  if (!userId) return "Codewright";
  const row = await db.selectFrom("users").select("display_name").where("id", "=", userId).executeTakeFirst();
  return row?.display_name ?? "Someone";
}

async function notifyOf(db: Db, publicUrl: string, event: StoredOutboxEvent): Promise<Delivered | null> {
  const standard = await standardById(db, event.standardId);
  if (!standard) return null;
  switch (event.event) {
    case "proposal.submitted":
    case "proposal.decided":
    case "proposal.reopened":
      return proposalEvent(db, publicUrl, standard, event.event, event.actorId, event.payload);
    case "comment.reply":
      return reply(db, publicUrl, standard, event.actorId, event.payload);
    case "comment.disposed":
      return disposition(db, publicUrl, standard, event.actorId, event.payload);
    case "release.published":
      return release(db, publicUrl, standard, event.actorId, event.payload);
    default:
      return null;
  }
}

/** The sections a proposal touches: those its outline changes and those whose text it forked. */
async function touchedSections(db: Db, proposal: { id: string; base_outline: Parameters<typeof structuralChanges>[0]; outline: Parameters<typeof structuralChanges>[1] }): Promise<string[]> {
  const forked = await db.selectFrom("proposal_rooms").select("section_id").where("proposal_id", "=", proposal.id).execute();
  return [...new Set([...structuralChanges(proposal.base_outline, proposal.outline).keys(), ...forked.map((r) => r.section_id)])];
}

async function proposalEvent(
  db: Db,
  publicUrl: string,
  standard: StandardRow,
  event: "proposal.submitted" | "proposal.decided" | "proposal.reopened",
  actorId: string | null,
  payload: OutboxPayloads["proposal.submitted"] | OutboxPayloads["proposal.decided"],
): Promise<Delivered | null> {
  const proposal = await db.selectFrom("proposals").selectAll().where("id", "=", payload.proposalId).executeTakeFirst();
  if (!proposal) return null;
  const watchers = new Set([
    ...(await watchersOf(db, "proposal", [proposal.id])),
    ...(await watchersOf(db, "standard", [standard.id])),
    ...(await watchersOf(db, "section", await touchedSections(db, proposal))),
  ]);
  const who = await nameOf(db, actorId);
  const title = `“${payload.title}”`;
  const link = pagePaths.proposal(proposal.id);
  const subject = { kind: "proposal", id: proposal.id };
  const done: Delivered[] = [];
  if (event === "proposal.submitted") {
    // Voting members are told their vote is needed, which says it was submitted too.
    const voters = (await db.selectFrom("memberships").select("user_id").where("standard_id", "=", standard.id).where("voting", "=", true).execute()).map((m) => m.user_id);
    done.push(await deliver(db, publicUrl, voters, { event: "vote.needed", standard, actorId, summary: `${who} submitted ${title} for review: your vote is needed`, link, subject }));
    for (const v of voters) watchers.delete(v);
    done.push(await deliver(db, publicUrl, watchers, { event, standard, actorId, summary: `${who} submitted ${title} for review`, link, subject }));
  } else if (event === "proposal.decided") {
    const state = (payload as OutboxPayloads["proposal.decided"]).state;
    done.push(await deliver(db, publicUrl, watchers, { event, standard, actorId, summary: `${who} ${state} ${title}`, link, subject }));
  } else {
    done.push(await deliver(db, publicUrl, watchers, { event, standard, actorId, summary: `${who} moved ${title} back to draft`, link, subject }));
  }
  return mergeDelivered(done);
}

async function reply(db: Db, publicUrl: string, standard: StandardRow, actorId: string | null, payload: OutboxPayloads["comment.reply"]): Promise<Delivered | null> {
  const thread = await db.selectFrom("comment_threads").selectAll().where("id", "=", payload.threadId).executeTakeFirst();
  if (!thread) return null;
  const replyRow = await db.selectFrom("comment_replies").select("body").where("id", "=", payload.replyId).executeTakeFirst();
  const who = await nameOf(db, actorId);
  return deliver(db, publicUrl, await watchersOf(db, "thread", [thread.id]), {
    event: "comment.reply",
    standard,
    actorId,
    summary: `${who} replied to “${threadTitle(thread.body)}”`,
    link: pagePaths.thread(standard.slug, thread),
    subject: { kind: "thread", id: thread.id },
    excerpt: replyRow ? excerpt(replyRow.body) : undefined,
  });
}

async function disposition(db: Db, publicUrl: string, standard: StandardRow, actorId: string | null, payload: OutboxPayloads["comment.disposed"]): Promise<Delivered | null> {
  const thread = await db.selectFrom("comment_threads").selectAll().where("id", "=", payload.threadId).executeTakeFirst();
  if (!thread) return null;
  const who = await nameOf(db, actorId);
  return deliver(db, publicUrl, [payload.authorId], {
    event: "comment.disposed",
    standard,
    actorId,
    summary: `${who} recorded a disposition on your comment “${threadTitle(thread.body)}”: ${DISPOSITION_WORDS[payload.disposition] ?? payload.disposition}`,
    link: pagePaths.thread(standard.slug, thread),
    subject: { kind: "thread", id: thread.id },
    excerpt: excerpt(payload.response),
  });
}

async function release(db: Db, publicUrl: string, standard: StandardRow, actorId: string | null, payload: OutboxPayloads["release.published"]): Promise<Delivered> {
  const who = await nameOf(db, actorId);
  return deliver(db, publicUrl, await watchersOf(db, "standard", [standard.id]), {
    event: "release.published",
    standard,
    actorId,
    summary: `${who} published release ${payload.version} of ${standard.title}`,
    link: pagePaths.release(standard.slug, payload.version),
    subject: { kind: "release", id: payload.version },
    excerpt: payload.notes.trim() ? excerpt(payload.notes) : undefined,
  });
}
