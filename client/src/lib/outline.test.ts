import { describe, expect, it } from "vitest";
import type { ReleaseSection, SectionSummary } from "@codewright/shared";
import { Outline } from "./outline";

const summary = (id: string, parentId: string | null, number: string): SectionSummary => ({
  id,
  parentId,
  number,
  label: `BC-${number}`,
  title: `Section ${number}`,
  room: `draft.${id}`,
});

const released = (id: string, number: string, children: ReleaseSection[] = []): ReleaseSection => ({
  id,
  label: `BC-${number}`,
  number,
  title: `Section ${number}`,
  content: { type: "doc", content: [] },
  text: "",
  children,
});

// Reading order, as the API lists it.
const sections = [summary("a", null, "1"), summary("a1", "a", "1.1"), summary("a1x", "a1", "1.1.1"), summary("a2", "a", "1.2"), summary("b", null, "2")];

describe("Outline from a list", () => {
  const outline = Outline.fromList(sections);

  it("nests sections under their parents in order", () => {
    expect(outline.roots.map((n) => n.section.id)).toEqual(["a", "b"]);
    expect(outline.roots[0]!.children.map((n) => n.section.id)).toEqual(["a1", "a2"]);
    expect(outline.children("a").map((s) => s.id)).toEqual(["a1", "a2"]);
    expect(outline.children("gone")).toEqual([]);
    expect(outline.node("a1x")!.depth).toBe(3);
    expect(outline.get("a1x")).toBe(sections[2]);
    expect(outline.get("gone")).toBeUndefined();
    expect(outline.size).toBe(5);
  });

  it("gives ancestors outermost first", () => {
    expect(outline.ancestors("a1x").map((s) => s.id)).toEqual(["a", "a1"]);
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
    const orphaned = Outline.fromList([summary("x", "missing", "9")]);
    expect(orphaned.roots.map((n) => n.section.id)).toEqual(["x"]);
    expect(orphaned.node("x")!.depth).toBe(1);
    expect(orphaned.ancestors("x")).toEqual([]);
  });
});

describe("Outline from a tree", () => {
  const outline = Outline.fromTree([released("a", "1", [released("a1", "1.1", [released("a1x", "1.1.1")]), released("a2", "1.2")]), released("b", "2")]);

  it("lists the sections in reading order with their depth and parent", () => {
    expect(outline.size).toBe(5);
    expect(outline.sections.map((s) => [s.id, outline.node(s.id)!.depth, outline.node(s.id)!.parent?.section.id ?? null])).toEqual([
      ["a", 1, null],
      ["a1", 2, "a"],
      ["a1x", 3, "a1"],
      ["a2", 2, "a"],
      ["b", 1, null],
    ]);
    expect(outline.roots.map((n) => n.section.id)).toEqual(["a", "b"]);
    expect(outline.children("a").map((s) => s.id)).toEqual(["a1", "a2"]);
  });

  it("finds ancestors and neighbours", () => {
    expect(outline.ancestors("a1x").map((s) => s.id)).toEqual(["a", "a1"]);
    expect(outline.ancestors("b")).toEqual([]);
    expect(outline.ancestors("nope")).toEqual([]);
    expect(outline.previous("a2")!.id).toBe("a1x");
    expect(outline.next("a2")!.id).toBe("b");
    expect(outline.previous("a")).toBeUndefined();
    expect(outline.next("b")).toBeUndefined();
    expect(outline.get("a1")!.title).toBe("Section 1.1");
  });
});
