import type { ServerResponse } from "node:http";
import { Type } from "typebox";
import { ActivityCursor, ActivityFeed, ActivityQuery } from "@codewright/shared";
import type { App, RouteOptions } from "../types";
import { responses } from "../schemas";
import { activityCursor, activityFeed } from "../../domain/activity";

const StreamQuery = Type.Object({
  after: Type.Optional(ActivityCursor),
  /** How long to keep the stream open, in seconds (default 600); 0 sends what is pending and ends. Clients reconnect with Last-Event-ID. */
  wait: Type.Optional(Type.String({ pattern: "^[0-9]{1,3}$" })),
});

// Other processes record activity too; their events do not reach this one, so look now and then.
const POLL_MS = 15_000;
const HEARTBEAT_MS = 25_000;

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
      const wait = Math.min(Number(request.query.wait ?? 600), 600);

      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache, no-transform", connection: "keep-alive", "x-accel-buffering": "no" });
      streams.add(raw);

      let busy: Promise<void> = Promise.resolve();
      const send = () => {
        busy = busy.then(async () => {
          if (raw.writableEnded) return;
          const items = (await activityFeed(ctx, actor, { after, limit: 200 })).items.reverse();
          for (const item of items) {
            raw.write(`id: ${item.id}\nevent: activity\ndata: ${JSON.stringify(item)}\n\n`);
            after = item.id;
          }
        }).catch((err) => request.log.warn({ err }, "activity stream read failed"));
        return busy;
      };
      const onActivity = () => void send();
      const poll = setInterval(onActivity, POLL_MS);
      const heartbeat = setInterval(() => raw.write(": keep-alive\n\n"), HEARTBEAT_MS);
      // Ends after what is pending has been sent, so a reconnect with Last-Event-ID loses nothing.
      const end = setTimeout(() => void send().then(() => raw.end()), Math.max(wait, 1) * 1000);
      // The stream lasts no longer than the credential it was opened with; a reconnect is checked afresh.
      const onSessionEnded = (e: { sessionHash: string }) => e.sessionHash === actor?.credentialHash && close();
      const onUserChanged = (e: { userId: string }) => e.userId === actor?.user.id && close();
      const stop = () => {
        clearInterval(poll);
        clearInterval(heartbeat);
        clearTimeout(end);
        ctx.events.off("activity", onActivity);
        ctx.events.off("sessionEnded", onSessionEnded);
        ctx.events.off("userChanged", onUserChanged);
        streams.delete(raw);
      };
      const close = () => {
        stop();
        raw.end();
      };
      raw.on("close", stop);
      ctx.events.on("activity", onActivity);
      ctx.events.on("sessionEnded", onSessionEnded);
      ctx.events.on("userChanged", onUserChanged);
      raw.write("retry: 5000\n\n");
      await send();
      if (wait === 0) raw.end();
    },
  );
}
