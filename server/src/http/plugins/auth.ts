import fp from "fastify-plugin";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { actorFromSession, actorFromToken, type Actor } from "../../domain/auth";
import { DomainError } from "../../domain/errors";
import type { DomainContext } from "../../domain/context";

export const SESSION_COOKIE = "cw_session";

declare module "fastify" {
  interface FastifyRequest {
    /** Who is asking: null for the anonymous (and for a disabled user, an ended session or a revoked token). */
    actor: Actor | null;
  }
}

/** The origin a browser would send for a page served by this server, from the request's Host. */
export function ownOrigin(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}`;
}

/** True when a cookie-bearing browser request comes from an origin we serve or allow. */
export function originAllowed(request: FastifyRequest, allowed: string[]): boolean {
  const origin = request.headers.origin;
  if (!origin || origin === "null") return false;
  return origin === ownOrigin(request) || allowed.includes(origin);
}

/** The credentials of a request: `Authorization: Bearer`, a `?token=` (websockets only), or the session cookie. */
export async function resolveActor(ctx: DomainContext, request: FastifyRequest, allowQueryToken: boolean): Promise<Actor | null> {
  const header = request.headers.authorization;
  if (header?.startsWith("Bearer ")) return actorFromToken(ctx.db, header.slice(7).trim());
  const queryToken = allowQueryToken ? (request.query as { token?: unknown } | undefined)?.token : undefined;
  if (typeof queryToken === "string" && queryToken) return actorFromToken(ctx.db, queryToken);
  const cookie = request.cookies[SESSION_COOKIE];
  if (cookie) return actorFromSession(ctx.db, cookie);
  return null;
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Resolves the actor of every request. CSRF defence: a state-changing request that rides on the
 * session cookie must carry an allowed `Origin` (browsers always send it on such requests).
 */
export const authPlugin = fp(
  async (app: FastifyInstance, opts: { ctx: DomainContext; allowedOrigins: string[] }) => {
    app.decorateRequest("actor", null);
    app.addHook("onRequest", async (request) => {
      if (!request.url.startsWith("/api/")) return;
      request.actor = await resolveActor(opts.ctx, request, false);
      const cookieBorne = !request.headers.authorization && request.cookies[SESSION_COOKIE] !== undefined;
      if (cookieBorne && !SAFE_METHODS.has(request.method) && !originAllowed(request, opts.allowedOrigins)) {
        throw new DomainError("origin_refused", "This request came from a page of another site and was refused. Use Codewright's own pages.", 403);
      }
    });
  },
  { name: "auth", dependencies: ["@fastify/cookie"] },
);
