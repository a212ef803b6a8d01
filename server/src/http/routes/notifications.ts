import type { ServerResponse } from "node:http";
import { Type } from "typebox";
import { MarkReadBody, NotificationList, NotificationQuery, Preferences, UnreadCount, UpdatePreferencesBody, WatchList, WatchParams, WatchState } from "@codewright/shared";
import type { App, RouteOptions } from "../types";
import { responses } from "../schemas";
import { openEventStream } from "../event-stream";
import {
  checkUnsubscribe,
  listNotifications,
  listWatches,
  markRead,
  readPreferences,
  unreadCount,
  unsubscribe,
  unsubscribedPage,
  unsubscribePage,
  unwatch,
  updatePreferences,
  watch,
  watchState,
} from "../../domain/notifications";

const StreamQuery = Type.Object({
  /** How long to keep the stream open, in seconds (default 600); 0 sends the count and ends. Clients reconnect. */
  wait: Type.Optional(Type.String({ pattern: "^[0-9]{1,3}$" })),
});
// Checked by the domain, so that a token that is not right is `invalid_token` rather than a shape error.
const UnsubscribeQuery = Type.Object({ token: Type.String({ maxLength: 500 }) });
const Html = Type.String({ description: "text/html" });


/** Watches, the notifications inbox and its live unread count, mail preferences, and one-click unsubscribe. */
export default async function notificationRoutes(app: App, { ctx, config }: RouteOptions) {
  const streams = new Set<ServerResponse>();
  app.addHook("preClose", async () => {
    for (const raw of streams) raw.end();
  });

  // ---- Watches

  app.get("/api/me/watches", { schema: { tags: ["watches"], response: responses({ 200: WatchList }, 401) } }, async (request) => listWatches(ctx, request.actor));
  app.get("/api/me/watches/:kind/:id", { schema: { tags: ["watches"], params: WatchParams, response: responses({ 200: WatchState }, 400, 401, 404) } }, async (request) =>
    watchState(ctx, request.actor, request.params.kind, request.params.id),
  );
  app.put("/api/me/watches/:kind/:id", { schema: { tags: ["watches"], params: WatchParams, response: responses({ 200: WatchState }, 400, 401, 404) } }, async (request) =>
    watch(ctx, request.actor, request.params.kind, request.params.id),
  );
  app.delete("/api/me/watches/:kind/:id", { schema: { tags: ["watches"], params: WatchParams, response: responses({ 200: WatchState }, 400, 401, 404) } }, async (request) =>
    unwatch(ctx, request.actor, request.params.kind, request.params.id),
  );

  // ---- Inbox

  app.get("/api/me/notifications", { schema: { tags: ["notifications"], querystring: NotificationQuery, response: responses({ 200: NotificationList }, 400, 401) } }, async (request) =>
    listNotifications(ctx, request.actor, {
      unreadOnly: request.query.unread === "true",
      cursor: request.query.cursor,
      limit: request.query.limit !== undefined ? Number(request.query.limit) : undefined,
    }),
  );
  app.post("/api/me/notifications/read", { schema: { tags: ["notifications"], body: MarkReadBody, response: responses({ 200: UnreadCount }, 400, 401) } }, async (request) =>
    markRead(ctx, request.actor, request.body),
  );

  app.get(
    "/api/me/notifications/stream",
    {
      schema: {
        tags: ["notifications"],
        description: "Server-sent events: an `unread` event with `{ unread }` when the stream opens and whenever the count changes.",
        querystring: StreamQuery,
        response: responses({ 200: Type.String({ description: "text/event-stream" }) }, 400, 401),
      },
    },
    async (request, reply) => {
      const actor = request.actor;
      // Answers 401 before the stream opens for the anonymous.
      let last = -1;
      await unreadCount(ctx, actor);
      const userId = actor!.user.id;
      await openEventStream({
        ctx,
        actor: actor!,
        reply,
        log: request.log,
        streams,
        waitSeconds: Math.min(Number(request.query.wait ?? 600), 600),
        look: async (write) => {
          const now = (await unreadCount(ctx, actor)).unread;
          if (now !== last) write(`event: unread\ndata: ${JSON.stringify({ unread: now })}\n\n`);
          last = now;
        },
        // A new notification for this user, or a change of what they may read (the count is of readable ones).
        wakeOn: [
          { event: "notificationsChanged", concerns: (e) => e.userIds.includes(userId) },
          { event: "membershipChanged", concerns: (e) => e.userId === userId },
          { event: "visibilityChanged", concerns: () => true },
        ],
      });
    },
  );

  // ---- Preferences

  app.get("/api/me/preferences", { schema: { tags: ["notifications"], response: responses({ 200: Preferences }, 401) } }, async (request) => readPreferences(ctx, request.actor));
  app.patch("/api/me/preferences", { schema: { tags: ["notifications"], body: UpdatePreferencesBody, response: responses({ 200: Preferences }, 400, 401) } }, async (request) =>
    updatePreferences(ctx, request.actor, request.body),
  );

  // ---- One-click unsubscribe (RFC 8058): the signed token is the credential, no session needed.

  // Mail programs post `List-Unsubscribe=One-Click` as a form; the token alone decides, so the body is read and left.
  app.addContentTypeParser(["application/x-www-form-urlencoded", "multipart/form-data"], { parseAs: "string", bodyLimit: 4096 }, (_request, body, done) => done(null, body));

  app.get(
    "/api/unsubscribe",
    {
      schema: {
        tags: ["notifications"],
        description: "The page an unsubscribe link opens: it checks the token and changes nothing (mail scanners open links); its button posts the one-click request.",
        querystring: UnsubscribeQuery,
        response: responses({ 200: Html }, 400),
      },
    },
    async (request, reply) => {
      await checkUnsubscribe(ctx, request.query.token);
      reply.type("text/html; charset=utf-8").header("Cache-Control", "no-store").header("Referrer-Policy", "no-referrer");
      return unsubscribePage(request.query.token);
    },
  );
  app.post(
    "/api/unsubscribe",
    {
      schema: {
        tags: ["notifications"],
        description: "One-click unsubscribe (RFC 8058, body `List-Unsubscribe=One-Click`): turns the token's user's notification email off. A browser (Accept: text/html) gets a page.",
        querystring: UnsubscribeQuery,
        response: responses({ 200: Type.Union([Preferences, Html]) }, 400),
      },
    },
    async (request, reply) => {
      const preferences = await unsubscribe(ctx, request.query.token);
      if (!request.headers.accept?.includes("text/html")) return preferences;
      reply.type("text/html; charset=utf-8").header("Cache-Control", "no-store").header("Referrer-Policy", "no-referrer");
      return unsubscribedPage(config.publicUrl);
    },
  );
}
