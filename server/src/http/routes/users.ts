import { Type } from "typebox";
import { AcceptInviteBody, CreateInviteBody, CreateUserBody, InviteCreated, UpdateUserBody, UserList, UserResponse, UserUpdated, Uuid } from "@codewright/shared";
import type { App, RouteOptions } from "../types";
import { responses } from "../schemas";
import { createUser, listUsers, updateUser } from "../../domain/users";
import { acceptInvite, createInvite } from "../../domain/invites";

export default async function userRoutes(app: App, { ctx, config }: RouteOptions) {
  app.get("/api/users", { schema: { tags: ["admin"], response: responses({ 200: UserList }, 401, 403) } }, async (request) => listUsers(ctx, request.actor));

  app.post("/api/users", { schema: { tags: ["admin"], body: CreateUserBody, response: responses({ 201: UserResponse }, 400, 401, 403, 409, 503) } }, async (request, reply) => {
    const created = await createUser(ctx, request.actor, request.body);
    reply.status(201);
    return created;
  });

  app.patch(
    "/api/users/:id",
    { schema: { tags: ["admin"], params: Type.Object({ id: Uuid }), body: UpdateUserBody, response: responses({ 200: UserUpdated }, 400, 401, 403, 404, 503) } },
    async (request) => updateUser(ctx, request.actor, request.params.id, request.body),
  );

  app.post("/api/invites", { schema: { tags: ["admin"], body: CreateInviteBody, response: responses({ 201: InviteCreated }, 400, 401, 403) } }, async (request, reply) => {
    const invite = await createInvite(ctx, request.actor, request.body, config.publicUrl, config.registration);
    reply.status(201);
    return invite;
  });

  app.post(
    "/api/invites/accept",
    { config: { rateLimit: { max: 10, timeWindow: "1 minute" } }, schema: { tags: ["auth"], body: AcceptInviteBody, response: responses({ 201: UserResponse }, 400, 403, 409, 429, 503) } },
    async (request, reply) => {
      const created = await acceptInvite(ctx, request.body, config.registration);
      reply.status(201);
      return created;
    },
  );
}
