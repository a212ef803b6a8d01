import { Type } from "typebox";
import { CancelCycleBody, CreateCycleBody, CycleList, CycleResponse, Slug, UpdateStageBody, Uuid } from "@codewright/shared";
import type { App, RouteOptions } from "../types";
import { responses } from "../schemas";
import { advanceCycle, cancelCycle, createCycle, listCycles, readCycle, updateStage } from "../../domain/cycles/cycles";
import { cycleCalendar } from "../../domain/cycles/calendar";

const SlugParams = Type.Object({ slug: Slug });
const CycleParams = Type.Object({ id: Uuid });
const StageParams = Type.Object({ id: Uuid, stageId: Uuid });

/** Revision cycles: their stages, windows and gates. */
export default async function cycleRoutes(app: App, { ctx }: RouteOptions) {
  app.post(
    "/api/standards/:slug/cycles",
    { schema: { tags: ["cycles"], params: SlugParams, body: CreateCycleBody, response: responses({ 201: CycleResponse }, 400, 401, 403, 404, 409) } },
    async (request, reply) => {
      const created = await createCycle(ctx, request.actor, request.params.slug, request.body);
      reply.status(201);
      return created;
    },
  );

  app.get("/api/standards/:slug/cycles", { schema: { tags: ["cycles"], params: SlugParams, response: responses({ 200: CycleList }, 404) } }, async (request) =>
    listCycles(ctx, request.actor, request.params.slug),
  );

  app.get(
    "/api/standards/:slug/calendar.ics",
    {
      schema: {
        tags: ["cycles"],
        description: "An RFC 5545 calendar of every stage window of the standard's cycles.",
        params: SlugParams,
        response: responses({ 200: Type.String({ description: "text/calendar" }) }, 404),
      },
    },
    async (request, reply) => {
      const text = await cycleCalendar(ctx, request.actor, request.params.slug);
      reply.type("text/calendar; charset=utf-8").header("content-disposition", `inline; filename="${request.params.slug}.ics"`);
      return text;
    },
  );

  app.get("/api/cycles/:id", { schema: { tags: ["cycles"], params: CycleParams, response: responses({ 200: CycleResponse }, 400, 404) } }, async (request) =>
    readCycle(ctx, request.actor, request.params.id),
  );

  app.patch(
    "/api/cycles/:id/stages/:stageId",
    { schema: { tags: ["cycles"], params: StageParams, body: UpdateStageBody, response: responses({ 200: CycleResponse }, 400, 401, 403, 404, 409) } },
    async (request) => updateStage(ctx, request.actor, request.params.id, request.params.stageId, request.body),
  );

  app.post(
    "/api/cycles/:id/cancel",
    { schema: { tags: ["cycles"], params: CycleParams, body: CancelCycleBody, response: responses({ 200: CycleResponse }, 400, 401, 403, 404, 409) } },
    async (request) => cancelCycle(ctx, request.actor, request.params.id, request.body),
  );

  app.post(
    "/api/cycles/:id/advance",
    { schema: { tags: ["cycles"], params: CycleParams, response: responses({ 200: CycleResponse }, 400, 401, 403, 404, 409) } },
    async (request) => advanceCycle(ctx, request.actor, request.params.id),
  );
}
