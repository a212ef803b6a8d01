import { withoutBidiControls } from "@codewright/shared";
import { Fragment, Slice, type Mark, type Node } from "prosemirror-model";
import { Plugin } from "prosemirror-state";

/**
 * The server refuses section bodies holding bidirectional controls (U+202A–U+202E, U+2066–U+2069),
 * and a refused change would be sent again on every reconnect: so they never enter the editor.
 * Pasted and dropped content, and typed text (an input method can produce them), lose them here.
 */
export function bidiControlFilter(): Plugin {
  return new Plugin({
    props: {
      transformPastedText: (text) => withoutBidiControls(text),
      transformPasted: (slice) => sliceWithoutBidiControls(slice),
      handleTextInput(view, from, to, text) {
        const clean = withoutBidiControls(text);
        if (clean === text) return false;
        view.dispatch(clean ? view.state.tr.insertText(clean, from, to) : view.state.tr.delete(from, to));
        return true;
      },
    },
  });
}

/** `slice` with every bidirectional control removed from its text, attributes and marks. */
export function sliceWithoutBidiControls(slice: Slice): Slice {
  return new Slice(fragmentWithout(slice.content), slice.openStart, slice.openEnd);
}

function fragmentWithout(fragment: Fragment): Fragment {
  const nodes: Node[] = [];
  fragment.forEach((node) => {
    const clean = nodeWithout(node);
    if (clean) nodes.push(clean);
  });
  return Fragment.from(nodes);
}

function nodeWithout(node: Node): Node | null {
  const marks = node.marks.map(markWithout);
  if (node.isText) {
    const text = withoutBidiControls(node.text ?? "");
    return text ? node.type.schema.text(text, marks) : null;
  }
  return node.type.create(attrsWithout(node.attrs), fragmentWithout(node.content), marks);
}

function markWithout(mark: Mark): Mark {
  return mark.type.create(attrsWithout(mark.attrs));
}

function attrsWithout(attrs: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(attrs).map(([key, value]) => [key, typeof value === "string" ? withoutBidiControls(value) : value]));
}
