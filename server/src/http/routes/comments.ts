import { Type } from "typebox";
import { AnswerBody, CommentList, CommentListQuery, CommentThread, CreateCommentBody, DispositionBody, ReplyBody, Uuid } from "@codewright/shared";
import type { App, RouteOptions } from "../types";
import { responses } from "../schemas";
import { answerThread, createThread, disposeThread, listThreads, replyToThread, setThreadState } from "../../domain/comments";

const IdParams = Type.Object({ id: Uuid });
const tags = ["comments"];
// Public comments are open to any signed-in reader: keep one account from flooding a release.
const writeLimit = { rateLimit: { max: 60, timeWindow: "1 minute", keyGenerator: (r: { actor: { user: { id: string } } | null; ip: string }) => r.actor?.user.id ?? r.ip } };

/** Comment threads: start, list, reply, resolve and reopen, the disposition of public comments, and the commenter's answer to it. */
export default async function commentRoutes(app: App, { ctx }: RouteOptions) {
  app.post(
    "/api/comments",
    { config: writeLimit, schema: { tags, body: CreateCommentBody, response: responses({ 201: CommentThread }, 400, 401, 403, 404, 409, 429) } },
    async (request, reply) => {
      const thread = await createThread(ctx, request.actor, request.body);
      reply.status(201);
      return thread;
    },
  );

  app.get("/api/comments", { schema: { tags, querystring: CommentListQuery, response: responses({ 200: CommentList }, 400, 404) } }, async (request) =>
    listThreads(ctx, request.actor, request.query),
  );

  app.post(
    "/api/comments/:id/replies",
    { config: writeLimit, schema: { tags, params: IdParams, body: ReplyBody, response: responses({ 201: CommentThread }, 400, 401, 403, 404, 429) } },
    async (request, reply) => {
      const thread = await replyToThread(ctx, request.actor, request.params.id, request.body.body);
      reply.status(201);
      return thread;
    },
  );

  app.post("/api/comments/:id/resolve", { schema: { tags, params: IdParams, response: responses({ 200: CommentThread }, 401, 403, 404, 409) } }, async (request) =>
    setThreadState(ctx, request.actor, request.params.id, "resolved"),
  );

  app.post("/api/comments/:id/reopen", { schema: { tags, params: IdParams, response: responses({ 200: CommentThread }, 401, 403, 404, 409) } }, async (request) =>
    setThreadState(ctx, request.actor, request.params.id, "open"),
  );

  app.put(
    "/api/comments/:id/disposition",
    { schema: { tags, params: IdParams, body: DispositionBody, response: responses({ 200: CommentThread }, 400, 401, 403, 404, 409) } },
    async (request) => disposeThread(ctx, request.actor, request.params.id, request.body),
  );

  app.put(
    "/api/comments/:id/response",
    { config: writeLimit, schema: { tags, params: IdParams, body: AnswerBody, response: responses({ 200: CommentThread }, 400, 401, 403, 404, 409, 429) } },
    async (request) => answerThread(ctx, request.actor, request.params.id, request.body),
  );
}
