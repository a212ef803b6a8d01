import { randomBytes, randomUUID } from "node:crypto";
import { sql, type Selectable } from "kysely";
import type { CreateWebhookBody, Ok, Webhook, WebhookCreated, WebhookDelivery, WebhookDeliveryList, WebhookEvent, WebhookList } from "@codewright/shared";
import type { Db } from "../../db/database";
import type { WebhookDeliveriesTable, WebhooksTable } from "../../db/tables/participation";
import type { Actor } from "../auth";
import type { DomainContext } from "../context";
import { assertEditor, type StandardAccess } from "../access";
import { recordAudit } from "../audit";
import { notFound } from "../errors";
import { accessToStandard } from "../standards";
import { vetWebhookUrl } from "./address";

/**
 * Webhooks of a standard: its editors (and admins) register, list and remove them and read their
 * delivery logs. Whoever may not read the standard is told it does not exist (404), its other
 * readers are refused (403). A new webhook's signing secret is shown once, when it is made.
 */

export interface WebhookRules {
  /** `WEBHOOK_ALLOW_PRIVATE`: addresses inside a private network are allowed. */
  allowPrivate: boolean;
}

type WebhookRow = Selectable<WebhooksTable>;
type DeliveryRow = Selectable<WebhookDeliveriesTable>;

/** How many deliveries the log shows, newest first. */
export const DELIVERY_LOG_LENGTH = 100;

function toWebhook(row: WebhookRow): Webhook {
  return { id: row.id, url: row.url, events: row.events as WebhookEvent[], createdAt: row.created_at.toISOString() };
}

function toDelivery(row: DeliveryRow): WebhookDelivery {
  return {
    id: row.id,
    event: row.event as WebhookEvent,
    status: row.status,
    attempts: row.attempts,
    lastStatusCode: row.last_status_code,
    lastError: row.last_error,
    createdAt: row.created_at.toISOString(),
    deliveredAt: row.delivered_at ? row.delivered_at.toISOString() : null,
    nextAttemptAt: row.status === "pending" ? row.next_attempt_at.toISOString() : null,
  };
}

/** A Standard Webhooks signing secret: `whsec_` and 32 random bytes in base64. */
function newSecret(): string {
  return `whsec_${randomBytes(32).toString("base64")}`;
}

async function editorAccess(db: Db, slug: string, actor: Actor | null): Promise<StandardAccess & { actor: Actor }> {
  const access = await accessToStandard(db, slug, actor);
  assertEditor(access);
  return access;
}

async function webhookOf(db: Db, access: StandardAccess, id: string): Promise<WebhookRow> {
  const row = await db.selectFrom("webhooks").selectAll().where("id", "=", id).where("standard_id", "=", access.standard.id).executeTakeFirst();
  if (!row) throw notFound("webhook");
  return row;
}

/**
 * Registers a webhook. Rights are checked before the address, so that only editors learn what the
 * address check says: 400 `webhook_url_not_allowed` (see `vetWebhookUrl`). Returns the secret,
 * this once.
 */
export async function createWebhook(ctx: DomainContext, actor: Actor | null, slug: string, input: CreateWebhookBody, rules: WebhookRules): Promise<WebhookCreated> {
  await editorAccess(ctx.db, slug, actor);
  const { url } = await vetWebhookUrl(input.url, rules.allowPrivate);
  const events = [...new Set(input.events)];
  const secret = newSecret();
  return ctx.db.transaction().execute(async (trx) => {
    // Again in the transaction: rights may have changed while the address was resolved.
    const access = await editorAccess(trx, slug, actor);
    const id = randomUUID();
    const row = await trx
      .insertInto("webhooks")
      .values({ id, standard_id: access.standard.id, url: url.href, events: sql<string[]>`array[${sql.join(events)}]::text[]`, secret, created_by: access.actor.user.id })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, { actorId: access.actor.user.id, standardId: access.standard.id, action: "webhook.create", subjectType: "webhook", subjectId: id, details: { url: row.url, events } });
    return { webhook: toWebhook(row), secret };
  });
}

/** The standard's webhooks, oldest first. Editors only. */
export async function listWebhooks(ctx: DomainContext, actor: Actor | null, slug: string): Promise<WebhookList> {
  const access = await editorAccess(ctx.db, slug, actor);
  const rows = await ctx.db.selectFrom("webhooks").selectAll().where("standard_id", "=", access.standard.id).orderBy("created_at").orderBy("id").execute();
  return { webhooks: rows.map(toWebhook) };
}

/** One webhook of the standard (never its secret). Editors only; 404 for an id of another standard. */
export async function readWebhook(ctx: DomainContext, actor: Actor | null, slug: string, id: string): Promise<Webhook> {
  const access = await editorAccess(ctx.db, slug, actor);
  return toWebhook(await webhookOf(ctx.db, access, id));
}

/** Removes a webhook and its delivery log; deliveries not yet made are dropped. Editors only. */
export async function deleteWebhook(ctx: DomainContext, actor: Actor | null, slug: string, id: string): Promise<Ok> {
  return ctx.db.transaction().execute(async (trx) => {
    const access = await editorAccess(trx, slug, actor);
    const row = await webhookOf(trx, access, id);
    await trx.deleteFrom("webhooks").where("id", "=", row.id).execute();
    await recordAudit(trx, { actorId: access.actor.user.id, standardId: access.standard.id, action: "webhook.delete", subjectType: "webhook", subjectId: row.id, details: { url: row.url } });
    return { ok: true as const };
  });
}

/** The webhook's latest deliveries, newest first: status, attempts, the last answer or error. Editors only. */
export async function listDeliveries(ctx: DomainContext, actor: Actor | null, slug: string, id: string): Promise<WebhookDeliveryList> {
  const access = await editorAccess(ctx.db, slug, actor);
  const webhook = await webhookOf(ctx.db, access, id);
  const rows = await ctx.db
    .selectFrom("webhook_deliveries")
    .selectAll()
    .where("webhook_id", "=", webhook.id)
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .limit(DELIVERY_LOG_LENGTH)
    .execute();
  return { deliveries: rows.map(toDelivery) };
}
