import type { MarkdownIt, StateInline } from "markdown-it";

const OPEN_BRACKET = 0x5b;

/**
 * markdown-it inline rule turning `[[…]]` into an `xref` token whose `content` is the
 * text between the brackets. Whether that text is a valid label is left to the
 * converter, which knows the line and reports a malformed reference.
 */
export function xrefRule(md: MarkdownIt): void {
  md.inline.ruler.before("link", "xref", (state: StateInline, silent: boolean): boolean => {
    const { src, pos, posMax } = state;
    if (src.charCodeAt(pos) !== OPEN_BRACKET || src.charCodeAt(pos + 1) !== OPEN_BRACKET) return false;
    const end = src.indexOf("]]", pos + 2);
    if (end < 0 || end + 2 > posMax) return false;
    const inner = src.slice(pos + 2, end);
    if (inner.includes("[") || inner.includes("\n")) return false;
    if (!silent) state.push("xref", "", 0).content = inner;
    state.pos = end + 2;
    return true;
  });
}
