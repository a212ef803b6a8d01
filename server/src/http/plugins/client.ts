import { existsSync } from "node:fs";
import { join } from "node:path";
import fp from "fastify-plugin";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance } from "fastify";

/**
 * Serves the built web client and answers unknown non-API paths with its index.html,
 * so the single-page app owns its own routes. Unknown `/api/` paths get a JSON 404.
 * Files are looked up per request, so a rebuilt client is served without a restart.
 */
export const clientPlugin = fp(
  async (app: FastifyInstance, opts: { dir: string | undefined }) => {
    const dir = opts.dir && existsSync(opts.dir) ? opts.dir : undefined;
    if (dir) {
      await app.register(fastifyStatic, {
        root: dir,
        wildcard: true,
        index: ["index.html"],
        // Vite puts content hashes in asset names: they never change, so cache them for good.
        setHeaders: (reply, path) => {
          if (path.includes(`${join(dir, "assets")}`)) reply.header("cache-control", "public, max-age=31536000, immutable");
        },
      });
    }
    app.setNotFoundHandler((request, reply) => {
      if ((request.method === "GET" || request.method === "HEAD") && !request.url.startsWith("/api/") && !request.url.startsWith("/sync/")) {
        if (dir && existsSync(join(dir, "index.html"))) {
          return reply.header("cache-control", "no-cache").type("text/html").sendFile("index.html", dir, { cacheControl: false });
        }
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
