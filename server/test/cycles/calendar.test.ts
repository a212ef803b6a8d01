import ical, { type VEvent } from "node-ical";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseKinds, makeUser, startTestApp, TestClock, type TestApp } from "../helper";
import { buildWorkflowWorld } from "../workflow/fixture";

const HOUR = 3600_000;
const START = Date.UTC(2027, 5, 1, 8, 0, 0);

describe.each(databaseKinds)("the calendar of a standard's cycles on %s", (kind) => {
  let t: TestApp;
  const clock = new TestClock(START);
  beforeAll(async () => {
    t = await startTestApp(kind, { publicUrl: "https://codes.example.org" }, { clock });
  });
  afterAll(async () => t?.close());

  async function standardWithCycle(isPublic: boolean) {
    const w = await buildWorkflowWorld(t, { isPublic });
    await w.ok(w.users.editor, "POST", `/api/standards/${w.standard.slug}/releases`, { version: "1.0.0" });
    const stages = [
      { kind: "input", opensAt: new Date(START).toISOString(), closesAt: new Date(START + 24 * HOUR).toISOString() },
      { kind: "ballot", opensAt: new Date(START + 48 * HOUR).toISOString(), closesAt: new Date(START + 72 * HOUR).toISOString() },
    ];
    const cycle = (await w.ok(w.users.editor, "POST", `/api/standards/${w.standard.slug}/cycles`, { title: "Edition 2028", baseVersion: "1.0.0", stages })).cycle;
    return { w, cycle };
  }

  it("has one event per stage window, with a link back, that a real parser reads", async () => {
    const { w, cycle } = await standardWithCycle(true);
    const res = await t.app.inject({ method: "GET", url: `/api/standards/${w.standard.slug}/calendar.ics` });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^text\/calendar/);
    const events = Object.values(ical.sync.parseICS(res.body)).filter((c) => c?.type === "VEVENT") as VEvent[];
    const byStart = events.sort((a, b) => a.start.getTime() - b.start.getTime());
    expect(byStart.map((e) => [e.summary, e.start.toISOString(), e.end?.toISOString()])).toEqual([
      ["Edition 2028: Public input", new Date(START).toISOString(), new Date(START + 24 * HOUR).toISOString()],
      ["Edition 2028: Ballot", new Date(START + 48 * HOUR).toISOString(), new Date(START + 72 * HOUR).toISOString()],
    ]);
    for (const e of byStart) {
      // node-ical keeps the URL's VALUE=URI parameter beside the value.
      const url = e.url as unknown as string | { val: string };
      expect(typeof url === "string" ? url : url.val).toBe(`https://codes.example.org/cycles/${cycle.id}`);
      expect(e.status).toBe("CONFIRMED");
    }
    await w.ok(w.users.editor, "POST", `/api/cycles/${cycle.id}/cancel`, { reason: "Postponed." });
    const after = Object.values(ical.sync.parseICS((await t.app.inject({ method: "GET", url: `/api/standards/${w.standard.slug}/calendar.ics` })).body)).filter((c) => c?.type === "VEVENT") as VEvent[];
    expect(after.map((e) => e.status)).toEqual(["CANCELLED", "CANCELLED"]);
  });

  it("is public exactly when the standard is", async () => {
    const { w } = await standardWithCycle(false);
    const url = `/api/standards/${w.standard.slug}/calendar.ics`;
    expect((await t.app.inject({ method: "GET", url })).statusCode).toBe(404);
    const outsider = await makeUser(t.db);
    expect((await t.app.inject({ method: "GET", url, headers: outsider.auth })).statusCode).toBe(404);
    expect((await t.app.inject({ method: "GET", url, headers: w.users.contributor.auth })).statusCode).toBe(200);
  });
});
