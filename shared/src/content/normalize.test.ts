import { readFileSync } from "node:fs";
import * as Y from "yjs";
import { describe, expect, it } from "vitest";
import { parseStandardMarkdown } from "../markdown/parse";
import type { PMJSON } from "../schema";
import { normalizeContent, type ContentRepairKind } from "./normalize";
import { emptyContent, parseContent } from "./parse";
import { BODY_FIELD, contentToUpdate, docToContent } from "./yjs";

const text = (value: string, marks?: unknown[]) => (marks ? { type: "text", text: value, marks } : { type: "text", text: value });
const paragraph = (...content: unknown[]) => (content.length > 0 ? { type: "paragraph", content } : { type: "paragraph" });
const doc = (...content: unknown[]) => ({ type: "doc", content });
const note = (...content: unknown[]) => ({ type: "note", content });
const item = (...content: unknown[]) => ({ type: "list_item", content });
const bullets = (...content: unknown[]) => ({ type: "bullet_list", content });
const kept = paragraph(text("kept"));

const kinds = (json: unknown) => normalizeContent(json).repairs.map((r) => r.kind);

describe("normalizeContent", () => {
  const repairs: [string, unknown, PMJSON, ContentRepairKind[]][] = [
    ["drops an empty note", doc(kept, { type: "note" }), doc(kept) as PMJSON, ["empty_container"]],
    ["drops an empty list", doc({ type: "bullet_list" }, kept, { type: "ordered_list", attrs: { order: 2 } }), doc(kept) as PMJSON, ["empty_container", "empty_container"]],
    ["drops an empty blockquote", doc({ type: "blockquote", content: [] }, kept), doc(kept) as PMJSON, ["empty_container"]],
    ["drops a list item without content, then its list", doc(kept, bullets({ type: "list_item" })), doc(kept) as PMJSON, ["empty_container", "empty_container"]],
    [
      "puts an empty paragraph before a list item's first block when it is not one",
      doc(bullets(item({ type: "blockquote", content: [kept] }))),
      doc(bullets(item(paragraph(), { type: "blockquote", content: [kept] }))) as PMJSON,
      ["filled"],
    ],
    ["drops an xref without its attributes", doc(paragraph(text("see "), { type: "xref" }, text("."))), doc(paragraph(text("see ."))) as PMJSON, ["missing_attribute"]],
    ["drops an xref whose section is not a string", doc(paragraph({ type: "xref", attrs: { section: 7, label: "BC-1" } })), doc(paragraph()) as PMJSON, ["missing_attribute"]],
    ["wraps text straight in the body in a paragraph", doc(text("loose "), { type: "hard_break" }, text("text"), kept), doc(paragraph(text("loose "), { type: "hard_break" }, text("text")), kept) as PMJSON, ["wrapped"]],
    ["wraps a list item straight in the body in a list", doc(item(kept)), doc(bullets(item(kept))) as PMJSON, ["wrapped"]],
    ["wraps a paragraph straight in a list in a list item", doc(bullets(kept)), doc(bullets(item(kept))) as PMJSON, ["wrapped"]],
    ["lifts a blockquote out of a note", doc(note({ type: "blockquote", content: [kept] })), doc(note(kept)) as PMJSON, ["lifted"]],
    ["drops a node of an unknown type", doc({ type: "heading", content: [text("x")] }, kept), doc(kept) as PMJSON, ["unknown_node"]],
    ["drops a child that is not a node", doc([text("nested array")], kept), doc(kept) as PMJSON, ["unknown_node"]],
    ["drops a text node without text", doc(paragraph(text(""), { type: "text", text: 3 }, text("x"))), doc(paragraph(text("x"))) as PMJSON, ["invalid_text", "invalid_text"]],
    ["drops a hard break where only text may be", doc({ type: "code_block", content: [text("a"), { type: "hard_break" }, text("b")] }), doc({ type: "code_block", content: [text("ab")] }) as PMJSON, ["dropped"]],
    [
      "removes bidirectional controls from text and attributes",
      doc(paragraph(text("a\u202eb\u2066c", [{ type: "link", attrs: { href: "https://example.org/", title: "t\u2069" } }]))),
      doc(paragraph(text("abc", [{ type: "link", attrs: { href: "https://example.org/", title: "t" } }]))) as PMJSON,
      ["bidi_control", "bidi_control"],
    ],
    ["removes bidirectional controls from code blocks", doc({ type: "code_block", content: [text("x = 1 \u202e// y")] }), doc({ type: "code_block", content: [text("x = 1 // y")] }) as PMJSON, ["bidi_control"]],
    ["drops a mark the node does not allow", doc({ type: "code_block", content: [text("make", [{ type: "strong" }])] }), doc({ type: "code_block", content: [text("make")] }) as PMJSON, ["invalid_mark"]],
    ["drops an unknown mark and an unsafe link", doc(paragraph(text("x", [{ type: "blink" }, { type: "link", attrs: { href: "javascript:alert(1)" } }]))), doc(paragraph(text("x"))) as PMJSON, ["invalid_mark", "invalid_mark"]],
    [
      "keeps the last of two marks of one type",
      doc(paragraph(text("x", [{ type: "link", attrs: { href: "https://a.example/" } }, { type: "link", attrs: { href: "https://b.example/" } }]))),
      doc(paragraph(text("x", [{ type: "link", attrs: { href: "https://b.example/", title: null } }]))) as PMJSON,
      ["invalid_mark"],
    ],
    ["sets an invalid attribute to its default", doc({ type: "ordered_list", attrs: { order: -1 }, content: [item(kept)] }), doc({ type: "ordered_list", attrs: { order: 1 }, content: [item(kept)] }) as PMJSON, ["invalid_attribute"]],
    ["gives one empty paragraph when nothing is left", doc(note(), { type: "heading" }), emptyContent(), ["empty_container", "unknown_node", "empty_document"]],
    ["gives one empty paragraph for a doc without blocks", doc(), emptyContent(), ["empty_document"]],
    ["reads a node that is not a doc as the body's only block", kept, doc(kept) as PMJSON, ["wrapped"]],
  ];

  it.each(repairs)("%s", (_, input, output, expected) => {
    const { content, repairs: made } = normalizeContent(input);
    expect(content).toEqual(output);
    expect(made.map((r) => r.kind)).toEqual(expected);
    expect(() => parseContent(content)).not.toThrow();
  });

  it.each(repairs)("is idempotent and deterministic: %s", (_, input) => {
    const first = normalizeContent(structuredClone(input));
    const again = normalizeContent(structuredClone(input));
    expect(JSON.stringify(again)).toBe(JSON.stringify(first));
    const twice = normalizeContent(first.content);
    expect(twice.repairs).toEqual([]);
    expect(JSON.stringify(twice.content)).toBe(JSON.stringify(first.content));
  });

  it("drops what a container held once it is emptied, inner containers first", () => {
    const nested = doc(kept, { type: "blockquote", content: [note(), bullets(item())] });
    expect(normalizeContent(nested)).toEqual({
      content: doc(kept),
      repairs: [
        { kind: "empty_container", type: "note" },
        { kind: "empty_container", type: "list_item" },
        { kind: "empty_container", type: "bullet_list" },
        { kind: "empty_container", type: "blockquote" },
      ],
    });
  });

  it("never throws, whatever it is given", () => {
    for (const input of [null, undefined, 7, "doc", [], { type: "doc", content: "x" }, { type: "doc", content: [null, 1, { type: "paragraph", content: {} }] }, { type: "doc", marks: [{ type: "em" }], content: [kept] }]) {
      const { content } = normalizeContent(input);
      expect(() => parseContent(content)).not.toThrow();
    }
  });

  it("changes nothing, byte for byte, in a body that fits the schema: every node and mark, and the sample standard", () => {
    const source = readFileSync(new URL("../../../server/seed/building-code.md", import.meta.url), "utf8");
    const bodies: unknown[] = parseStandardMarkdown(source).sections.map((s) => s.content);
    bodies.push(
      doc(
        paragraph(text("a", [{ type: "em" }, { type: "strong" }]), { type: "hard_break" }, { type: "xref", attrs: { section: "s1", label: "BC-1" } }, text("l", [{ type: "link", attrs: { href: "#x", title: "T" } }])),
        note(paragraph(), paragraph(text("n"))),
        { type: "blockquote", content: [{ type: "code_block" }, { type: "code_block", content: [text("x < y")] }] },
        { type: "ordered_list", attrs: { order: 3 }, content: [item(paragraph(text("o")), bullets(item(paragraph())))] },
      ),
      emptyContent(),
    );
    expect(bodies.length).toBeGreaterThan(20);
    for (const body of bodies) {
      const { content, repairs } = normalizeContent(body);
      expect(repairs).toEqual([]);
      expect(JSON.stringify(content)).toBe(JSON.stringify(parseContent(body).toJSON()));
    }
  });
});

describe("docToContent", () => {
  function roomWith(build: (body: Y.XmlFragment) => void): Y.Doc {
    const room = new Y.Doc({ gc: false });
    Y.applyUpdate(room, contentToUpdate(doc(kept)));
    build(room.getXmlFragment(BODY_FIELD));
    return room;
  }

  it("repairs a note emptied in the room, tells who asked, and leaves the room as it was", () => {
    const room = roomWith((body) => body.push([new Y.XmlElement("note")]));
    const state = Y.encodeStateAsUpdate(room);
    const heard: unknown[] = [];
    expect(docToContent(room, (repairs) => heard.push(repairs))).toEqual(doc(kept));
    expect(heard).toEqual([[{ kind: "empty_container", type: "note" }]]);
    expect(Y.encodeStateAsUpdate(room)).toEqual(state);
  });

  it("reads the same body from the same room state in every replica", () => {
    const room = roomWith((body) => {
      const item = new Y.XmlElement("list_item");
      const list = new Y.XmlElement("bullet_list");
      list.insert(0, [item]);
      const xref = new Y.XmlElement("xref");
      const p = new Y.XmlElement("paragraph");
      p.insert(0, [new Y.XmlText("see "), xref]);
      body.insert(0, [list, p, new Y.XmlText("stray")]);
    });
    const replica = new Y.Doc({ gc: false });
    Y.applyUpdate(replica, Y.encodeStateAsUpdate(room));
    expect(JSON.stringify(docToContent(replica))).toBe(JSON.stringify(docToContent(room)));
    expect(docToContent(room)).toEqual(doc(paragraph(text("see ")), paragraph(text("stray")), kept));
  });

  it("does not call back when the body fits", () => {
    const room = roomWith(() => {});
    let called = false;
    docToContent(room, () => (called = true));
    expect(called).toBe(false);
  });

  it("reads a shared type that is no node as nothing", () => {
    const room = roomWith((body) => body.push([new Y.Map() as unknown as Y.XmlElement]));
    expect(docToContent(room)).toEqual(doc(kept));
  });
});

describe("bidirectional controls in content written", () => {
  it.each(["202a", "202b", "202c", "202d", "202e", "2066", "2067", "2068", "2069"])("refuses U+%s in text, code, link titles and cross-reference labels", (hex) => {
    const control = String.fromCodePoint(Number.parseInt(hex, 16));
    for (const body of [
      doc(paragraph(text(`a${control}b`))),
      doc({ type: "code_block", content: [text(`x${control}`)] }),
      doc(paragraph(text("l", [{ type: "link", attrs: { href: "https://example.org/", title: `t${control}` } }]))),
      doc(paragraph({ type: "xref", attrs: { section: "s", label: `BC${control}` } })),
    ]) {
      expect(() => contentToUpdate(body), hex).toThrow(expect.objectContaining({ code: "invalid_content" }));
    }
  });
});
