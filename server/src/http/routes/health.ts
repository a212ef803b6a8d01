import { HealthResponse } from "@codewright/shared";
import { sql } from "kysely";
import type { App, RouteOptions } from "../types";
import { responses } from "../schemas";
import type { DatabaseKind } from "../../db/connect";

export default async function healthRoutes(app: App, opts: RouteOptions & { databaseKind: DatabaseKind }) {
  app.get("/api/health", { schema: { tags: ["meta"], response: responses({ 200: HealthResponse }, 503) } }, async () => {
    await sql`select 1`.execute(opts.ctx.db);
    return { status: "ok" as const, database: opts.databaseKind };
  });
}
