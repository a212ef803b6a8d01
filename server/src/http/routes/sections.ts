import { Type } from "typebox";
import { CreateSectionBody, Ok, SectionDetail, SectionList, SectionSummary, Slug, UpdateSectionBody, Uuid } from "@codewright/shared";
import type { App, RouteOptions } from "../types";
import { responses } from "../schemas";
import { assertEditor, assertRead } from "../../domain/access";
import { accessToStandard } from "../../domain/standards";
import { createSection, outline, removeSection, sectionDetail, toSectionSummary, updateSection } from "../../domain/sections";

const SlugParams = Type.Object({ slug: Slug });
const SectionParams = Type.Object({ slug: Slug, id: Uuid });

export default async function sectionRoutes(app: App, { ctx }: RouteOptions) {
  app.get("/api/standards/:slug/sections", { schema: { tags: ["sections"], params: SlugParams, response: responses({ 200: SectionList }, 404) } }, async (request) => {
    const access = await accessToStandard(ctx.db, request.params.slug, request.actor);
    assertRead(access);
    return { sections: (await ctx.outlines.get(ctx.db, access.standard.id)).map(toSectionSummary) };
  });

  app.get("/api/standards/:slug/sections/:id", { schema: { tags: ["sections"], params: SectionParams, response: responses({ 200: SectionDetail }, 404) } }, async (request) => {
    const access = await accessToStandard(ctx.db, request.params.slug, request.actor);
    assertRead(access);
    return sectionDetail(ctx.db, ctx.outlines, access.standard, request.params.id);
  });

  app.post(
    "/api/standards/:slug/sections",
    { schema: { tags: ["sections"], params: SlugParams, body: CreateSectionBody, response: responses({ 201: SectionSummary }, 400, 401, 403, 404, 409) } },
    async (request, reply) => {
      const access = await accessToStandard(ctx.db, request.params.slug, request.actor);
      assertEditor(access);
      const row = await ctx.db.transaction().execute((trx) => createSection(trx, access.standard, request.body, access.actor!.user.id));
      const numbered = (await outline(ctx.db, access.standard.id)).find((s) => s.id === row.id)!;
      reply.status(201);
      return toSectionSummary(numbered);
    },
  );

  app.patch(
    "/api/standards/:slug/sections/:id",
    { schema: { tags: ["sections"], params: SectionParams, body: UpdateSectionBody, response: responses({ 200: SectionSummary }, 400, 401, 403, 404, 409) } },
    async (request) => {
      const access = await accessToStandard(ctx.db, request.params.slug, request.actor);
      assertEditor(access);
      await ctx.db.transaction().execute((trx) => updateSection(trx, access.standard, request.params.id, request.body, access.actor!.user.id));
      return toSectionSummary((await outline(ctx.db, access.standard.id)).find((s) => s.id === request.params.id)!);
    },
  );

  app.delete(
    "/api/standards/:slug/sections/:id",
    { schema: { tags: ["sections"], params: SectionParams, response: responses({ 200: Ok }, 401, 403, 404) } },
    async (request) => {
      const access = await accessToStandard(ctx.db, request.params.slug, request.actor);
      assertEditor(access);
      await removeSection(ctx, access.standard, request.params.id, access.actor!.user.id);
      return { ok: true as const };
    },
  );
}
