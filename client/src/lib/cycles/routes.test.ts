import { describe, expect, it } from "vitest";
import { calendarUrl } from "../api";
import { matchRoute, paths } from "../routes";

const ID = "0b6a3e0e-2b39-4a8f-9a55-6d3c1f7f2c11";

describe("cycle addresses", () => {
  it("writes and reads a cycle's page", () => {
    expect(paths.cycle(ID)).toBe(`/cycles/${ID}`);
    expect(matchRoute(paths.cycle(ID))).toEqual({ name: "cycle", id: ID });
    expect(matchRoute(`/cycles/${ID}/`)).toEqual({ name: "cycle", id: ID });
    expect(matchRoute("/cycles").name).toBe("notFound");
    expect(matchRoute(`/cycles/${ID}/stages`).name).toBe("notFound");
  });

  it("links a standard's calendar", () => {
    expect(calendarUrl("building code")).toBe("/api/standards/building%20code/calendar.ics");
  });
});
