import { describe, expect, it } from "vitest";
import type { SectionSummary } from "@codewright/shared";
import { Outline } from "./outline";

const section = (id: string, parentId: string | null, number: string): SectionSummary => ({
  id,
  parentId,
  number,
  label: `BC-${number}`,
  title: `Section ${number}`,
  room: `draft.${id}`,
});

// Reading order, as the API lists it.
const sections = [section("a", null, "1"), section("a1", "a", "1.1"), section("a1x", "a1", "1.1.1"), section("a2", "a", "1.2"), section("b", null, "2")];

describe("Outline", () => {
  const outline = new Outline(sections);

  it("nests sections under their parents in order", () => {
    expect(outline.roots.map((n) => n.id)).toEqual(["a", "b"]);
    expect(outline.roots[0]!.children.map((n) => n.id)).toEqual(["a1", "a2"]);
    expect(outline.get("a1x")!.depth).toBe(3);
    expect(outline.size).toBe(5);
  });

  it("gives ancestors outermost first", () => {
    expect(outline.ancestors("a1x").map((n) => n.id)).toEqual(["a", "a1"]);
    expect(outline.ancestors("b")).toEqual([]);
    expect(outline.ancestors("gone")).toEqual([]);
  });

  it("steps through the reading order", () => {
    expect(outline.next("a1x")!.id).toBe("a2");
    expect(outline.previous("b")!.id).toBe("a2");
    expect(outline.previous("a")).toBeUndefined();
    expect(outline.next("b")).toBeUndefined();
    expect(outline.next("gone")).toBeUndefined();
  });

  it("keeps a section whose parent is missing, at top level", () => {
    const orphaned = new Outline([section("x", "missing", "9")]);
    expect(orphaned.roots.map((n) => n.id)).toEqual(["x"]);
  });
});
