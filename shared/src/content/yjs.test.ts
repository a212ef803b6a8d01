import { prosemirrorToYXmlFragment } from "y-prosemirror";
import * as Y from "yjs";
import { describe, expect, it } from "vitest";
import type { PMJSON } from "../schema";
import { schema } from "../schema";
import { emptyContent, parseContent } from "./parse";
import { BODY_FIELD, contentToUpdate, docToContent } from "./yjs";

const paragraph = (...content: PMJSON[]): PMJSON => ({ type: "paragraph", content });
const text = (value: string, marks?: PMJSON["marks"]): PMJSON => (marks ? { type: "text", text: value, marks } : { type: "text", text: value });
const item = (...content: PMJSON[]): PMJSON => ({ type: "list_item", content });

function roomFrom(update: Uint8Array): Y.Doc {
  const doc = new Y.Doc({ gc: false });
  Y.applyUpdate(doc, update);
  return doc;
}

const roundTrip = (json: PMJSON) => docToContent(roomFrom(contentToUpdate(json)));

describe("Yjs bridge", () => {
  const cases: Array<[string, PMJSON]> = [
    ["paragraph", { type: "doc", content: [paragraph(text("plain"))] }],
    ["empty paragraph", emptyContent()],
    ["blockquote", { type: "doc", content: [{ type: "blockquote", content: [paragraph(text("quoted")), { type: "code_block", content: [text("q")] }] }] }],
    ["note", { type: "doc", content: [{ type: "note", content: [paragraph(text("first")), paragraph(text("second"))] }] }],
    ["code_block", { type: "doc", content: [{ type: "code_block", content: [text("if (x) {\n  y();\n}")] }, { type: "code_block" }] }],
    ["bullet_list", { type: "doc", content: [{ type: "bullet_list", content: [item(paragraph(text("a"))), item(paragraph(text("b")), { type: "bullet_list", content: [item(paragraph(text("c")))] })] }] }],
    ["ordered_list", { type: "doc", content: [{ type: "ordered_list", attrs: { order: 4 }, content: [item(paragraph(text("d")))] }, { type: "ordered_list", attrs: { order: 1 }, content: [item(paragraph())] }] }],
    ["hard_break", { type: "doc", content: [paragraph(text("line"), { type: "hard_break" }, text("next"))] }],
    ["xref", { type: "doc", content: [paragraph(text("see "), { type: "xref", attrs: { section: "0190a2b4", label: "BC-3.1" } }, text("."))] }],
    ["em", { type: "doc", content: [paragraph(text("e", [{ type: "em" }]))] }],
    ["strong", { type: "doc", content: [paragraph(text("s", [{ type: "strong" }]))] }],
    ["code", { type: "doc", content: [paragraph(text("c", [{ type: "code" }]))] }],
    ["link", { type: "doc", content: [paragraph(text("l", [{ type: "link", attrs: { href: "https://example.org", title: "Example" } }]), text("m", [{ type: "link", attrs: { href: "#section-x", title: null } }]))] }],
    ["stacked marks", { type: "doc", content: [paragraph(text("all", [{ type: "link", attrs: { href: "mailto:a@example.org", title: null } }, { type: "em" }, { type: "strong" }, { type: "code" }]))] }],
  ];

  it.each(cases)("round-trips %s through a Yjs update", (_, json) => {
    const canonical = parseContent(json).toJSON();
    expect(roundTrip(json)).toEqual(canonical);
  });

  it("round-trips every node and mark in one body", () => {
    const all: PMJSON = { type: "doc", content: cases.flatMap(([, json]) => json.content ?? []) };
    expect(roundTrip(all)).toEqual(parseContent(all).toJSON());
  });

  it("keeps marks on text only, as the editor binding does", () => {
    const xref: PMJSON = { type: "xref", attrs: { section: "s", label: "BC-1" } };
    const marked: PMJSON = { type: "doc", content: [paragraph(text("see ", [{ type: "strong" }]), { ...xref, marks: [{ type: "strong" }] })] };
    expect(roundTrip(marked)).toEqual({ type: "doc", content: [paragraph(text("see ", [{ type: "strong" }]), xref)] });
  });

  it("writes the body into the fragment named body", () => {
    const doc = roomFrom(contentToUpdate(emptyContent()));
    expect(BODY_FIELD).toBe("body");
    expect(doc.share.has("body")).toBe(true);
    expect(doc.getXmlFragment("body").length).toBe(1);
  });

  it("keeps edits made after the update", () => {
    const doc = roomFrom(contentToUpdate({ type: "doc", content: [paragraph(text("draft"))] }));
    const paragraphElement = doc.getXmlFragment(BODY_FIELD).get(0) as Y.XmlElement;
    (paragraphElement.get(0) as Y.XmlText).insert(5, " text");
    expect(docToContent(doc)).toEqual({ type: "doc", content: [paragraph(text("draft text"))] });
  });

  it("gives the empty content for an empty fragment", () => {
    expect(docToContent(new Y.Doc({ gc: false }))).toEqual({ type: "doc", content: [{ type: "paragraph" }] });
  });

  it("refuses invalid content before writing", () => {
    expect(() => contentToUpdate({ type: "doc", content: [] })).toThrow(expect.objectContaining({ code: "invalid_content" }));
  });

  it("reads a body that does not fit the schema as repaired, without changing the room", () => {
    const doc = new Y.Doc({ gc: false });
    const heading = new Y.XmlElement("heading");
    heading.insert(0, [new Y.XmlText("not ours")]);
    doc.getXmlFragment(BODY_FIELD).insert(0, [heading]);
    const before = Y.encodeStateAsUpdate(doc);
    const repairs: unknown[] = [];
    expect(docToContent(doc, (r) => repairs.push(...r))).toEqual(emptyContent());
    expect(repairs).toEqual([{ kind: "unknown_node", type: "heading" }, { kind: "empty_document", type: "doc" }]);
    expect(Y.encodeStateAsUpdate(doc)).toEqual(before);
    expect(doc.getXmlFragment(BODY_FIELD).length).toBe(1);
  });

  it("drops an unsafe link written straight into the room, keeping its text", () => {
    const doc = new Y.Doc({ gc: false });
    const paragraphElement = new Y.XmlElement("paragraph");
    const linkText = new Y.XmlText();
    paragraphElement.insert(0, [linkText]);
    doc.getXmlFragment(BODY_FIELD).insert(0, [paragraphElement]);
    linkText.insert(0, "click", { link: { href: "javascript:alert(1)", title: null } });
    const repairs: unknown[] = [];
    expect(docToContent(doc, (r) => repairs.push(...r))).toEqual({ type: "doc", content: [paragraph(text("click"))] });
    expect(repairs).toEqual([{ kind: "invalid_mark", type: "link" }]);
  });

  it("reads what the editor binding writes", () => {
    const doc = new Y.Doc({ gc: false });
    const node = schema.node("doc", null, [schema.node("paragraph", null, [schema.text("bound")])]);
    prosemirrorToYXmlFragment(node, doc.getXmlFragment(BODY_FIELD));
    expect(docToContent(doc)).toEqual(node.toJSON());
  });
});
