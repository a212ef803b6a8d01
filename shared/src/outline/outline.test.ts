import { describe, expect, it } from "vitest";
import { ContentError } from "../errors";
import { buildTree, numberOutline, type OutlineSection } from "./outline";

const section = (id: string, parentId: string | null, position: number, title = id) => ({ id, parentId, position, title });

function outlineError(sections: OutlineSection[]): ContentError {
  try {
    numberOutline(sections);
  } catch (error) {
    if (error instanceof ContentError) return error;
    throw error;
  }
  throw new Error("expected numberOutline to throw");
}

describe("numberOutline", () => {
  // Given out of order on purpose: order comes from parentId and position only.
  const sections = [
    section("b2", "b", 20),
    section("a", null, 1),
    section("b", null, 5),
    section("b1", "b", 10),
    section("b2x", "b2", 0.5),
    section("c", null, 7),
    section("a1", "a", 3),
  ];

  it("numbers sections depth first, siblings by position", () => {
    expect(numberOutline(sections).map(({ id, number, depth }) => [id, number, depth])).toEqual([
      ["a", "1", 1],
      ["a1", "1.1", 2],
      ["b", "2", 1],
      ["b1", "2.1", 2],
      ["b2", "2.2", 2],
      ["b2x", "2.2.1", 3],
      ["c", "3", 1],
    ]);
  });

  it("keeps the other fields and leaves its input alone", () => {
    const copy = structuredClone(sections);
    expect(numberOutline(sections)[0]).toEqual({ id: "a", parentId: null, position: 1, title: "a", number: "1", depth: 1 });
    expect(sections).toEqual(copy);
  });

  it("breaks position ties by id", () => {
    expect(numberOutline([section("y", null, 1), section("x", null, 1)]).map((s) => s.id)).toEqual(["x", "y"]);
  });

  it("numbers an empty outline as empty", () => {
    expect(numberOutline([])).toEqual([]);
  });

  it("handles a deep chain", () => {
    const chain = Array.from({ length: 5000 }, (_, i) => section(`s${i}`, i === 0 ? null : `s${i - 1}`, 0));
    const numbered = numberOutline(chain);
    expect(numbered.at(-1)!.depth).toBe(5000);
  });

  it("refuses a missing parent", () => {
    const error = outlineError([section("a", null, 0), section("b", "gone", 0)]);
    expect(error).toMatchObject({ code: "invalid_outline", section: "b" });
    expect(error.message).toContain("gone");
  });

  it("refuses a repeated id", () => {
    expect(outlineError([section("a", null, 0), section("a", null, 1)])).toMatchObject({ code: "invalid_outline", section: "a" });
  });

  it("refuses a position that is not a finite number", () => {
    expect(outlineError([section("a", null, Number.NaN)])).toMatchObject({ code: "invalid_outline", section: "a" });
  });

  it("refuses a cycle and names a section on it", () => {
    const error = outlineError([section("root", null, 0), section("x", "y", 0), section("y", "x", 0), section("below", "x", 0)]);
    expect(error.code).toBe("invalid_outline");
    expect(["x", "y"]).toContain(error.section);
    expect(error.message).toMatch(/cycle/);
  });

  it("refuses a section that is its own parent", () => {
    expect(outlineError([section("self", "self", 0)])).toMatchObject({ code: "invalid_outline", section: "self" });
  });
});

describe("buildTree", () => {
  it("nests sections under their parents in outline order", () => {
    const tree = buildTree([section("b1", "b", 2), section("b", null, 2), section("a", null, 1), section("b0", "b", 1)]);
    expect(tree).toEqual([
      { ...section("a", null, 1), children: [] },
      { ...section("b", null, 2), children: [{ ...section("b0", "b", 1), children: [] }, { ...section("b1", "b", 2), children: [] }] },
    ]);
  });

  it("carries numbers when given numbered sections", () => {
    const tree = buildTree(numberOutline([section("a", null, 0), section("a1", "a", 0)]));
    expect(tree[0]!.children[0]).toMatchObject({ id: "a1", number: "1.1", depth: 2 });
  });

  it("throws like numberOutline", () => {
    expect(() => buildTree([section("x", "x", 0)])).toThrow(ContentError);
  });
});
