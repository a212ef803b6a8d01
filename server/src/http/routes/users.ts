import { Type } from "typebox";
import { AcceptInviteBody, CreateInviteBody, CreateUserBody, InviteCreated, UpdateUserBody, UserList, UserResponse, Uuid } from "@codewright/shared";
import type { App, RouteOptions } from "../types";
import { responses } from "../schemas";
import { assertAdmin } from "../../domain/access";
import { createUser, listUsers, toUser, updateUser } from "../../domain/users";
import { hashPassword } from "../../domain/passwords";
import { acceptInvite, createInvite } from "../../domain/invites";

export default async function userRoutes(app: App, { ctx, config }: RouteOptions) {
  app.get("/api/users", { schema: { tags: ["admin"], response: responses({ 200: UserList }, 401, 403) } }, async (request) => {
    assertAdmin(request.actor);
    return { users: (await listUsers(ctx.db)).map(toUser) };
  });

  app.post("/api/users", { schema: { tags: ["admin"], body: CreateUserBody, response: responses({ 201: UserResponse }, 400, 401, 403, 409) } }, async (request, reply) => {
    const admin = assertAdmin(request.actor);
    const { email, displayName, password, isAdmin } = request.body;
    const passwordHash = password ? await hashPassword(password) : null;
    const user = await ctx.db.transaction().execute((trx) => createUser(trx, { email, displayName, passwordHash, isAdmin }, admin.user.id));
    reply.status(201);
    return { user: toUser(user) };
  });

  app.patch(
    "/api/users/:id",
    { schema: { tags: ["admin"], params: Type.Object({ id: Uuid }), body: UpdateUserBody, response: responses({ 200: UserResponse }, 400, 401, 403, 404) } },
    async (request) => {
      const admin = assertAdmin(request.actor);
      return { user: toUser(await updateUser(ctx, request.params.id, request.body, admin.user.id)) };
    },
  );

  app.post("/api/invites", { schema: { tags: ["admin"], body: CreateInviteBody, response: responses({ 201: InviteCreated }, 400, 401, 403) } }, async (request, reply) => {
    const admin = assertAdmin(request.actor);
    const invite = await createInvite(ctx, request.body, admin.user.id);
    reply.status(201);
    return { ...invite, expiresAt: invite.expiresAt.toISOString(), url: `${config.publicUrl}/invite#${invite.token}` };
  });

  app.post(
    "/api/invites/accept",
    { config: { rateLimit: { max: 10, timeWindow: "1 minute" } }, schema: { tags: ["auth"], body: AcceptInviteBody, response: responses({ 201: UserResponse }, 400, 409, 429) } },
    async (request, reply) => {
      const user = await acceptInvite(ctx, request.body.token, request.body.displayName, request.body.password);
      reply.status(201);
      return { user: toUser(user) };
    },
  );
}
