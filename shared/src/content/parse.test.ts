import { describe, expect, it } from "vitest";
import { ContentError } from "../errors";
import { emptyContent, narrowContent, parseContent } from "./parse";
import { plainText } from "./plain-text";

const paragraph = (...content: object[]) => ({ type: "paragraph", content });
const text = (value: string, marks?: object[]) => (marks ? { type: "text", text: value, marks } : { type: "text", text: value });
const doc = (...content: object[]) => ({ type: "doc", content });

function contentError(json: unknown): ContentError {
  try {
    parseContent(json);
  } catch (error) {
    if (error instanceof ContentError) return error;
    throw error;
  }
  throw new Error("expected parseContent to throw");
}

describe("parseContent", () => {
  it("returns a checked node for valid content", () => {
    const json = doc(paragraph(text("a "), { type: "xref", attrs: { section: "s1", label: "BC-1" } }));
    expect(parseContent(json).toJSON()).toEqual(json);
  });

  it("accepts the empty content", () => {
    expect(parseContent(emptyContent()).childCount).toBe(1);
  });

  it.each([
    ["null", null],
    ["an array", []],
    ["a paragraph instead of a doc", paragraph(text("a"))],
    ["an empty doc", doc()],
    ["an unknown node", doc({ type: "heading", content: [text("a")] })],
    ["an unknown mark", doc(paragraph(text("a", [{ type: "underline" }])))],
    ["text directly in the doc", doc(text("a"))],
    ["an empty text node", doc(paragraph(text("")))],
    ["marks in a code block", doc({ type: "code_block", content: [text("a", [{ type: "em" }])] })],
    ["a list item without a leading paragraph", doc({ type: "bullet_list", content: [{ type: "list_item", content: [{ type: "bullet_list", content: [] }] }] })],
    ["a note holding a list", doc({ type: "note", content: [{ type: "bullet_list", content: [{ type: "list_item", content: [paragraph()] }] }] })],
    ["an xref without a section", doc(paragraph({ type: "xref", attrs: { label: "BC-1" } }))],
    ["an xref with a numeric section", doc(paragraph({ type: "xref", attrs: { section: 7, label: "BC-1" } }))],
    ["a fractional list order", doc({ type: "ordered_list", attrs: { order: 1.5 }, content: [{ type: "list_item", content: [paragraph()] }] })],
    ["a javascript: link", doc(paragraph(text("a", [{ type: "link", attrs: { href: "javascript:alert(1)" } }])))],
    ["a data: link", doc(paragraph(text("a", [{ type: "link", attrs: { href: "data:text/html,x" } }])))],
    ["marks on the doc", { ...doc(paragraph()), marks: [{ type: "em" }] }],
    ["duplicate marks", doc(paragraph(text("a", [{ type: "em" }, { type: "em" }])))],
  ])("refuses %s with invalid_content", (_, json) => {
    const error = contentError(json);
    expect(error.code).toBe("invalid_content");
    expect(error.message).toMatch(/^Section content/);
  });
});

describe("narrowContent", () => {
  it("returns JSON whose nodes and marks all name types of the schema, as it is", () => {
    const json = doc(paragraph(text("a", [{ type: "link", attrs: { href: "https://example.org" } }, { type: "em" }]), { type: "hard_break" }));
    expect(narrowContent(json)).toBe(json);
    // Content rules are not its business: a list item straight in the doc passes.
    expect(() => narrowContent(doc({ type: "list_item" }))).not.toThrow();
  });

  it.each([
    ["a node of unknown type", doc(paragraph(text("a")), { type: "heading", content: [text("b")] }), /unknown type "heading"/],
    ["a node without a type", doc({ content: [] }), /unknown type undefined/],
    ["a mark of unknown type", doc(paragraph(text("a", [{ type: "underline" }]))), /mark of unknown type "underline"/],
    ["a mark that is not an object", doc(paragraph(text("a", ["em" as never]))), /mark of unknown type undefined/],
    ["marks that are not a list", doc(paragraph({ type: "text", text: "a", marks: { type: "em" } })), /marks are not a list/],
    ["content that is not a list", { type: "doc", content: { type: "paragraph" } }, /content is not a list/],
    ["text that is not a string", doc(paragraph({ type: "text", text: 7 })), /text is not a string/],
    ["a node that is not an object", { type: "doc", content: ["paragraph"] }, /every node an object/],
    ["no object at all", null, /every node an object/],
  ])("rejects %s", (_, json, message) => {
    let error: unknown;
    try {
      narrowContent(json);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ContentError);
    expect((error as ContentError).code).toBe("invalid_content");
    expect((error as ContentError).message).toMatch(message);
  });
});

describe("plainText", () => {
  const body = parseContent(doc(
    paragraph(text("Shall "), text("sign", [{ type: "strong" }]), { type: "hard_break" }, text("see "), { type: "xref", attrs: { section: "s2", label: "BC-2" } }),
    { type: "bullet_list", content: [{ type: "list_item", content: [paragraph(text("one"))] }, { type: "list_item", content: [paragraph(text("two")), paragraph(text("more"))] }] },
    { type: "note", content: [paragraph(text("a note"))] },
    { type: "code_block", content: [text("x = 1\ny = 2")] },
  ));

  it("separates blocks by a blank line and list items by a line break", () => {
    expect(plainText(body)).toBe("Shall sign\nsee BC-2\n\none\ntwo\nmore\n\na note\n\nx = 1\ny = 2");
  });

  it("renders cross-references through the resolver, falling back on the label", () => {
    expect(plainText(body, (id) => (id === "s2" ? "4.1" : undefined))).toContain("see 4.1");
    expect(plainText(body, () => undefined)).toContain("see BC-2");
  });

  it("accepts JSON", () => {
    expect(plainText({ type: "doc", content: [{ type: "paragraph", content: [{ type: "text", text: "json" }] }] })).toBe("json");
  });

  it("validates JSON input", () => {
    expect(() => plainText({ type: "doc", content: [] } as never)).toThrow(ContentError);
  });
});
