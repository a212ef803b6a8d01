import { Type } from "typebox";
import { CreateSectionBody, Ok, SectionDetail, SectionList, SectionSummary, Slug, UpdateSectionBody, Uuid } from "@codewright/shared";
import type { App, RouteOptions } from "../types";
import { responses } from "../schemas";
import { addSection, changeSection, listSections, readSection, removeSection } from "../../domain/sections";

const SlugParams = Type.Object({ slug: Slug });
const SectionParams = Type.Object({ slug: Slug, id: Uuid });

export default async function sectionRoutes(app: App, { ctx }: RouteOptions) {
  app.get("/api/standards/:slug/sections", { schema: { tags: ["sections"], params: SlugParams, response: responses({ 200: SectionList }, 404) } }, async (request) =>
    listSections(ctx, request.actor, request.params.slug),
  );

  app.get("/api/standards/:slug/sections/:id", { schema: { tags: ["sections"], params: SectionParams, response: responses({ 200: SectionDetail }, 404) } }, async (request) =>
    readSection(ctx, request.actor, request.params.slug, request.params.id),
  );

  app.post(
    "/api/standards/:slug/sections",
    { schema: { tags: ["sections"], params: SlugParams, body: CreateSectionBody, response: responses({ 201: SectionSummary }, 400, 401, 403, 404, 409) } },
    async (request, reply) => {
      const section = await addSection(ctx, request.actor, request.params.slug, request.body);
      reply.status(201);
      return section;
    },
  );

  app.patch(
    "/api/standards/:slug/sections/:id",
    { schema: { tags: ["sections"], params: SectionParams, body: UpdateSectionBody, response: responses({ 200: SectionSummary }, 400, 401, 403, 404, 409) } },
    async (request) => changeSection(ctx, request.actor, request.params.slug, request.params.id, request.body),
  );

  app.delete(
    "/api/standards/:slug/sections/:id",
    { schema: { tags: ["sections"], params: SectionParams, response: responses({ 200: Ok }, 401, 403, 404) } },
    async (request) => removeSection(ctx, request.actor, request.params.slug, request.params.id),
  );
}
