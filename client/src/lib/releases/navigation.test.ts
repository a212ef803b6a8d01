import { describe, expect, it } from "vitest";
import type { SectionDiff } from "@codewright/shared";
import { blockAnchor, changeShortcut, changeStops, isTypingTarget, sectionAnchor, stepStop } from "./navigation";

const side = (number: string) => ({ number, title: "T", label: "L" });

describe("changeStops", () => {
  it("stops at headings of structural changes and at each changed block, never at unchanged ones", () => {
    const sections: SectionDiff[] = [
      { id: "a", status: ["unchanged"], before: side("1"), after: side("1"), changes: [] },
      {
        id: "b",
        status: ["modified"],
        before: side("1.1"),
        after: side("1.1"),
        changes: [
          { op: "equal", text: "Same.", block: 0, kind: "paragraph" },
          { op: "equal", text: "New ", block: 1, kind: "paragraph" },
          { op: "insert", text: "words", block: 1, kind: "paragraph" },
          { op: "delete", text: "Gone.", block: 2, kind: "list_item" },
        ],
      },
      { id: "c", status: ["moved", "renumbered", "modified"], before: side("1.2"), after: side("2.1"), changes: [{ op: "insert", text: "x", block: 0, kind: "paragraph" }] },
      { id: "d", status: ["added"], before: null, after: side("3"), changes: [{ op: "insert", text: "All new.", block: 0, kind: "paragraph" }] },
    ];
    expect(changeStops(sections)).toEqual([blockAnchor("b", 1), blockAnchor("b", 2), sectionAnchor("c"), blockAnchor("c", 0), sectionAnchor("d")]);
  });
});

describe("stepStop", () => {
  const stops = ["a", "b", "c"];

  it("starts at the first or last stop", () => {
    expect(stepStop(stops, null, 1)).toBe("a");
    expect(stepStop(stops, null, -1)).toBe("c");
    expect(stepStop(stops, "elsewhere", 1)).toBe("a");
  });

  it("moves one stop and stops at the ends", () => {
    expect(stepStop(stops, "a", 1)).toBe("b");
    expect(stepStop(stops, "b", -1)).toBe("a");
    expect(stepStop(stops, "c", 1)).toBeNull();
    expect(stepStop(stops, "a", -1)).toBeNull();
    expect(stepStop([], null, 1)).toBeNull();
  });
});

describe("changeShortcut", () => {
  const press = (key: string, more: Partial<Parameters<typeof changeShortcut>[0]> = {}) =>
    changeShortcut({ key, altKey: false, ctrlKey: false, metaKey: false, defaultPrevented: false, target: null, ...more });

  it("reads j and k, unmodified, outside fields", () => {
    expect(press("j")).toBe(1);
    expect(press("k")).toBe(-1);
    expect(press("x")).toBeNull();
    expect(press("j", { ctrlKey: true })).toBeNull();
    expect(press("j", { defaultPrevented: true })).toBeNull();
    expect(press("j", { target: { tagName: "INPUT" } as unknown as EventTarget })).toBeNull();
  });

  it("knows fields and editable content", () => {
    expect(isTypingTarget({ tagName: "TEXTAREA" } as unknown as EventTarget)).toBe(true);
    expect(isTypingTarget({ tagName: "select" } as unknown as EventTarget)).toBe(true);
    expect(isTypingTarget({ tagName: "DIV", isContentEditable: true } as unknown as EventTarget)).toBe(true);
    expect(isTypingTarget({ tagName: "BUTTON" } as unknown as EventTarget)).toBe(false);
    expect(isTypingTarget(null)).toBe(false);
  });
});
