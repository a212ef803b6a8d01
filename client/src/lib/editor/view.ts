import { schema } from "@codewright/shared";
import type { Node } from "prosemirror-model";
import { EditorState } from "prosemirror-state";
import { EditorView, type DecorationAttrs, type NodeView } from "prosemirror-view";
import { yCursorPlugin, ySyncPlugin, yUndoPlugin } from "y-prosemirror";
import type { XrefLookup } from "../section-body";
import type { Collaboration } from "./collaboration.svelte";
import { bidiControlFilter } from "./bidi";
import { editorKeymap } from "./keymap";

export interface SectionEditorOptions {
  /** The room connection the view edits; it outlives the view. */
  collaboration: Collaboration;
  /** Finds cross-reference targets in the current outline; asked whenever one renders. */
  lookup: () => XrefLookup;
  /** Asked on every update: whether typing is allowed now. */
  editable: () => boolean;
  /** Called with every new editor state (for the toolbar). */
  onState: (state: EditorState) => void;
  /** Called for the link shortcut. */
  onLink: () => void;
  /** The accessible name of the text area. */
  label: string;
}

const COLOR = /^#[0-9a-f]{6}$/i;
const safeColor = (color: unknown) => (typeof color === "string" && COLOR.test(color) ? color : "#586174");

/** Another person's caret: a coloured bar with their name above it. Built with the DOM API only. */
function caret(user: { name?: unknown; color?: unknown }): HTMLElement {
  const color = safeColor(user.color);
  const bar = document.createElement("span");
  bar.className = "ProseMirror-yjs-cursor";
  bar.style.borderColor = color;
  const name = document.createElement("span");
  name.className = "ProseMirror-yjs-cursor-name";
  name.style.backgroundColor = color;
  name.textContent = typeof user.name === "string" ? user.name : "Someone";
  // Word joiners keep the caret from breaking a line on its own.
  bar.append("\u2060", name, "\u2060");
  return bar;
}

function selection(user: { color?: unknown }): DecorationAttrs {
  return { class: "ProseMirror-yjs-selection", style: `background-color: ${safeColor(user.color)}33` };
}

/** A cross-reference in the editor: the target's current number, never a link (a click should not leave the page). */
function xrefView(node: Node, lookup: () => XrefLookup): NodeView {
  const { section, label } = node.attrs as { section: string; label: string };
  const target = lookup()(section);
  const dom = document.createElement("span");
  dom.className = target ? "xref" : "xref xref-missing";
  dom.dataset.section = section;
  dom.textContent = target ? target.number : label;
  dom.title = target ? `Cross-reference to ${target.label}: ${target.title}` : `${label}: this section no longer exists`;
  return { dom };
}

/** An informative note, labelled as in the reader; the label is not part of the text. */
function noteView(): NodeView {
  const dom = document.createElement("aside");
  dom.className = "note";
  const tag = document.createElement("span");
  tag.className = "note-label";
  tag.contentEditable = "false";
  tag.textContent = "Note";
  const contentDOM = document.createElement("div");
  contentDOM.className = "note-body";
  dom.append(tag, contentDOM);
  return { dom, contentDOM };
}

/**
 * A ProseMirror editor of a section body, bound to its room with y-prosemirror: the shared
 * schema, others' carets and selections with their names and colours, undo and redo of one's
 * own changes only (the Yjs undo manager, not prosemirror-history), and the editor's keys.
 * The caller destroys the view before the collaboration.
 */
export function createSectionEditor(place: HTMLElement, options: SectionEditorOptions): EditorView {
  const { collaboration } = options;
  const state = EditorState.create({
    schema,
    plugins: [
      ySyncPlugin(collaboration.body),
      yCursorPlugin(collaboration.awareness, { cursorBuilder: caret, selectionBuilder: selection }),
      yUndoPlugin(),
      bidiControlFilter(),
      ...editorKeymap(options.onLink),
    ],
  });
  const view = new EditorView(place, {
    state,
    editable: () => options.editable(),
    nodeViews: {
      xref: (node) => xrefView(node, options.lookup),
      note: () => noteView(),
    },
    handleDOMEvents: {
      // A click in the text places the caret; it must not follow a link away from the editor.
      click: (_view, event) => {
        if ((event.target as Element | null)?.closest?.("a")) event.preventDefault();
        return false;
      },
    },
    attributes: {
      class: "section-editor-text",
      role: "textbox",
      "aria-multiline": "true",
      "aria-label": options.label,
      spellcheck: "true",
    },
    dispatchTransaction(this: EditorView, tr) {
      const next = this.state.apply(tr);
      this.updateState(next);
      options.onState(next);
    },
  });
  options.onState(view.state);
  return view;
}
