// @vitest-environment happy-dom
import { DOMParser, DOMSerializer, type Node } from "prosemirror-model";
import { describe, expect, it } from "vitest";
import { schema } from "./schema";

const { nodes: n, marks: m } = schema;

function toHTML(doc: Node): string {
  const container = document.createElement("div");
  container.appendChild(DOMSerializer.fromSchema(schema).serializeFragment(doc.content));
  return container.innerHTML;
}

function fromHTML(html: string): Node {
  const container = document.createElement("div");
  container.innerHTML = html;
  return DOMParser.fromSchema(schema).parse(container);
}

describe("schema", () => {
  it("renders every node and mark to HTML", () => {
    const doc = n.doc.create(null, [
      n.paragraph.create(null, [
        schema.text("a", [m.em.create()]),
        schema.text("b", [m.strong.create()]),
        schema.text("c", [m.code.create()]),
        schema.text("d", [m.link.create({ href: "https://example.org", title: "T" })]),
        n.hard_break.create(),
        n.xref.create({ section: "s1", label: "BC-1.2" }),
      ]),
      n.note.create(null, [n.paragraph.create(null, [schema.text("informative")])]),
      n.blockquote.create(null, [n.paragraph.create()]),
      n.code_block.create(null, [schema.text("x < y")]),
      n.bullet_list.create(null, [n.list_item.create(null, [n.paragraph.create(null, [schema.text("one")])])]),
      n.ordered_list.create({ order: 3 }, [n.list_item.create(null, [n.paragraph.create(null, [schema.text("three")])])]),
    ]);
    expect(toHTML(doc)).toBe(
      '<p><em>a</em><strong>b</strong><code>c</code><a href="https://example.org" title="T">d</a><br>' +
        '<a class="xref" data-section="s1" href="#section-s1">BC-1.2</a></p>' +
        '<aside class="note"><p>informative</p></aside><blockquote><p></p></blockquote>' +
        "<pre><code>x &lt; y</code></pre><ul><li><p>one</p></li></ul>" +
        '<ol start="3"><li><p>three</p></li></ol>',
    );
    expect(fromHTML(toHTML(doc)).eq(doc)).toBe(true);
  });

  it("drops unsafe links when parsing HTML and keeps their text", () => {
    const doc = fromHTML('<p><a href="javascript:alert(1)">click</a> <a href="data:text/html,x">here</a> <a href="https://ok.example">ok</a></p>');
    expect(doc.toJSON()).toEqual({
      type: "doc",
      content: [
        {
          type: "paragraph",
          content: [
            { type: "text", text: "click here " },
            { type: "text", text: "ok", marks: [{ type: "link", attrs: { href: "https://ok.example", title: null } }] },
          ],
        },
      ],
    });
  });

  it("parses a cross-reference as an xref node, not a link", () => {
    const doc = fromHTML('<p><a class="xref" data-section="s9" href="#section-s9">2.3</a></p>');
    expect(doc.firstChild!.firstChild!.toJSON()).toEqual({ type: "xref", attrs: { section: "s9", label: "2.3" } });
  });

  it("refuses to create a link to an unsafe target", () => {
    expect(() => m.link.create({ href: "javascript:alert(1)" })).toThrow(RangeError);
  });

  it("keeps only the section id of a cross-reference and reads it as its label", () => {
    const xref = n.xref.create({ section: "s1", label: "BC-2" });
    expect(xref.isAtom && xref.isInline).toBe(true);
    expect(n.paragraph.create(null, [schema.text("see "), xref]).textContent).toBe("see BC-2");
  });
});
