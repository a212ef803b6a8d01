import { Type } from "typebox";
import { CreateWebhookBody, Ok, Slug, Uuid, Webhook, WebhookCreated, WebhookDeliveryList, WebhookList } from "@codewright/shared";
import type { App, RouteOptions } from "../types";
import { responses } from "../schemas";
import { createWebhook, deleteWebhook, listDeliveries, listWebhooks, readWebhook } from "../../domain/webhooks/webhooks";

const SlugParams = Type.Object({ slug: Slug });
const WebhookParams = Type.Object({ slug: Slug, id: Uuid });

/** A standard's webhooks, for its editors: register, list, read, remove, and the delivery log. */
export default async function webhookRoutes(app: App, { ctx, config }: RouteOptions) {
  const rules = { allowPrivate: config.webhooks.allowPrivate };

  app.post(
    "/api/standards/:slug/webhooks",
    { schema: { tags: ["webhooks"], params: SlugParams, body: CreateWebhookBody, response: responses({ 201: WebhookCreated }, 400, 401, 403, 404) } },
    async (request, reply) => {
      const created = await createWebhook(ctx, request.actor, request.params.slug, request.body, rules);
      reply.status(201).header("Location", `/api/standards/${request.params.slug}/webhooks/${created.webhook.id}`);
      return created;
    },
  );

  app.get("/api/standards/:slug/webhooks", { schema: { tags: ["webhooks"], params: SlugParams, response: responses({ 200: WebhookList }, 401, 403, 404) } }, async (request) =>
    listWebhooks(ctx, request.actor, request.params.slug),
  );

  app.get("/api/standards/:slug/webhooks/:id", { schema: { tags: ["webhooks"], params: WebhookParams, response: responses({ 200: Webhook }, 401, 403, 404) } }, async (request) =>
    readWebhook(ctx, request.actor, request.params.slug, request.params.id),
  );

  app.delete("/api/standards/:slug/webhooks/:id", { schema: { tags: ["webhooks"], params: WebhookParams, response: responses({ 200: Ok }, 401, 403, 404) } }, async (request) =>
    deleteWebhook(ctx, request.actor, request.params.slug, request.params.id),
  );

  app.get(
    "/api/standards/:slug/webhooks/:id/deliveries",
    { schema: { tags: ["webhooks"], params: WebhookParams, response: responses({ 200: WebhookDeliveryList }, 401, 403, 404) } },
    async (request) => listDeliveries(ctx, request.actor, request.params.slug, request.params.id),
  );
}
