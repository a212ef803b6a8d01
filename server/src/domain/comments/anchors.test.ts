import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { BODY_FIELD, contentToUpdate, relativeAt, type PMJSON } from "@codewright/shared";
import { anchorAt, encodePosition, resolveAnchor, resolveQuoteIn } from "./anchors";

const paragraphs = (...texts: string[]): PMJSON => ({ type: "doc", content: texts.map((text) => ({ type: "paragraph", content: [{ type: "text", text }] })) });

function docWith(...texts: string[]): Y.Doc {
  const doc = new Y.Doc({ gc: false });
  Y.applyUpdate(doc, contentToUpdate(paragraphs(...texts)));
  return doc;
}
const textOf = (doc: Y.Doc, block: number) => (doc.getXmlFragment(BODY_FIELD).get(block) as Y.XmlElement).get(0) as Y.XmlText;

/** Another replica's edit, merged in the way the sync server merges. */
function concurrently(doc: Y.Doc, edit: (replica: Y.Doc) => void): void {
  const replica = new Y.Doc({ gc: false });
  Y.applyUpdate(replica, Y.encodeStateAsUpdate(doc));
  const sv = Y.encodeStateVector(replica);
  edit(replica);
  Y.applyUpdate(doc, Y.encodeStateAsUpdate(replica, sv));
}

describe("comment anchors", () => {
  // "Shall validate input." is the first paragraph, its text at positions 1..22; "input" is 16..21.
  it("maps ProseMirror positions to the quoted text", () => {
    const doc = docWith("Shall validate input.", "Log failures.");
    const anchor = anchorAt(doc, 16, 21);
    expect(anchor).toMatchObject({ quote: "input", prefix: "Shall validate ", suffix: ".\nLog failures." });
    expect(resolveAnchor(doc, anchor)).toEqual({ state: "active", from: 16, to: 21, text: "input" });
    const second = anchorAt(doc, 24, 27);
    expect(second.quote).toBe("Log");
  });

  it("follows text inserted before and around the range", () => {
    const doc = docWith("Shall validate input.", "Log failures.");
    const anchor = anchorAt(doc, 16, 21);
    concurrently(doc, (r) => textOf(r, 0).insert(0, "Every device "));
    concurrently(doc, (r) => textOf(r, 0).insert("Every device Shall validate input".length, " data"));
    concurrently(doc, (r) => r.getXmlFragment(BODY_FIELD).insert(0, [new Y.XmlElement("paragraph")]));
    const resolved = resolveAnchor(doc, anchor);
    expect(resolved).toMatchObject({ state: "active", text: "input" });
  });

  it("shrinks when part of the quote is deleted and reports deleted text", () => {
    const doc = docWith("Shall validate input.", "Log failures.");
    const anchor = anchorAt(doc, 16, 21);
    concurrently(doc, (r) => textOf(r, 0).delete(15, 2));
    expect(resolveAnchor(doc, anchor)).toMatchObject({ state: "active", text: "put" });
    concurrently(doc, (r) => textOf(r, 0).delete(15, 3));
    expect(resolveAnchor(doc, anchor)).toEqual({ state: "deleted" });
  });

  it("reports deleted text when the whole block is gone", () => {
    const doc = docWith("Shall validate input.", "Log failures.");
    const anchor = anchorAt(doc, 24, 27);
    concurrently(doc, (r) => r.getXmlFragment(BODY_FIELD).delete(1, 1));
    expect(resolveAnchor(doc, anchor)).toEqual({ state: "deleted" });
  });

  it("accepts positions made directly on the text type, as the editor binding makes them", () => {
    const doc = docWith("Shall validate input.");
    const text = textOf(doc, 0);
    const anchor = {
      start: encodePosition(Y.createRelativePositionFromTypeIndex(text, 6)),
      end: encodePosition(Y.createRelativePositionFromTypeIndex(text, 14, -1)),
      quote: "validate",
    };
    expect(resolveAnchor(doc, anchor)).toEqual({ state: "active", from: 7, to: 15, text: "validate" });
    expect(encodePosition(relativeAt(doc, 7, 0))).toBe(anchor.start);
  });

  it("finds a quote-only anchor in fixed text, preferring the matching context", () => {
    const content = paragraphs("Log input. Check input.");
    expect(resolveQuoteIn(content, { quote: "input", prefix: "Check " })).toEqual({ state: "active", from: 18, to: 23, text: "input" });
    expect(resolveQuoteIn(content, { quote: "input" })).toMatchObject({ from: 5 });
    expect(resolveQuoteIn(content, { quote: "absent" })).toEqual({ state: "deleted" });
  });
});
