import { Type } from "typebox";
import { CancelCycleBody, CreateCycleBody, CycleList, CycleResponse, ReleaseSignatureBody, Slug, UpdateStageBody, Uuid, cycleReportSchemaV1 } from "@codewright/shared";
import type { App, RouteOptions } from "../types";
import { responses } from "../schemas";
import { advanceCycle, cancelCycle, createCycle, listCycles, readCycle, updateStage } from "../../domain/cycles/cycles";
import { cycleCalendar } from "../../domain/cycles/calendar";
import { readCycleReport, signReport } from "../../domain/cycles/report";
import { cycleCommentsCsv } from "../../domain/cycles/comments-csv";
import { cycleReportHtml } from "../../domain/cycles/report";

const SlugParams = Type.Object({ slug: Slug });
const CycleParams = Type.Object({ id: Uuid });
const StageParams = Type.Object({ id: Uuid, stageId: Uuid });
const CycleReportDocument = Type.Object(
  {},
  { additionalProperties: true, description: "A cycle report, codewright.cycle-report/v1 (JSON Schema at /api/schemas/cycle-report-v1.json): a live view while the cycle is active (`final: false`), frozen once it ended." },
);

/** Revision cycles: their stages, windows and gates. */
export default async function cycleRoutes(app: App, { ctx, signingKeys }: RouteOptions) {
  app.get("/api/schemas/cycle-report-v1.json", { schema: { tags: ["cycles"], response: { 200: Type.Object({}, { additionalProperties: true }) } } }, async (_request, reply) => {
    reply.header("Cache-Control", "public, max-age=3600");
    reply.type("application/schema+json; charset=utf-8");
    return JSON.stringify(cycleReportSchemaV1, null, 2);
  });

  // A final report never changes: it may be cached for long; a live one not at all.
  const cacheHeaders = (reply: { header: (k: string, v: string) => unknown }, report: { final: boolean; isPublic: boolean; digest: string }, suffix = "") => {
    reply.header("Cache-Control", report.final ? `${report.isPublic ? "public" : "private"}, max-age=31536000, immutable` : "no-store");
    if (report.final) reply.header("ETag", `"${report.digest}${suffix}"`);
  };

  app.get(
    "/api/cycles/:id/report",
    { schema: { tags: ["cycles"], params: CycleParams, response: responses({ 200: CycleReportDocument }, 400, 404) } },
    async (request, reply) => {
      const report = await readCycleReport(ctx, request.actor, request.params.id);
      cacheHeaders(reply, report);
      // The canonical JSON is sent as is: exactly the bytes that are digested and signed.
      reply.type("application/json; charset=utf-8").header("Content-Disposition", `inline; filename="cycle-report-${request.params.id}.json"`);
      return report.text;
    },
  );

  app.get(
    "/api/cycles/:id/report.html",
    { schema: { tags: ["cycles"], description: "The cycle report as a printable page, with its redline.", params: CycleParams, response: responses({ 200: Type.String({ description: "text/html" }) }, 400, 404) } },
    async (request, reply) => {
      const { html, final } = await cycleReportHtml(ctx, request.actor, request.params.id);
      reply.header("Cache-Control", final ? "private, max-age=3600" : "no-store");
      reply.type("text/html; charset=utf-8");
      return html;
    },
  );

  app.get(
    "/api/cycles/:id/comments.csv",
    {
      schema: {
        tags: ["cycles"],
        description: "Every comment of the cycle, one a row: RFC 4180 CSV in UTF-8 with a byte order mark, formulas escaped.",
        params: CycleParams,
        response: responses({ 200: Type.String({ description: "text/csv" }) }, 400, 404),
      },
    },
    async (request, reply) => {
      const { csv, final } = await cycleCommentsCsv(ctx, request.actor, request.params.id);
      reply.header("Cache-Control", final ? "private, max-age=3600" : "no-store");
      reply.type("text/csv; charset=utf-8; header=present").header("Content-Disposition", `attachment; filename="cycle-comments-${request.params.id}.csv"`);
      return csv;
    },
  );

  app.get(
    "/api/cycles/:id/report/signature",
    {
      schema: {
        tags: ["cycles"],
        description: "The Ed25519 signature of the report's canonical JSON with the release signing key, as for releases. A live report's signature covers it as it is now.",
        params: CycleParams,
        response: responses({ 200: ReleaseSignatureBody }, 400, 404),
      },
    },
    async (request, reply) => {
      const report = await readCycleReport(ctx, request.actor, request.params.id);
      cacheHeaders(reply, report, ".sig");
      return signReport(report, await signingKeys.current());
    },
  );

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
