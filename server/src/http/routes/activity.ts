import type { ServerResponse } from "node:http";
import { Type } from "typebox";
import { ActivityCursor, ActivityFeed, ActivityQuery } from "@codewright/shared";
import type { App, RouteOptions } from "../types";
import { responses } from "../schemas";
import { openEventStream } from "../event-stream";
import { activityCursor, activityFeed } from "../../domain/activity";

const StreamQuery = Type.Object({
  after: Type.Optional(ActivityCursor),
  /** How long to keep the stream open, in seconds (default 600); 0 sends what is pending and ends. Clients reconnect with Last-Event-ID. */
  wait: Type.Optional(Type.String({ pattern: "^[0-9]{1,3}$" })),
});


/** The signed-in user's activity feed, as a list and as a server-sent event stream. */
export default async function activityRoutes(app: App, { ctx }: RouteOptions) {
  const streams = new Set<ServerResponse>();
  app.addHook("preClose", async () => {
    for (const raw of streams) raw.end();
  });

  app.get("/api/me/activity", { schema: { tags: ["activity"], querystring: ActivityQuery, response: responses({ 200: ActivityFeed }, 400, 401) } }, async (request) =>
    activityFeed(ctx, request.actor, {
      after: request.query.after,
      limit: request.query.limit ? Number(request.query.limit) : undefined,
    }),
  );

  app.get(
    "/api/me/activity/stream",
    {
      schema: {
        tags: ["activity"],
        description: "Server-sent events: one `activity` event per new feed item (its `id` is the item's), oldest first.",
        querystring: StreamQuery,
        response: responses({ 200: Type.String({ description: "text/event-stream" }) }, 400, 401),
      },
    },
    async (request, reply) => {
      const actor = request.actor;
      const lastEventId = request.headers["last-event-id"];
      let after = await activityCursor(ctx, actor, request.query.after ?? (typeof lastEventId === "string" ? lastEventId : undefined));
      await openEventStream({
        ctx,
        actor: actor!,
        reply,
        log: request.log,
        streams,
        waitSeconds: Math.min(Number(request.query.wait ?? 600), 600),
        look: async (write) => {
          const items = (await activityFeed(ctx, actor, { after, limit: 200 })).items.reverse();
          for (const item of items) {
            write(`id: ${item.id}\nevent: activity\ndata: ${JSON.stringify(item)}\n\n`);
            after = item.id;
          }
        },
        wakeOn: [{ event: "activity", concerns: () => true }],
      });
    },
  );
}
