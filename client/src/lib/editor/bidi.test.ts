import { describe, expect, it } from "vitest";
import { hasBidiControl, schema } from "@codewright/shared";
import { Slice } from "prosemirror-model";
import { sliceWithoutBidiControls } from "./bidi";

const { nodes: n, marks: m } = schema;

describe("bidirectional controls in pasted content", () => {
  it("are removed from text, marks' attributes and nodes' attributes; the rest is kept", () => {
    const link = m.link.create({ href: "https://example.org/\u202e", title: "a\u2066b" });
    const pasted = n.doc.create(null, [
      n.paragraph.create(null, [schema.text("access \u202egranted", [link]), schema.text(" plain")]),
      n.code_block.create(null, [schema.text("ok = 1 \u2066// no\u2069")]),
      n.paragraph.create(null, [schema.text("\u202a")]),
    ]);
    const clean = sliceWithoutBidiControls(new Slice(pasted.content, 0, 0));
    const json = JSON.stringify(clean.content.toJSON());
    expect(hasBidiControl(json)).toBe(false);
    expect(clean.content.child(0).textContent).toBe("access granted plain");
    expect(clean.content.child(0).firstChild!.marks[0]!.attrs).toMatchObject({ href: "https://example.org/", title: "ab" });
    expect(clean.content.child(1).textContent).toBe("ok = 1 // no");
    // A paragraph that held only a control is kept, empty.
    expect(clean.content.childCount).toBe(3);
    expect(clean.content.child(2).childCount).toBe(0);
  });
});
