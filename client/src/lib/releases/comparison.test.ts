import { describe, expect, it } from "vitest";
import type { ReleaseSummary } from "@codewright/shared";
import { defaultComparison, sectionHref, versionChoices } from "./comparison";

const release = (version: string, previousVersion: string | null): ReleaseSummary => ({ version, kind: "edition", cycleId: null, previousVersion, publishedAt: "2026-01-01T00:00:00.000Z", digest: "sha256:00", notes: "" });

describe("defaultComparison", () => {
  it("compares the newest release with the one before", () => {
    expect(defaultComparison([release("1.1", "1.0"), release("1.0", null)])).toEqual({ from: "1.0", to: "1.1" });
    expect(defaultComparison([release("1.0", null)])).toBeNull();
    expect(defaultComparison([])).toBeNull();
  });
});

describe("versionChoices", () => {
  const releases = [release("1.1", "1.0"), release("1.0", null)];

  it("offers the draft only to those allowed to see it", () => {
    expect(versionChoices(releases, false).map((c) => c.value)).toEqual(["1.1", "1.0"]);
    expect(versionChoices(releases, true).map((c) => c.value)).toEqual(["draft", "1.1", "1.0"]);
    expect(versionChoices(releases, false)[0]!.label).toBe("1.1 (latest)");
  });

  it("keeps a version the page compares even when it is not listed", () => {
    expect(versionChoices(releases, false, ["0.9", "1.0", null]).map((c) => c.value)).toEqual(["1.1", "1.0", "0.9"]);
  });
});

describe("sectionHref", () => {
  it("links a release's section, or the live section for the draft", () => {
    expect(sectionHref("code", "1.0", "s1")).toBe("/standards/code/releases/1.0/sections/s1");
    expect(sectionHref("code", "draft", "s1")).toBe("/standards/code/sections/s1");
  });
});
