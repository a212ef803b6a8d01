import { Type } from "typebox";
import { Slug, Standard } from "@codewright/shared";
import type { App, RouteOptions } from "../types";
import { responses } from "../schemas";
import { assertAdmin } from "../../domain/access";
import { importStandard } from "../../domain/importer";
import { toStandard } from "../../domain/standards";

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
      const admin = assertAdmin(request.actor);
      const result = await importStandard(ctx.db, request.body.markdown, request.body.slug, admin.user.id);
      reply.status(201);
      return { standard: toStandard(result.standard), sections: result.sections };
    },
  );
}
