import fp from "fastify-plugin";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { Config } from "../config";
import type { DatabaseHandle } from "../db/connect";
import { actorFromSession, actorFromToken, type Actor } from "../domain/auth";
import type { DomainContext } from "../domain/context";
import { DomainError, unauthenticated } from "../domain/errors";
import { originAllowed, SESSION_COOKIE } from "../http/plugins/auth";
import { CloseCode } from "./refusals";
import { SyncService, type Admission } from "./service";

declare module "fastify" {
  interface FastifyInstance {
    /** Live co-editing: rooms, their stats, and server-side writes (`applyServerUpdate`). */
    sync: SyncService;
  }
}

export interface SyncPluginOptions {
  ctx: DomainContext;
  config: Config;
  database: DatabaseHandle;
}

/**
 * Who opens a sync connection. An API token (`?token=` or `Authorization: Bearer`) must be valid.
 * A session cookie counts only from an allowed Origin (the server's own, or ALLOWED_ORIGINS):
 * another site's page cannot ride on it. An unknown or expired session is anonymous, as over HTTP.
 */
async function syncActor(ctx: DomainContext, request: FastifyRequest, allowedOrigins: string[]): Promise<Actor | null> {
  const query = request.query as { token?: unknown } | undefined;
  const header = request.headers.authorization;
  const token = typeof query?.token === "string" ? query.token : header?.startsWith("Bearer ") ? header.slice(7).trim() : undefined;
  if (token !== undefined) {
    const actor = await actorFromToken(ctx.db, token);
    if (!actor) throw unauthenticated("The API token is not valid. Create a new one.");
    return actor;
  }
  const cookie = request.cookies[SESSION_COOKIE];
  if (cookie === undefined) return null;
  if (!originAllowed(request, allowedOrigins)) {
    throw new DomainError("origin_refused", "This connection came from a page of another site and was refused. Use Codewright's own pages.", 403);
  }
  return actorFromSession(ctx.db, cookie);
}

/**
 * The websocket endpoint `/sync/<room>`, speaking the y-websocket protocol. Every check (who,
 * which room, what rights, room limits) runs before the upgrade completes, so a refused
 * connection gets a plain HTTP 401/403/404/503 and never a socket.
 */
export const syncPlugin = fp(
  async (app: FastifyInstance, opts: SyncPluginOptions) => {
    const sync = new SyncService({ ctx: opts.ctx, database: opts.database, config: opts.config, log: app.log });
    await sync.start();
    app.decorate("sync", sync);
    app.addHook("preClose", () => sync.close());

    const admissions = new WeakMap<FastifyRequest, Admission>();
    app.get(
      "/sync/*",
      {
        websocket: true,
        // The URL may carry an API token: keep it out of the request log.
        logLevel: "warn",
        preValidation: async (request) => {
          if (!request.ws) throw new DomainError("upgrade_required", "This address takes websocket connections only.", 426);
          const room = (request.params as { "*"?: string })["*"] ?? "";
          const actor = await syncActor(opts.ctx, request, opts.config.allowedOrigins);
          admissions.set(request, await sync.admit(room, actor));
        },
      },
      (socket, request) => {
        const admission = admissions.get(request);
        admissions.delete(request);
        if (!admission) {
          socket.close(CloseCode.internal, "internal_error");
          return;
        }
        sync.join(socket, admission);
      },
    );
  },
  { name: "sync", dependencies: ["@fastify/websocket", "@fastify/cookie"] },
);
