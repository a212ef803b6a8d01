import type { Token } from "markdown-it";
import { ContentError } from "../errors";
import { isSafeHref, MARK_NAMES, type MarkName, type PMJSON, type PMMarkJSON } from "../schema";
import { isSectionLabel } from "./label";
import type { ParsedReference } from "./types";

const NOTE_PREFIX = /^note:\s*/i;

/** Throws the importer's error for `line`. */
export function markdownError(line: number, message: string): never {
  throw new ContentError("invalid_markdown", message, { line });
}

/** 1-based first line of a block token (or `fallback` when markdown-it gave no map). */
export function lineOf(token: Token | undefined, fallback: number): number {
  return token?.map ? token.map[0] + 1 : fallback;
}

/**
 * Plain text of an inline token: marks dropped, soft breaks as spaces, hard breaks as
 * line breaks, `[[LABEL]]` as the label.
 */
export function inlinePlainText(inline: Token): string {
  let text = "";
  for (const child of inline.children ?? []) {
    if (child.type === "softbreak") text += " ";
    else if (child.type === "hardbreak") text += "\n";
    else text += child.content;
  }
  return text.trim();
}

/**
 * Converts the block tokens of one section body into the children of a `doc`, and
 * collects the cross-references they hold into `references`.
 */
export class BodyConverter {
  private pos = 0;

  constructor(
    private readonly tokens: readonly Token[],
    private readonly section: string,
    private readonly sectionLine: number,
    private readonly references: ParsedReference[],
  ) {}

  convert(): PMJSON[] {
    return this.blocks(null);
  }

  private blocks(close: string | null): PMJSON[] {
    const blocks: PMJSON[] = [];
    while (this.pos < this.tokens.length) {
      if (this.tokens[this.pos]!.type === close) {
        this.pos++;
        return blocks;
      }
      blocks.push(this.block());
    }
    return blocks;
  }

  private block(): PMJSON {
    const token = this.tokens[this.pos++]!;
    const line = lineOf(token, this.sectionLine);
    switch (token.type) {
      case "paragraph_open":
        return this.paragraph();
      case "blockquote_open":
        return this.quoteOrNote(line);
      case "bullet_list_open":
        return { type: "bullet_list", content: this.blocks("bullet_list_close") };
      case "ordered_list_open":
        return { type: "ordered_list", attrs: { order: Number(token.attrGet("start") ?? 1) }, content: this.blocks("ordered_list_close") };
      case "list_item_open": {
        const content = this.blocks("list_item_close");
        if (content[0]?.type !== "paragraph") content.unshift({ type: "paragraph" });
        return { type: "list_item", content };
      }
      case "fence":
      case "code_block": {
        const text = token.content.replace(/\n$/, "");
        return text === "" ? { type: "code_block" } : { type: "code_block", content: [{ type: "text", text }] };
      }
      case "heading_open":
        return markdownError(line, `The heading at line ${line} is inside a quote or list; section headings must start a line of their own.`);
      case "hr":
        return markdownError(line, `Line ${line} has a horizontal rule, which section bodies do not support.`);
      default:
        return markdownError(line, `Line ${line} has Markdown (${token.type}) that section bodies do not support.`);
    }
  }

  private paragraph(): PMJSON {
    const inline = this.tokens[this.pos]!;
    this.pos += 2; // the inline token and paragraph_close
    const content = this.inline(inline);
    return content.length === 0 ? { type: "paragraph" } : { type: "paragraph", content };
  }

  // A quote whose first paragraph starts with "Note:" or "**Note:**" is an informative note.
  private quoteOrNote(line: number): PMJSON {
    const isNote = this.tokens[this.pos]?.type === "paragraph_open" && stripNotePrefix(this.tokens[this.pos + 1]);
    const content = this.blocks("blockquote_close");
    if (!isNote) return { type: "blockquote", content: content.length > 0 ? content : [{ type: "paragraph" }] };
    if (content.some((block) => block.type !== "paragraph")) {
      markdownError(line, `The note at line ${line} may contain only paragraphs, not lists, quotes or code.`);
    }
    const paragraphs = content.filter((block) => block.content !== undefined);
    if (paragraphs.length === 0) markdownError(line, `The note at line ${line} has no text after "Note:".`);
    return { type: "note", content: paragraphs };
  }

  private inline(inline: Token): PMJSON[] {
    const nodes: PMJSON[] = [];
    let marks: PMMarkJSON[] = [];
    let line = lineOf(inline, this.sectionLine);
    const addMark = (mark: PMMarkJSON) => {
      marks = withMark(marks, mark);
    };
    const removeMark = (type: MarkName) => {
      marks = marks.filter((mark) => mark.type !== type);
    };
    const addText = (text: string, textMarks: PMMarkJSON[]) => {
      if (text === "") return;
      const last = nodes[nodes.length - 1];
      if (last?.type === "text" && JSON.stringify(last.marks ?? []) === JSON.stringify(textMarks)) {
        last.text += text;
      } else {
        nodes.push(textMarks.length > 0 ? { type: "text", text, marks: textMarks } : { type: "text", text });
      }
    };

    for (const child of inline.children ?? []) {
      switch (child.type) {
        case "text":
          addText(child.content, marks);
          break;
        case "softbreak":
          if (nodes.length > 0) addText(" ", marks);
          line++;
          break;
        case "hardbreak":
          nodes.push({ type: "hard_break" });
          line++;
          break;
        case "code_inline":
          addText(child.content, withMark(marks, { type: "code" }));
          break;
        case "em_open":
          addMark({ type: "em" });
          break;
        case "em_close":
          removeMark("em");
          break;
        case "strong_open":
          addMark({ type: "strong" });
          break;
        case "strong_close":
          removeMark("strong");
          break;
        case "link_open": {
          const href = String(child.attrGet("href") ?? "");
          if (!isSafeHref(href)) {
            markdownError(line, `The link to "${href}" at line ${line} is not allowed; use an http(s), mailto or relative address.`);
          }
          const title = child.attrGet("title");
          addMark({ type: "link", attrs: { href, title: title === null ? null : String(title) } });
          break;
        }
        case "link_close":
          removeMark("link");
          break;
        case "xref": {
          const label = child.content;
          if (!isSectionLabel(label)) {
            markdownError(line, `The cross-reference [[${label}]] at line ${line} is not a valid label; write \\[[ for literal brackets.`);
          }
          this.references.push({ label, line, from: this.section });
          // No marks: the Yjs binding keeps marks on text only.
          nodes.push({ type: "xref", attrs: { section: "", label } });
          break;
        }
        case "image":
          markdownError(line, `Line ${line} has an image, which section bodies do not support.`);
        default:
          markdownError(line, `Line ${line} has inline Markdown (${child.type}) that section bodies do not support.`);
      }
    }
    return nodes;
  }
}

// ProseMirror keeps a node's marks in schema order.
function withMark(marks: readonly PMMarkJSON[], mark: PMMarkJSON): PMMarkJSON[] {
  return [...marks, mark].sort((a, b) => MARK_NAMES.indexOf(a.type) - MARK_NAMES.indexOf(b.type));
}

// Removes a leading "Note:" / "**Note:**" / "**Note**:" from a paragraph's inline token.
// Returns whether one was found.
function stripNotePrefix(inline: Token | undefined): boolean {
  if (!inline?.children) return false;
  // markdown-it leaves empty text tokens around emphasis delimiters.
  const children = inline.children.filter((token) => !(token.type === "text" && token.content === ""));
  const [first, second, third, fourth] = children;
  let rest: Token[];
  if (first?.type === "text" && NOTE_PREFIX.test(first.content)) {
    first.content = first.content.replace(NOTE_PREFIX, "");
    rest = children;
  } else if (first?.type === "strong_open" && second?.type === "text" && third?.type === "strong_close") {
    if (/^note:$/i.test(second.content)) {
      rest = children.slice(3);
    } else if (/^note$/i.test(second.content) && fourth?.type === "text" && fourth.content.startsWith(":")) {
      fourth.content = fourth.content.slice(1);
      rest = children.slice(3);
    } else {
      return false;
    }
  } else {
    return false;
  }
  // Blanks between the prefix and the note's text go; line breaks stay as soft breaks,
  // which count lines but add no text at the start of a paragraph.
  const breaks: Token[] = [];
  let index = 0;
  for (; index < rest.length; index++) {
    const token = rest[index]!;
    if (isBreak(token)) {
      token.type = "softbreak";
      breaks.push(token);
    } else if (!(token.type === "text" && token.content.trim() === "")) {
      break;
    }
  }
  const text = rest.slice(index);
  if (text[0]?.type === "text") text[0].content = text[0].content.trimStart();
  inline.children = [...breaks, ...text];
  return true;
}

function isBreak(token: Token): boolean {
  return token.type === "softbreak" || token.type === "hardbreak";
}
