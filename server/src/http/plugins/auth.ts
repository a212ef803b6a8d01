import fp from "fastify-plugin";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { actorFor, originAllowed, originChecked, readCredential, SESSION_COOKIE, type Credential } from "../../auth/credentials";
import { recordTokenUse, type Actor } from "../../domain/auth";
import { originRefused } from "../../domain/errors";
import type { DomainContext } from "../../domain/context";


declare module "fastify" {
  interface FastifyRequest {
    /** Who is asking: null for the anonymous (and for an ended or expired session or a disabled user's session). */
    actor: Actor | null;
  }
}

/**
 * The credential a request presents, by the rules of auth/credentials.ts. `withQueryToken`: read
 * `?token=` too (websocket upgrades only: a token in a page's URL would leak through links and logs).
 */
export function requestCredential(request: FastifyRequest, withQueryToken: boolean): Credential | null {
  const token = withQueryToken ? (request.query as { token?: unknown } | undefined)?.token : undefined;
  return readCredential({
    authorization: request.headers.authorization,
    cookie: request.cookies[SESSION_COOKIE],
    queryToken: typeof token === "string" ? token : undefined,
  });
}

/** True when the request's Origin is the server's own (from its Host) or one of `allowed`. */
export function requestOriginAllowed(request: FastifyRequest, allowed: readonly string[]): boolean {
  return originAllowed({ origin: request.headers.origin, ownOrigin: `${request.protocol}://${request.host}`, allowed });
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Resolves the actor of every API request; a presented API token that is not valid is a 401. A
 * token's last use is recorded when its request succeeds (a refused request changes nothing stored).
 * CSRF defence: a state-changing request identified by the session cookie must carry an allowed
 * `Origin` (browsers always send it on such requests).
 */
export const authPlugin = fp(
  async (app: FastifyInstance, opts: { ctx: DomainContext; allowedOrigins: string[] }) => {
    app.decorateRequest("actor", null);
    app.addHook("onRequest", async (request) => {
      if (!request.url.startsWith("/api/")) return;
      const credential = requestCredential(request, false);
      if (originChecked(credential) && !SAFE_METHODS.has(request.method) && !requestOriginAllowed(request, opts.allowedOrigins)) {
        throw originRefused();
      }
      request.actor = await actorFor(opts.ctx.db, credential);
    });
    // Before the answer leaves, so that a client that has its answer sees the time recorded.
    app.addHook("onSend", async (request, reply) => {
      if (request.actor?.via === "token" && reply.statusCode < 400) await recordTokenUse(opts.ctx.db, request.actor);
    });
  },
  { name: "auth", dependencies: ["@fastify/cookie"] },
);
