import { describe, expect, it } from "vitest";
import type { SectionDiff } from "@codewright/shared";
import { describeSection, isChanged, visibleSections } from "./section-changes";

const side = (number: string, title = "Fuzzing", label = "BC-2.1") => ({ number, title, label });
const section = (status: SectionDiff["status"], before: SectionDiff["before"], after: SectionDiff["after"]): SectionDiff => ({ id: "s", status, before, after, changes: [] });

describe("describeSection", () => {
  it("names both numbers of a move, once", () => {
    expect(describeSection(section(["moved", "renumbered"], side("1.2"), side("2.1")))).toEqual(["Moved from 1.2 to 2.1"]);
  });

  it("shows a renumbering without a move as such", () => {
    expect(describeSection(section(["renumbered"], side("2.3"), side("2.4")))).toEqual(["Renumbered 2.3 → 2.4"]);
  });

  it("says when a moved section kept its number", () => {
    expect(describeSection(section(["moved"], side("2"), side("2")))).toEqual(["Moved to a new place, still 2"]);
  });

  it("describes retitles, relabels, edits, additions and removals", () => {
    expect(describeSection(section(["renumbered", "retitled", "relabelled", "modified"], side("2.2", "Test with fuzzing", "BC-2.2"), side("2.3", "Fuzz", "BC-2.2a")))).toEqual([
      "Renumbered 2.2 → 2.3",
      "Retitled; was “Test with fuzzing”",
      "Label BC-2.2 → BC-2.2a",
      "Text changed",
    ]);
    expect(describeSection(section(["added"], null, side("1.3")))).toEqual(["Added as 1.3"]);
    expect(describeSection(section(["removed"], side("3"), null))).toEqual(["Removed; was 3"]);
    expect(describeSection(section(["unchanged"], side("1"), side("1")))).toEqual(["Unchanged"]);
  });
});

describe("visibleSections", () => {
  const same = section(["unchanged"], side("1"), side("1"));
  const moved = section(["moved"], side("1"), side("2"));

  it("leaves out unchanged sections when asked for changes only", () => {
    expect(isChanged(same)).toBe(false);
    expect(isChanged(moved)).toBe(true);
    expect(visibleSections([same, moved], true)).toEqual([moved]);
    expect(visibleSections([same, moved], false)).toEqual([same, moved]);
  });
});
