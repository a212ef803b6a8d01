import { describe, expect, it } from "vitest";
import type { DiffOp } from "@codewright/shared";
import { diffBlocks, groupBlocks, wordsAfter, wordsBefore } from "./diff-blocks";

const op = (o: DiffOp["op"], text: string, block: number, kind: DiffOp["kind"] = "paragraph"): DiffOp => ({ op: o, text, block, kind });

describe("diffBlocks", () => {
  it("splits operations into blocks and says how each changed", () => {
    const blocks = diffBlocks([
      op("equal", "Keep this.", 0),
      op("equal", "New components are written ", 1),
      op("insert", "and maintained ", 1),
      op("equal", "in a memory-safe language.", 1),
      op("delete", "length of every buffer", 2, "list_item"),
      op("insert", "width of every integer", 3, "list_item"),
    ]);
    expect(blocks.map((b) => [b.index, b.kind, b.change, b.words.length])).toEqual([
      [0, "paragraph", "equal", 1],
      [1, "paragraph", "edit", 3],
      [2, "list_item", "delete", 1],
      [3, "list_item", "insert", 1],
    ]);
  });

  it("gives nothing for a section without word changes", () => {
    expect(diffBlocks([])).toEqual([]);
  });

  it("reads each side of an edited block", () => {
    const [block] = diffBlocks([op("equal", "see ", 0), op("delete", "2.1", 0), op("insert", "2.2", 0), op("equal", ".", 0)]);
    expect(wordsBefore(block!).map((w) => w.text).join("")).toBe("see 2.1.");
    expect(wordsAfter(block!).map((w) => w.text).join("")).toBe("see 2.2.");
  });

  it("keeps an edited block that starts with an insertion as an edit", () => {
    const [block] = diffBlocks([op("insert", "Always ", 0), op("equal", "fuzz.", 0)]);
    expect(block!.change).toBe("edit");
  });
});

describe("groupBlocks", () => {
  it("puts consecutive list items and note paragraphs in one container, paragraphs alone", () => {
    const blocks = diffBlocks([
      op("equal", "One.", 0),
      op("equal", "Two.", 1),
      op("equal", "a", 2, "list_item"),
      op("insert", "b", 3, "list_item"),
      op("equal", "Note one.", 4, "note"),
      op("equal", "Note two.", 5, "note"),
      op("equal", "make", 6, "code"),
      op("equal", "make test", 7, "code"),
    ]);
    expect(groupBlocks(blocks).map((g) => [g.kind, g.blocks.map((b) => b.index)])).toEqual([
      ["paragraph", [0]],
      ["paragraph", [1]],
      ["list_item", [2, 3]],
      ["note", [4, 5]],
      ["code", [6]],
      ["code", [7]],
    ]);
  });
});
