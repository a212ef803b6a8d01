import { describe, expect, it } from "vitest";
import { formatPublished, nextVersion, shortDigest, versionProblem } from "./versions";

describe("versionProblem", () => {
  it("accepts versions of the release pattern", () => {
    for (const v of ["1.0.0", "2026", "2.0.0-rc.1", "1.0+errata", "v2"]) expect(versionProblem(v)).toBeNull();
  });

  it("explains what is wrong", () => {
    expect(versionProblem("")).toMatch(/Enter a version/);
    expect(versionProblem("1.0 final")).toMatch(/starts with a letter or digit/);
    expect(versionProblem(".1")).toMatch(/starts with a letter or digit/);
    expect(versionProblem("1".repeat(65))).toMatch(/up to 63/);
    expect(versionProblem("Draft")).toMatch(/working draft/);
    expect(versionProblem("1.0", ["1.1", "1.0"])).toBe("Version 1.0 is already published, and releases never change. Choose a new version.");
  });
});

describe("nextVersion", () => {
  it("adds one to the last number", () => {
    expect(nextVersion("1.0")).toBe("1.1");
    expect(nextVersion("1.0.9")).toBe("1.0.10");
    expect(nextVersion("2026")).toBe("2027");
    expect(nextVersion("2.0.0-rc.1")).toBe("2.0.0-rc.2");
    expect(nextVersion("1.0+errata")).toBeNull();
    expect(nextVersion(null)).toBeNull();
  });
});

describe("shortDigest and formatPublished", () => {
  it("shortens a digest and keeps its algorithm", () => {
    expect(shortDigest(`sha256:${"ab".repeat(32)}`)).toBe("sha256:abababababab");
  });

  it("formats a date, and leaves a malformed one as it is", () => {
    expect(formatPublished("2026-03-12T14:05:00.000Z", "en-GB")).toContain("2026");
    expect(formatPublished("not a date")).toBe("not a date");
  });
});
