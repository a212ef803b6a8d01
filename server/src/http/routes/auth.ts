import { Type } from "typebox";
import { CreateTokenBody, LoginBody, MeResponse, Ok, Password, TokenCreated, UserResponse } from "@codewright/shared";
import type { App, RouteOptions } from "../types";
import { responses } from "../schemas";
import { createToken, login, logout, requireActor, SESSION_TTL_MS } from "../../domain/auth";
import { toUser, updateUser } from "../../domain/users";
import { membershipsOf } from "../../domain/standards";
import { verifyPassword } from "../../domain/passwords";
import { DomainError } from "../../domain/errors";
import { SESSION_COOKIE } from "../plugins/auth";

const loginLimit = { max: 10, timeWindow: "1 minute" };

export default async function authRoutes(app: App, { ctx, config }: RouteOptions) {
  const secureCookie = config.publicUrl.startsWith("https:");

  app.post(
    "/api/auth/login",
    {
      config: { rateLimit: { ...loginLimit, keyGenerator: (r) => `${r.ip}:${String((r.body as { email?: unknown } | undefined)?.email ?? "").toLowerCase()}` } },
      schema: { tags: ["auth"], body: LoginBody, response: responses({ 200: UserResponse }, 400, 401, 429) },
    },
    async (request, reply) => {
      const { user, sessionToken } = await login(ctx.db, request.body.email, request.body.password);
      reply.setCookie(SESSION_COOKIE, sessionToken, { path: "/", httpOnly: true, sameSite: "lax", secure: secureCookie, maxAge: SESSION_TTL_MS / 1000 });
      return { user: toUser(user) };
    },
  );

  app.post("/api/auth/logout", { schema: { tags: ["auth"], response: responses({ 200: Ok }, 401) } }, async (request, reply) => {
    const actor = requireActor(request.actor);
    await logout(ctx, actor);
    reply.clearCookie(SESSION_COOKIE, { path: "/" });
    return { ok: true as const };
  });

  app.get("/api/me", { schema: { tags: ["auth"], response: responses({ 200: MeResponse }, 401) } }, async (request) => {
    const actor = requireActor(request.actor);
    return { user: toUser(actor.user), memberships: await membershipsOf(ctx.db, actor.user.id) };
  });

  app.put(
    "/api/me/password",
    {
      config: { rateLimit: loginLimit },
      schema: { tags: ["auth"], body: Type.Object({ currentPassword: Type.String({ maxLength: 256 }), newPassword: Password }), response: responses({ 200: Ok }, 400, 401, 403, 429) },
    },
    async (request) => {
      const actor = requireActor(request.actor);
      if (!actor.user.password_hash || !(await verifyPassword(request.body.currentPassword, actor.user.password_hash))) {
        throw new DomainError("invalid_credentials", "The current password is not right.", 403);
      }
      await updateUser(ctx, actor.user.id, { password: request.body.newPassword }, actor.user.id);
      return { ok: true as const };
    },
  );

  app.post(
    "/api/tokens",
    {
      config: { rateLimit: { max: 20, timeWindow: "1 minute" } },
      schema: { tags: ["auth"], body: CreateTokenBody, response: responses({ 201: TokenCreated }, 400, 401, 429) },
    },
    async (request, reply) => {
      const actor = requireActor(request.actor);
      reply.status(201);
      return createToken(ctx.db, actor, request.body.name);
    },
  );
}
