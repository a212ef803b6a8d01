import type { Db } from "../../db/database";
import type { DomainContext } from "../context";

/**
 * Events worth telling people and other systems about, recorded in the transaction of the change
 * they describe (a transactional outbox): an event exists exactly when its change committed, and
 * survives a restart until it is dispatched to notifications and webhook deliveries.
 */
export interface OutboxPayloads {
  /** A proposal opened for review and votes. */
  "proposal.submitted": { proposalId: string; title: string };
  /** Accepted or rejected. */
  "proposal.decided": { proposalId: string; title: string; state: "accepted" | "rejected" };
  /** Back to draft from open, by its authors. */
  "proposal.reopened": { proposalId: string; title: string };
  /** A new comment thread. `sectionId`, `proposalId`, `version` say where, as the thread's target does. */
  "comment.created": { threadId: string; target: string; sectionId: string | null; proposalId: string | null; version: string | null };
  /** A reply in a thread. */
  "comment.reply": { threadId: string; replyId: string; proposalId: string | null };
  /** A disposition recorded on a public comment. */
  "comment.disposed": { threadId: string; disposition: string; response: string; proposalId: string | null; authorId: string };
  /** A release published. */
  "release.published": { version: string; notes: string; digest: string };
}
export type OutboxEventName = keyof OutboxPayloads;

export interface OutboxEvent<E extends OutboxEventName = OutboxEventName> {
  event: E;
  standardId: string;
  /** Who made the change; null for the platform itself. */
  actorId: string | null;
  payload: OutboxPayloads[E];
}

/** A dispatched event, as read back from the outbox. */
export type StoredOutboxEvent = { [E in OutboxEventName]: OutboxEvent<E> & { id: string; createdAt: Date } }[OutboxEventName];

/** Records an event. Call inside the change's transaction; call `announceEvents` after the commit. */
export async function recordEvent<E extends OutboxEventName>(db: Db, event: OutboxEvent<E>): Promise<void> {
  await db
    .insertInto("event_outbox")
    .values({ event: event.event, standard_id: event.standardId, actor_id: event.actorId, payload: JSON.stringify(event.payload) })
    .execute();
}

/** Wakes this process's dispatcher after a commit that recorded events (others find them when they next look). */
export function announceEvents(ctx: DomainContext): void {
  ctx.events.emit("queued", { queue: "events" });
}

/**
 * What turns one event into rows of its own (notifications, deliveries), in the dispatch
 * transaction. `afterCommit` keeps something to do once that transaction has committed (wake a
 * queue, tell live streams): before it, other connections would not see the rows.
 */
export type EventHandler = (db: Db, event: StoredOutboxEvent, afterCommit: (run: () => void) => void) => Promise<void>;

/**
 * Dispatches up to `batch` recorded events, oldest first, to every handler, and deletes them, all
 * in one transaction: an event is dispatched once, or (when a handler fails) stays for the next
 * try. Rows another process is dispatching are skipped. Returns how many were dispatched.
 */
export async function dispatchEvents(ctx: DomainContext, handlers: readonly EventHandler[], batch = 100): Promise<number> {
  const after: Array<() => void> = [];
  const afterCommit = (run: () => void) => void after.push(run);
  const done = await ctx.db.transaction().execute(async (trx) => {
    const rows = await trx.selectFrom("event_outbox").selectAll().orderBy("id").limit(batch).forUpdate().skipLocked().execute();
    for (const row of rows) {
      const event = { id: String(row.id), event: row.event, standardId: row.standard_id, actorId: row.actor_id, payload: row.payload, createdAt: row.created_at } as StoredOutboxEvent;
      for (const handle of handlers) await handle(trx, event, afterCommit);
    }
    if (rows.length > 0) await trx.deleteFrom("event_outbox").where("id", "in", rows.map((r) => r.id)).execute();
    return rows.length;
  });
  for (const run of after) run();
  return done;
}
