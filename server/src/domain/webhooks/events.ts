import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import type { WebhookEvent } from "@codewright/shared";
import type { Db } from "../../db/database";
import type { EventHandler, StoredOutboxEvent } from "../events/outbox";
import { apiLinks, pageLinks, threadLink } from "../links";

/**
 * Turns recorded events into webhook deliveries: one per webhook of the event's standard that
 * asked for the event, in the dispatch transaction, so an event makes its deliveries exactly once.
 *
 * The payload follows Standard Webhooks: `{ type, timestamp, data }`, `timestamp` being when the
 * change happened. `data` names things by id, title and link (under `PUBLIC_URL`) and never
 * carries what people wrote (comment bodies, replies, responses): a webhook is an address outside,
 * and a members-only standard's words stay inside; whoever the receiver is can follow the link
 * and read what their own rights allow.
 */

const WEBHOOK_EVENTS: ReadonlySet<string> = new Set<WebhookEvent>(["release.published", "proposal.submitted", "proposal.decided", "comment.created", "comment.disposed"]);

export interface WebhookPayload {
  type: WebhookEvent;
  timestamp: string;
  data: Record<string, unknown>;
}

/** The handler to add to the event dispatcher; `publicUrl` is `PUBLIC_URL`. */
export function webhookDeliveries(publicUrl: string): EventHandler {
  return async (db, event) => {
    if (!WEBHOOK_EVENTS.has(event.event)) return;
    const hooks = await db
      .selectFrom("webhooks")
      .select("id")
      .where("standard_id", "=", event.standardId)
      .where(sql<boolean>`${event.event} = any(events)`)
      .execute();
    if (hooks.length === 0) return;
    const payload = await payloadOf(db, publicUrl, event);
    if (!payload) return;
    await db
      .insertInto("webhook_deliveries")
      .values(hooks.map((h) => ({ id: randomUUID(), webhook_id: h.id, event: event.event, payload: JSON.stringify(payload), last_status_code: null, last_error: null, locked_until: null, delivered_at: null })))
      .execute();
  };
}

/** The payload of an event, or null when what it names is gone (the standard was deleted). */
async function payloadOf(db: Db, base: string, event: StoredOutboxEvent): Promise<WebhookPayload | null> {
  const standard = await db.selectFrom("standards").select(["slug", "title"]).where("id", "=", event.standardId).executeTakeFirst();
  if (!standard) return null;
  const slug = standard.slug;
  const data: Record<string, unknown> = { standard: { slug, title: standard.title, link: pageLinks.standard(base, slug) } };
  switch (event.event) {
    case "release.published": {
      const p = event.payload;
      data.release = { version: p.version, notes: p.notes, digest: p.digest, link: pageLinks.release(base, slug, p.version), document: apiLinks.release(base, slug, p.version) };
      break;
    }
    case "proposal.submitted": {
      const p = event.payload;
      data.proposal = { id: p.proposalId, title: p.title, state: "open", link: pageLinks.proposal(base, p.proposalId) };
      break;
    }
    case "proposal.decided": {
      const p = event.payload;
      data.proposal = { id: p.proposalId, title: p.title, state: p.state, link: pageLinks.proposal(base, p.proposalId) };
      break;
    }
    case "comment.created": {
      const p = event.payload;
      data.comment = { id: p.threadId, target: p.target, sectionId: p.sectionId, proposalId: p.proposalId, version: p.version, link: threadLink(base, slug, p) };
      break;
    }
    case "comment.disposed": {
      const p = event.payload;
      const thread = await db
        .selectFrom("comment_threads")
        .select(["target_kind", "section_id", "proposal_id", "release_version"])
        .where("id", "=", p.threadId)
        .executeTakeFirst();
      const where = thread ? { target: thread.target_kind, sectionId: thread.section_id, proposalId: thread.proposal_id, version: thread.release_version } : null;
      data.comment = {
        id: p.threadId,
        disposition: p.disposition,
        // The proposal that carries the disposition out, if any.
        proposalId: p.proposalId,
        link: where ? threadLink(base, slug, where) : pageLinks.standard(base, slug),
      };
      break;
    }
    default:
      return null;
  }
  return { type: event.event as WebhookEvent, timestamp: event.createdAt.toISOString(), data };
}
