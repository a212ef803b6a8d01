import { Type } from "typebox";
import { CreateTokenBody, LoginBody, MeResponse, Ok, Password, TokenCreated, UserResponse } from "@codewright/shared";
import type { App, RouteOptions } from "../types";
import { responses } from "../schemas";
import { createToken, currentUser, login, logout, SESSION_TTL_MS } from "../../domain/auth";
import { changePassword } from "../../domain/users";
import { SESSION_COOKIE } from "../../auth/credentials";

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
      const { user, sessionToken } = await login(ctx, request.body);
      reply.setCookie(SESSION_COOKIE, sessionToken, { path: "/", httpOnly: true, sameSite: "lax", secure: secureCookie, maxAge: SESSION_TTL_MS / 1000 });
      return { user };
    },
  );

  app.post("/api/auth/logout", { schema: { tags: ["auth"], response: responses({ 200: Ok }, 401) } }, async (request, reply) => {
    const ok = await logout(ctx, request.actor);
    reply.clearCookie(SESSION_COOKIE, { path: "/" });
    return ok;
  });

  app.get("/api/me", { schema: { tags: ["auth"], response: responses({ 200: MeResponse }, 401) } }, async (request) => currentUser(ctx, request.actor));

  app.put(
    "/api/me/password",
    {
      config: { rateLimit: loginLimit },
      schema: { tags: ["auth"], body: Type.Object({ currentPassword: Type.String({ maxLength: 256 }), newPassword: Password }), response: responses({ 200: Ok }, 400, 401, 403, 429) },
    },
    async (request) => changePassword(ctx, request.actor, request.body.currentPassword, request.body.newPassword),
  );

  app.post(
    "/api/tokens",
    {
      config: { rateLimit: { max: 20, timeWindow: "1 minute" } },
      schema: { tags: ["auth"], body: CreateTokenBody, response: responses({ 201: TokenCreated }, 400, 401, 429) },
    },
    async (request, reply) => {
      const token = await createToken(ctx, request.actor, request.body.name);
      reply.status(201);
      return token;
    },
  );
}
