import { Type } from "typebox";
import { Slug, Standard } from "@codewright/shared";
import type { App, RouteOptions } from "../types";
import { responses } from "../schemas";
import { importMarkdown } from "../../domain/importer";

/** The admin tooling's import: the same importer as `codewright import`. */
export default async function importRoutes(app: App, { ctx }: RouteOptions) {
  app.post(
    "/api/standards/import",
    {
      bodyLimit: 8 * 1024 * 1024,
      schema: {
        tags: ["admin"],
        body: Type.Object({ slug: Slug, markdown: Type.String({ minLength: 1, maxLength: 8 * 1024 * 1024 }) }),
        response: responses({ 201: Type.Object({ standard: Standard, sections: Type.Integer() }) }, 400, 401, 403, 409),
      },
    },
    async (request, reply) => {
      const result = await importMarkdown(ctx, request.actor, request.body);
      reply.status(201);
      return result;
    },
  );
}
