import { describe, expect, it } from "vitest";
import { formatCountdown, formatInZone, fromWallTime, offsetMinutes, toWallTime, zonedTimes } from "./zones";

describe("dates in named zones", () => {
  it("names the zone on every date", () => {
    const text = formatInZone("2027-03-14T08:00:00.000Z", "Europe/Paris", "en-GB");
    expect(text).toContain("09:00");
    expect(text).toContain("(Europe/Paris)");
    expect(formatInZone("2027-03-14T08:00:00.000Z", "UTC", "en-GB")).toMatch(/08:00.*\(UTC\)$/);
  });

  it("gives the viewer's zone too, unless it is the standard's", () => {
    const both = zonedTimes("2027-07-01T12:00:00.000Z", "Europe/Paris", "America/New_York", "en-GB");
    expect(both.standard).toContain("14:00");
    expect(both.viewer).toContain("08:00");
    expect(both.viewer).toContain("(America/New_York)");
    expect(zonedTimes("2027-07-01T12:00:00.000Z", "UTC", "UTC").viewer).toBeNull();
  });

  it("knows a zone's offset on either side of a clock change", () => {
    expect(offsetMinutes(new Date("2027-01-15T12:00:00Z"), "Europe/Paris")).toBe(60);
    expect(offsetMinutes(new Date("2027-07-15T12:00:00Z"), "Europe/Paris")).toBe(120);
    expect(offsetMinutes(new Date("2027-07-15T12:00:00Z"), "UTC")).toBe(0);
  });

  it("turns wall times in a zone into UTC and back", () => {
    expect(fromWallTime("2027-01-15T09:00", "Europe/Paris")).toBe("2027-01-15T08:00:00.000Z");
    expect(fromWallTime("2027-07-15T09:00", "Europe/Paris")).toBe("2027-07-15T07:00:00.000Z");
    expect(fromWallTime("2027-07-15T09:00", "America/New_York")).toBe("2027-07-15T13:00:00.000Z");
    expect(toWallTime("2027-07-15T07:00:00.000Z", "Europe/Paris")).toBe("2027-07-15T09:00");
    expect(fromWallTime("not a date", "UTC")).toBeNull();
    expect(fromWallTime("2027-07-15T09:00", "Not/AZone")).toBeNull();
  });

  it("counts down in the largest units that matter", () => {
    expect(formatCountdown(0)).toBe("now");
    expect(formatCountdown(12_400)).toBe("12 s");
    expect(formatCountdown(4 * 60_000 + 5_000)).toBe("4 min 05 s");
    expect(formatCountdown(3 * 3_600_000 + 4 * 60_000)).toBe("3 h 4 min");
    expect(formatCountdown(2 * 86_400_000 + 3 * 3_600_000)).toBe("2 days 3 h");
    expect(formatCountdown(86_400_000)).toBe("1 day 0 h");
  });
});
