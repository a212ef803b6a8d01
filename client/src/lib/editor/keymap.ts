import { schema } from "@codewright/shared";
import { baseKeymap, chainCommands, exitCode } from "prosemirror-commands";
import { InputRule, inputRules, textblockTypeInputRule, undoInputRule, wrappingInputRule } from "prosemirror-inputrules";
import { keymap } from "prosemirror-keymap";
import { liftListItem, sinkListItem, splitListItem } from "prosemirror-schema-list";
import type { Command, Plugin } from "prosemirror-state";
import { redoCommand, undoCommand } from "y-prosemirror";
import { toggleBlock, toggleMarkCommand } from "./toolbar";

const { nodes } = schema;

const insertHardBreak: Command = (state, dispatch) => {
  dispatch?.(state.tr.replaceSelectionWith(nodes.hard_break.create()).scrollIntoView());
  return true;
};

/** Shortcuts the toolbar shows in its tooltips, by action. */
export const SHORTCUTS = {
  strong: "Mod-b",
  em: "Mod-i",
  code: "Mod-`",
  link: "Mod-k",
  undo: "Mod-z",
  redo: "Mod-Shift-z",
  bullet_list: "Mod-Shift-8",
  ordered_list: "Mod-Shift-7",
} as const;

/** A shortcut for people: `Mod-Shift-z` reads `Ctrl+Shift+Z`, or `⌘⇧Z` on a Mac. */
export function shortcutLabel(shortcut: string, mac: boolean): string {
  const keys = shortcut.split("-").map((key) => (key.length === 1 ? key.toUpperCase() : key));
  if (mac) return keys.map((key) => ({ Mod: "⌘", Shift: "⇧", Alt: "⌥" })[key] ?? key).join("");
  return keys.map((key) => (key === "Mod" ? "Ctrl" : key)).join("+");
}

/**
 * The editor's keys. Undo and redo go through the Yjs undo manager, so they take back only
 * this person's changes. `onLink` opens the link form (Mod-k).
 */
export function editorKeymap(onLink: () => void): Plugin[] {
  const item = nodes.list_item;
  const keys: Record<string, Command> = {
    [SHORTCUTS.undo]: undoCommand,
    [SHORTCUTS.redo]: redoCommand,
    "Mod-y": redoCommand,
    Backspace: undoInputRule,
    [SHORTCUTS.strong]: toggleMarkCommand("strong"),
    "Mod-B": toggleMarkCommand("strong"),
    [SHORTCUTS.em]: toggleMarkCommand("em"),
    "Mod-I": toggleMarkCommand("em"),
    [SHORTCUTS.code]: toggleMarkCommand("code"),
    [SHORTCUTS.link]: () => {
      onLink();
      return true;
    },
    [SHORTCUTS.bullet_list]: toggleBlock("bullet_list"),
    [SHORTCUTS.ordered_list]: toggleBlock("ordered_list"),
    Enter: splitListItem(item),
    "Shift-Enter": chainCommands(exitCode, insertHardBreak),
    "Mod-Enter": chainCommands(exitCode, insertHardBreak),
    // Tab indents list items only; elsewhere it moves focus as usual.
    Tab: sinkListItem(item),
    "Shift-Tab": liftListItem(item),
    "Mod-]": sinkListItem(item),
    "Mod-[": liftListItem(item),
  };
  return [inputRules({ rules: blockInputRules() }), keymap(keys), keymap(baseKeymap)];
}

/** Markdown-like starts of a block: `- ` or `* ` (bullets), `1. ` (numbers), `> ` (quote), three backticks (code). */
function blockInputRules(): InputRule[] {
  return [
    wrappingInputRule(/^\s*>\s$/, nodes.blockquote),
    wrappingInputRule(/^\s*([-+*])\s$/, nodes.bullet_list),
    wrappingInputRule(
      /^(\d+)\.\s$/,
      nodes.ordered_list,
      (match) => ({ order: Number(match[1]) }),
      (match, node) => node.childCount + (node.attrs.order as number) === Number(match[1]),
    ),
    textblockTypeInputRule(/^```$/, nodes.code_block),
  ];
}
