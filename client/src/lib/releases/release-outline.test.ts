import { describe, expect, it } from "vitest";
import type { ReleaseSection } from "@codewright/shared";
import { ReleaseOutline } from "./release-outline";

const section = (id: string, number: string, children: ReleaseSection[] = []): ReleaseSection => ({
  id,
  label: `BC-${number}`,
  number,
  title: `Section ${number}`,
  content: { type: "doc", content: [] },
  text: "",
  children,
});

describe("ReleaseOutline", () => {
  const outline = new ReleaseOutline([section("a", "1", [section("a1", "1.1", [section("a1x", "1.1.1")]), section("a2", "1.2")]), section("b", "2")]);

  it("lists the sections in reading order with their depth and parent", () => {
    expect(outline.size).toBe(5);
    expect(outline.sections.map((n) => [n.id, n.depth, n.parentId])).toEqual([
      ["a", 1, null],
      ["a1", 2, "a"],
      ["a1x", 3, "a1"],
      ["a2", 2, "a"],
      ["b", 1, null],
    ]);
    expect(outline.roots.map((n) => n.id)).toEqual(["a", "b"]);
    expect(outline.get("a")!.children.map((n) => n.id)).toEqual(["a1", "a2"]);
  });

  it("finds ancestors and neighbours", () => {
    expect(outline.ancestors("a1x").map((n) => n.id)).toEqual(["a", "a1"]);
    expect(outline.ancestors("b")).toEqual([]);
    expect(outline.ancestors("nope")).toEqual([]);
    expect(outline.previous("a2")!.id).toBe("a1x");
    expect(outline.next("a2")!.id).toBe("b");
    expect(outline.previous("a")).toBeUndefined();
    expect(outline.next("b")).toBeUndefined();
    expect(outline.get("a1")!.section.title).toBe("Section 1.1");
  });
});
