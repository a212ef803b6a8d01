import type { FastifyReply, FastifyRequest } from "fastify";
import { Type } from "typebox";
import { ChangePasswordBody, CreateTokenBody, LoginBody, MeResponse, Ok, PasswordChanged, TokenCreated, TokenList, UserResponse, Uuid } from "@codewright/shared";
import type { App, RouteOptions } from "../types";
import { responses } from "../schemas";
import { createToken, currentUser, listTokens, login, logout, revokeToken } from "../../domain/auth";
import { changePassword } from "../../domain/users";
import { rateLimited } from "../../domain/errors";
import { clearSessionCookie, setSessionCookie } from "../session-cookie";

export default async function authRoutes(app: App, { ctx, config }: RouteOptions) {
  const perAddressAndEmail = { max: config.limits.loginPerAddressAndEmailPerMinute, timeWindow: "1 minute" };
  // Across emails as well: one address trying a few passwords on many accounts (spraying) is stopped too.
  const perAddress = app.createRateLimit({ max: config.limits.loginPerAddressPerMinute, timeWindow: "1 minute" });
  const limitPerAddress = async (request: FastifyRequest, reply: FastifyReply) => {
    const limit = await perAddress(request);
    if (limit.isAllowed || !limit.isExceeded) return;
    reply.header("retry-after", limit.ttlInSeconds);
    throw rateLimited();
  };

  app.post(
    "/api/auth/login",
    {
      preHandler: limitPerAddress,
      config: { rateLimit: { ...perAddressAndEmail, keyGenerator: (r) => `${r.ip}:${String((r.body as { email?: unknown } | undefined)?.email ?? "").toLowerCase()}` } },
      schema: { tags: ["auth"], body: LoginBody, response: responses({ 200: UserResponse }, 400, 401, 429, 503) },
    },
    async (request, reply) => {
      const { user, sessionToken } = await login(ctx, request.body);
      setSessionCookie(reply, sessionToken, config.publicUrl);
      return { user };
    },
  );

  app.post("/api/auth/logout", { schema: { tags: ["auth"], response: responses({ 200: Ok }, 401) } }, async (request, reply) => {
    const ok = await logout(ctx, request.actor);
    clearSessionCookie(reply);
    return ok;
  });

  app.get("/api/me", { schema: { tags: ["auth"], response: responses({ 200: MeResponse }, 401) } }, async (request) => currentUser(ctx, request.actor));

  app.put(
    "/api/me/password",
    {
      config: { rateLimit: perAddressAndEmail },
      schema: { tags: ["auth"], body: ChangePasswordBody, response: responses({ 200: PasswordChanged }, 400, 401, 403, 429, 503) },
    },
    async (request) => changePassword(ctx, request.actor, request.body.currentPassword, request.body.newPassword),
  );

  app.get("/api/tokens", { schema: { tags: ["auth"], response: responses({ 200: TokenList }, 401) } }, async (request) => listTokens(ctx, request.actor));

  app.post(
    "/api/tokens",
    {
      config: { rateLimit: { max: 20, timeWindow: "1 minute" } },
      schema: { tags: ["auth"], body: CreateTokenBody, response: responses({ 201: TokenCreated }, 400, 401, 429) },
    },
    async (request, reply) => {
      const token = await createToken(ctx, request.actor, request.body);
      reply.status(201);
      return token;
    },
  );

  app.delete(
    "/api/tokens/:id",
    { schema: { tags: ["auth"], params: Type.Object({ id: Uuid }), response: responses({ 200: Ok }, 400, 401, 404) } },
    async (request) => revokeToken(ctx, request.actor, request.params.id),
  );
}
