import { parseContent } from "@codewright/shared";
import { describe, expect, it } from "vitest";
import { CONTEXT, LEAF, docBlocks, docRange, locateAnchor, quoteAnchor } from "./anchors";

const ID = "5f1d2c3b-4a59-4e2f-8c6d-7e8f9a0b1c2d";
const doc = parseContent({
  type: "doc",
  content: [
    { type: "paragraph", content: [{ type: "text", text: "Every device shall validate its input." }] },
    {
      type: "bullet_list",
      content: [
        { type: "list_item", content: [{ type: "paragraph", content: [{ type: "text", text: "See " }, { type: "xref", attrs: { section: ID, label: "BC-2" } }, { type: "text", text: " to validate." }] }] },
      ],
    },
  ],
});

describe("anchors in text blocks", () => {
  it("reads a body's blocks with leaves as one character", () => {
    expect(docBlocks(doc)).toEqual(["Every device shall validate its input.", `See ${LEAF} to validate.`]);
  });

  it("maps a span to ProseMirror positions", () => {
    // "validate" in the first paragraph: characters 19..27, positions 20..28.
    expect(docRange(doc, { block: 0, start: 19, end: 27 })).toEqual({ from: 20, to: 28 });
    const second = docRange(doc, { block: 1, start: 9, end: 17 });
    expect(doc.textBetween(second.from, second.to)).toBe("validate");
    expect(() => docRange(doc, { block: 2, start: 0, end: 1 })).toThrow(RangeError);
    expect(() => docRange(doc, { block: 0, start: 0, end: 99 })).toThrow(RangeError);
  });

  it("quotes a span with context on both sides", () => {
    const blocks = docBlocks(doc);
    expect(quoteAnchor(blocks, { block: 0, start: 19, end: 27 })).toEqual({ quote: "validate", prefix: "Every device shall ", suffix: " its input." });
    const long = ["a".repeat(100) + "X" + "b".repeat(100)];
    const anchor = quoteAnchor(long, { block: 0, start: 100, end: 101 });
    expect([anchor.prefix!.length, anchor.suffix!.length]).toEqual([CONTEXT, CONTEXT]);
    expect(() => quoteAnchor(blocks, { block: 0, start: 5, end: 5 })).toThrow(RangeError);
  });

  it("finds an anchor's text again, preferring the occurrence its context fits", () => {
    const blocks = docBlocks(doc);
    expect(locateAnchor(blocks, { quote: "validate", prefix: "See \ufffc to ", suffix: "." })).toEqual({ block: 1, start: 9, end: 17 });
    expect(locateAnchor(blocks, { quote: "validate" })).toEqual({ block: 0, start: 19, end: 27 });
    // The server's current text of the range wins over the original quote.
    expect(locateAnchor(blocks, { quote: "check" }, "its input")).toEqual({ block: 0, start: 28, end: 37 });
    expect(locateAnchor(blocks, { quote: "nowhere" })).toBeNull();
    expect(locateAnchor(blocks, { quote: "" })).toBeNull();
  });
});
