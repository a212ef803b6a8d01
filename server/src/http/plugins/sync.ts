import fp from "fastify-plugin";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { actorFor, originChecked } from "../../auth/credentials";
import type { DomainContext } from "../../domain/context";
import { originRefused, upgradeRequired } from "../../domain/errors";
import { CloseCode, type Admission, type SyncService } from "../../sync";
import { requestCredential, requestOriginAllowed } from "./auth";

declare module "fastify" {
  interface FastifyInstance {
    /** Live co-editing: rooms and their stats. */
    sync: SyncService;
  }
}

export interface SyncPluginOptions {
  /** The process's sync service, built with every room kind; the plugin starts and closes it. */
  sync: SyncService;
  ctx: DomainContext;
  allowedOrigins: string[];
}

/**
 * The websocket endpoint `/sync/<room>`, speaking the y-websocket protocol. Every check (who,
 * which room, what rights, room limits) runs before the upgrade completes, so a refused
 * connection gets a plain HTTP 401/403/404/503 and never a socket. Credentials are read as over
 * HTTP, with `?token=` too; a session cookie counts only from an allowed Origin.
 */
export const syncPlugin = fp(
  async (app: FastifyInstance, opts: SyncPluginOptions) => {
    const { sync } = opts;
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
          if (!request.ws) throw upgradeRequired();
          const room = (request.params as { "*"?: string })["*"] ?? "";
          const credential = requestCredential(request, true);
          if (originChecked(credential) && !requestOriginAllowed(request, opts.allowedOrigins)) {
            throw originRefused("This connection came from a page of another site and was refused. Use Codewright's own pages.");
          }
          const actor = await actorFor(opts.ctx.db, credential);
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
