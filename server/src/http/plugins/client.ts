import { existsSync } from "node:fs";
import { join } from "node:path";
import fp from "fastify-plugin";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance } from "fastify";

/**
 * Serves the built web client and answers unknown non-API paths with its index.html,
 * so the single-page app owns its own routes. Unknown `/api/` paths get a JSON 404.
 */
export const clientPlugin = fp(
  async (app: FastifyInstance, opts: { dir: string | undefined }) => {
    const dir = opts.dir && existsSync(join(opts.dir, "index.html")) ? opts.dir : undefined;
    if (dir) await app.register(fastifyStatic, { root: dir, wildcard: false, index: false });
    app.setNotFoundHandler((request, reply) => {
      if (request.method === "GET" && !request.url.startsWith("/api/") && !request.url.startsWith("/sync/")) {
        if (dir) return reply.type("text/html").sendFile("index.html", dir, { cacheControl: false });
        return reply
          .type("text/plain")
          .status(404)
          .send("The web client is not built. Run `pnpm start` (it builds the client) or `pnpm --filter @codewright/client build`.");
      }
      return reply.status(404).send({ error: { code: "not_found", message: `No route ${request.method} ${request.url.split("?")[0]}. Check the address.` } });
    });
  },
  { name: "client" },
);
