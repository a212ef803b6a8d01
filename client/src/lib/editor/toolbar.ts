import { isSafeHref, schema } from "@codewright/shared";
import { lift, setBlockType, toggleMark, wrapIn } from "prosemirror-commands";
import type { MarkType, Node, NodeType } from "prosemirror-model";
import { liftListItem, wrapInList } from "prosemirror-schema-list";
import type { Command, EditorState } from "prosemirror-state";
import { redoCommand, undoCommand } from "y-prosemirror";

const { nodes, marks } = schema;

/** The marks the toolbar toggles; links have their own command. */
export type ToggledMark = "strong" | "em" | "code";

/** The block kinds the toolbar switches between. */
export type BlockKind = "paragraph" | "bullet_list" | "ordered_list" | "blockquote" | "code_block" | "note";

/** The toolbar's popovers: the link form and the cross-reference search. */
export type ToolbarPopover = "link" | "xref";

/** Whether a toolbar control is on here, and whether it can act here. */
export interface ControlState {
  active: boolean;
  enabled: boolean;
}

/** Everything the toolbar shows for one editor state. */
export interface ToolbarState {
  marks: Record<ToggledMark, ControlState>;
  blocks: Record<BlockKind, ControlState>;
  /** The link at the selection (its href), or null; `enabled` when a link can be set here. */
  link: ControlState & { href: string | null };
  xref: ControlState;
  undo: boolean;
  redo: boolean;
}

/** Whether `type` is on for the whole selection (or would be typed, for a cursor). */
export function markActive(state: EditorState, type: MarkType): boolean {
  const { from, to, empty, $from } = state.selection;
  if (empty) return type.isInSet(state.storedMarks ?? $from.marks()) !== undefined;
  return state.doc.rangeHasMark(from, to, type);
}

/** Toggles a mark over the selection. */
export function toggleMarkCommand(name: ToggledMark): Command {
  return toggleMark(marks[name]);
}

/** The nearest ancestor of the selection's start of one of `types`, with its depth. */
function ancestor(state: EditorState, types: NodeType[]): { node: Node; depth: number } | null {
  const { $from } = state.selection;
  for (let depth = $from.depth; depth > 0; depth--) {
    const node = $from.node(depth);
    if (types.includes(node.type)) return { node, depth };
  }
  return null;
}

const lists = [nodes.bullet_list, nodes.ordered_list];

/** Whether the selection is in a block of `kind`: the text block itself, or its innermost wrapper. */
export function blockActive(state: EditorState, kind: BlockKind): boolean {
  const type = nodes[kind];
  if (kind === "paragraph" || kind === "code_block") return state.selection.$from.parent.type === type;
  if (kind === "bullet_list" || kind === "ordered_list") return ancestor(state, lists)?.node.type === type;
  return ancestor(state, [type]) !== null;
}

/** Turns the list around the selection into a list of `type`, keeping its items. */
function retypeList(type: NodeType): Command {
  return (state, dispatch) => {
    const list = ancestor(state, lists);
    if (!list || list.node.type === type) return false;
    const pos = state.selection.$from.before(list.depth);
    dispatch?.(state.tr.setNodeMarkup(pos, type, type === nodes.ordered_list ? { order: 1 } : null).scrollIntoView());
    return true;
  };
}

/**
 * Switches the selected blocks to `kind`, or out of it when they already are: a paragraph;
 * a code block (back to paragraph); a bullet or ordered list (lifted out, or the other kind
 * of list retyped); a block quote or note (wrapped, or the block lifted out of it).
 */
export function toggleBlock(kind: BlockKind): Command {
  return (state, dispatch) => {
    const active = blockActive(state, kind);
    switch (kind) {
      case "paragraph":
        return setBlockType(nodes.paragraph)(state, dispatch);
      case "code_block":
        return setBlockType(active ? nodes.paragraph : nodes.code_block)(state, dispatch);
      case "bullet_list":
      case "ordered_list":
        if (active) return liftListItem(nodes.list_item)(state, dispatch);
        return retypeList(nodes[kind])(state, dispatch) || wrapInList(nodes[kind])(state, dispatch);
      case "blockquote":
      case "note":
        if (active) return lift(state, dispatch);
        return wrapIn(nodes[kind])(state, dispatch);
    }
  };
}

/** The range of the link mark around the cursor or selection start, or null. */
export function linkRange(state: EditorState): { from: number; to: number; href: string } | null {
  const { $from } = state.selection;
  const parent = $from.parent;
  const index = $from.index();
  const offsetStart = $from.start();
  // The link may end right before the cursor: look at the node before it too.
  const candidates = [index, index - 1].filter((i) => i >= 0 && i < parent.childCount);
  for (const i of candidates) {
    const mark = marks.link.isInSet(parent.child(i).marks);
    if (!mark) continue;
    let start = i;
    let end = i + 1;
    while (start > 0 && mark.isInSet(parent.child(start - 1).marks)) start--;
    while (end < parent.childCount && mark.isInSet(parent.child(end).marks)) end++;
    let from = offsetStart;
    for (let j = 0; j < start; j++) from += parent.child(j).nodeSize;
    let to = from;
    for (let j = start; j < end; j++) to += parent.child(j).nodeSize;
    return { from, to, href: mark.attrs.href as string };
  }
  return null;
}

/**
 * Links the selection to `href`, or re-targets the link around the cursor; with a plain
 * cursor outside a link, inserts `href` itself as linked text. Refuses (returns false)
 * an address `isSafeHref` rejects, and places where links cannot go (code).
 */
export function setLink(href: string): Command {
  return (state, dispatch) => {
    const target = href.trim();
    if (!isSafeHref(target)) return false;
    const { from, to, empty, $from } = state.selection;
    if (!$from.parent.type.allowsMarkType(marks.link)) return false;
    const mark = marks.link.create({ href: target });
    if (dispatch) {
      const tr = state.tr;
      const around = empty ? linkRange(state) : null;
      if (around) tr.removeMark(around.from, around.to, marks.link).addMark(around.from, around.to, mark);
      else if (empty) tr.insert(from, schema.text(target, [...$from.marks().filter((m) => m.type !== marks.link), mark]));
      else tr.removeMark(from, to, marks.link).addMark(from, to, mark);
      dispatch(tr.scrollIntoView());
    }
    return true;
  };
}

/** Removes the link around the cursor, or every link in the selection. */
export const removeLink: Command = (state, dispatch) => {
  const { from, to, empty } = state.selection;
  const range = empty ? linkRange(state) : state.doc.rangeHasMark(from, to, marks.link) ? { from, to } : null;
  if (!range) return false;
  dispatch?.(state.tr.removeMark(range.from, range.to, marks.link).scrollIntoView());
  return true;
};

/** Inserts a cross-reference to `section` in place of the selection. `label` is kept for when the target is gone. */
export function insertXref(section: { id: string; label: string }): Command {
  return (state, dispatch) => {
    const { $from } = state.selection;
    if ($from.parent.type.spec.code || !$from.parent.canReplaceWith($from.index(), $from.index(), nodes.xref)) return false;
    if (dispatch) dispatch(state.tr.replaceSelectionWith(nodes.xref.create({ section: section.id, label: section.label }), false).scrollIntoView());
    return true;
  };
}

const control = (state: EditorState, command: Command, active: boolean): ControlState => ({ active, enabled: active || command(state) });

/** What the toolbar shows for `state`. */
export function toolbarState(state: EditorState): ToolbarState {
  const mark = (name: ToggledMark) => control(state, toggleMarkCommand(name), markActive(state, marks[name]));
  const block = (kind: BlockKind) => control(state, toggleBlock(kind), blockActive(state, kind));
  const link = linkRange(state);
  const linkable = state.selection.$from.parent.type.allowsMarkType(marks.link);
  return {
    marks: { strong: mark("strong"), em: mark("em"), code: mark("code") },
    blocks: {
      paragraph: block("paragraph"),
      bullet_list: block("bullet_list"),
      ordered_list: block("ordered_list"),
      blockquote: block("blockquote"),
      code_block: block("code_block"),
      note: block("note"),
    },
    link: { active: link !== null || (!state.selection.empty && markActive(state, marks.link)), enabled: linkable, href: link?.href ?? null },
    xref: { active: false, enabled: insertXref({ id: "", label: "" })(state) },
    undo: undoCommand(state) === true,
    redo: redoCommand(state) === true,
  };
}
