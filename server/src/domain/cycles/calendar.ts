import ical, { ICalEventStatus } from "ical-generator";
import type { StageKind } from "@codewright/shared";
import type { Actor } from "../auth";
import type { DomainContext } from "../context";
import { assertRead } from "../access";
import { accessToStandard } from "../standards";

/** What each stage is called on a calendar and a cycle page. */
export const STAGE_NAMES: Record<StageKind, string> = {
  input: "Public input",
  committee: "Committee actions",
  comment: "Public comment",
  resolution: "Comment resolution",
  ballot: "Ballot",
  publication: "Publication",
};

/**
 * An RFC 5545 calendar of every window of every cycle of a standard, each event linking to its
 * cycle's page; a cancelled cycle's windows are marked cancelled. Public exactly when the
 * standard is (404 for those who may not read it).
 */
export async function cycleCalendar(ctx: DomainContext, actor: Actor | null, slug: string): Promise<string> {
  const access = await accessToStandard(ctx.db, slug, actor);
  assertRead(access);
  const standard = access.standard;
  const rows = await ctx.db
    .selectFrom("cycle_stages")
    .innerJoin("cycles", "cycles.id", "cycle_stages.cycle_id")
    .select(["cycle_stages.id", "cycle_stages.kind", "cycle_stages.opens_at", "cycle_stages.closes_at", "cycles.id as cycle_id", "cycles.title", "cycles.state", "cycles.base_version"])
    .where("cycles.standard_id", "=", standard.id)
    .orderBy("cycle_stages.opens_at")
    .orderBy("cycle_stages.id")
    .execute();
  const host = new URL(ctx.publicUrl).hostname || "codewright.invalid";
  const calendar = ical({
    name: `${standard.title}: revision cycles`,
    prodId: { company: "Codewright", product: "cycles", language: "EN" },
    url: `${ctx.publicUrl}/standards/${encodeURIComponent(standard.slug)}`,
    timezone: standard.time_zone,
  });
  for (const r of rows) {
    const url = `${ctx.publicUrl}/cycles/${r.cycle_id}`;
    calendar.createEvent({
      id: `${r.id}@${host}`,
      start: r.opens_at,
      end: r.closes_at,
      summary: `${r.title}: ${STAGE_NAMES[r.kind]}`,
      description: `${STAGE_NAMES[r.kind]} of “${r.title}”, the revision of ${standard.title} ${r.base_version}. ${url}`,
      url,
      status: r.state === "cancelled" ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
      timezone: "UTC",
    });
  }
  return calendar.toString();
}
