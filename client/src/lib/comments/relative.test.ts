import { BODY_FIELD, parseContent, relativeAt, type PMJSON } from "@codewright/shared";
import { prosemirrorJSONToYXmlFragment } from "y-prosemirror";
import * as Y from "yjs";
import { describe, expect, it } from "vitest";
import { docRange } from "./anchors";
import { relativeRange } from "./relative";

const content: PMJSON = {
  type: "doc",
  content: [
    { type: "paragraph", content: [{ type: "text", text: "Every device shall validate its input." }] },
    { type: "paragraph", content: [{ type: "text", text: "Log failures." }] },
  ],
};

function docOf(json: PMJSON): Y.Doc {
  const doc = new Y.Doc();
  prosemirrorJSONToYXmlFragment(parseContent(json).type.schema, json, doc.getXmlFragment(BODY_FIELD));
  return doc;
}

/** The text a relative position pair covers now. */
function covered(doc: Y.Doc, range: { start: string; end: string }): string {
  const decode = (b64: string) => Y.createAbsolutePositionFromRelativePosition(Y.decodeRelativePosition(Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))), doc)!;
  const start = decode(range.start);
  const end = decode(range.end);
  expect(start.type).toBe(end.type);
  return (start.type as Y.XmlText).toString().slice(start.index, end.index);
}

describe("relative positions for anchors", () => {
  it("points into the text at ProseMirror positions", () => {
    const doc = docOf(content);
    const at = Y.createAbsolutePositionFromRelativePosition(relativeAt(doc, 20, 0), doc)!;
    expect(at.type).toBeInstanceOf(Y.XmlText);
    expect(at.index).toBe(19);
    // The second paragraph's text starts at 1 + 38 + 1 + 1 = 41.
    const second = Y.createAbsolutePositionFromRelativePosition(relativeAt(doc, 41, 0), doc)!;
    expect((second.type as Y.XmlText).toString()).toBe("Log failures.");
    expect(second.index).toBe(0);
  });

  it("follows the quoted text through edits on either side of it", () => {
    const doc = docOf(content);
    const { from, to } = docRange(parseContent(content), { block: 0, start: 19, end: 27 });
    const range = relativeRange(doc, from, to);
    expect(covered(doc, range)).toBe("validate");
    const text = (doc.getXmlFragment(BODY_FIELD).get(0) as Y.XmlElement).get(0) as Y.XmlText;
    text.insert(0, "From 2027, ");
    text.insert("From 2027, Every device shall validate".length, " and sanitise");
    text.insert("From 2027, Every device shall ".length, "strictly ");
    expect(covered(doc, range)).toBe("validate");
    expect(() => relativeRange(doc, 5, 5)).toThrow(RangeError);
  });
});
