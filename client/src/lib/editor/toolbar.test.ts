import { describe, expect, it } from "vitest";
import { schema } from "@codewright/shared";
import type { Node } from "prosemirror-model";
import { EditorState, TextSelection, type Command } from "prosemirror-state";
import { blockActive, insertXref, linkRange, removeLink, setLink, toggleBlock, toggleMarkCommand, toolbarState } from "./toolbar";

const { nodes: n, marks: m } = schema;
const p = (...content: (Node | string)[]) => n.paragraph.create(null, content.map((c) => (typeof c === "string" ? schema.text(c) : c)));
const doc = (...blocks: Node[]) => n.doc.create(null, blocks);

/** A state with the selection from `from` to `to` (document positions). */
function stateOf(d: Node, from: number, to = from): EditorState {
  return EditorState.create({ doc: d, selection: TextSelection.create(d, from, to) });
}

/** Runs `command`, failing the test when it does not apply. */
function run(state: EditorState, command: Command): EditorState {
  let next = state;
  expect(command(state, (tr) => (next = state.apply(tr)))).toBe(true);
  return next;
}

describe("toolbar commands", () => {
  it("toggles marks over the selection", () => {
    const state = run(stateOf(doc(p("hello world")), 1, 6), toggleMarkCommand("strong"));
    expect(toolbarState(state).marks.strong).toEqual({ active: true, enabled: true });
    expect(state.doc.firstChild!.firstChild!.marks.map((mark) => mark.type.name)).toEqual(["strong"]);
  });

  it("switches blocks to lists, quotes, notes and code, and back", () => {
    let state = stateOf(doc(p("one")), 2);
    for (const kind of ["bullet_list", "ordered_list", "blockquote", "note", "code_block"] as const) {
      const on = run(state, toggleBlock(kind));
      expect(blockActive(on, kind)).toBe(true);
      const off = run(on, toggleBlock(kind));
      expect(blockActive(off, kind)).toBe(false);
      expect(off.doc.textContent).toBe("one");
    }
    state = run(state, toggleBlock("bullet_list"));
    state = run(state, toggleBlock("ordered_list"));
    expect(state.doc.firstChild!.type).toBe(n.ordered_list);
    expect(state.doc.firstChild!.childCount).toBe(1);
  });

  it("refuses marks and cross-references inside code", () => {
    const state = stateOf(doc(n.code_block.create(null, [schema.text("x")])), 1, 2);
    const toolbar = toolbarState(state);
    expect(toolbar.marks.strong.enabled).toBe(false);
    expect(toolbar.xref.enabled).toBe(false);
    expect(toolbar.link.enabled).toBe(false);
  });

  it("links a selection only to safe addresses", () => {
    const state = stateOf(doc(p("see the guide")), 9, 14);
    expect(setLink("javascript:alert(1)")(state)).toBe(false);
    expect(setLink(" data:text/html,x")(state)).toBe(false);
    const linked = run(state, setLink(" https://example.org/guide "));
    expect(linkRange(stateOf(linked.doc, 11))).toEqual({ from: 9, to: 14, href: "https://example.org/guide" });
    const retargeted = run(stateOf(linked.doc, 11), setLink("/standards/x"));
    expect(linkRange(stateOf(retargeted.doc, 10))?.href).toBe("/standards/x");
    const unlinked = run(stateOf(retargeted.doc, 11), removeLink);
    expect(unlinked.doc.rangeHasMark(0, unlinked.doc.content.size, m.link)).toBe(false);
  });

  it("inserts the address as linked text at a bare cursor", () => {
    const linked = run(stateOf(doc(p("mail ")), 6), setLink("mailto:editors@example.org"));
    expect(linked.doc.textContent).toBe("mail mailto:editors@example.org");
    expect(linkRange(stateOf(linked.doc, 8))?.href).toBe("mailto:editors@example.org");
  });

  it("inserts a cross-reference with the target's id and label", () => {
    const state = run(stateOf(doc(p("as  says")), 4), insertXref({ id: "s-21", label: "BC-2.1" }));
    expect(state.doc.firstChild!.child(1).toJSON()).toEqual({ type: "xref", attrs: { section: "s-21", label: "BC-2.1" } });
  });
});
