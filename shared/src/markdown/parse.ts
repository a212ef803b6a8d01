/*
 * The Markdown format of a standard, as read by the importer (see FORMAT.md):
 *
 *   # Building Code for …                 the standard's title (first line)
 *   Plain paragraphs.                     the description
 *   ## Design {#BC-1}                     a top-level section (a group)
 *   ### Use memory-safe languages {#BC-1.1}   a nested section (an element); #### deeper
 *   Body: paragraphs, - / * / 1. lists, > quotes, ``` fences, hard breaks,
 *   [links](https://…), *em*, **strong**, `code`, and [[BC-2.3]] cross-references.
 *   > **Note:** …                         an informative note (paragraphs only)
 *
 * Labels match SECTION_LABEL_PATTERN and are unique. A heading may go at most one level
 * deeper than the one before it. Errors are ContentError `invalid_markdown` with `line`.
 */
import markdownit from "markdown-it";
import type { Token } from "markdown-it";
import { assertNoBidiControls, parseContent, emptyContent } from "../content";
import { isContentError } from "../errors";
import type { PMJSON } from "../schema";
import { BodyConverter, inlinePlainText, lineOf, markdownError } from "./body";
import { LongText, Title } from "../api/common";
import { isSectionLabel } from "./label";
import { checkText } from "./text-rules";
import type { ParsedReference, ParsedSection, ParsedStandard } from "./types";
import { xrefRule } from "./xref-rule";

const HEADING_LABEL = /\{#([^{}]*)\}$/;

function createParser() {
  const md = markdownit("commonmark", { html: false }).use(xrefRule);
  // Unsafe links are reported by the converter instead of silently left as text.
  md.validateLink = () => true;
  return md;
}

const md = createParser();

/**
 * Reads a standard written in the Markdown format above. Sections come in source
 * (outline) order; cross-references keep `section: ""` and are listed in `references`
 * for `resolveReferences`. Throws `ContentError` `invalid_markdown` with the 1-based
 * `line` of the first problem.
 */
export function parseStandardMarkdown(text: string): ParsedStandard {
  const tokens = md.parse(text.replace(/^\uFEFF/, ""), {});
  const first = tokens[0];
  if (first?.type !== "heading_open" || first.tag !== "h1") {
    markdownError(lineOf(first, 1), `The standard must begin with its title, written "# Title", at line ${lineOf(first, 1)}.`);
  }
  const title = inlinePlainText(tokens[1]!);
  if (title === "") markdownError(lineOf(first, 1), `The title at line ${lineOf(first, 1)} is empty.`);
  checkText(Title, title, lineOf(first, 1), `The title at line ${lineOf(first, 1)}`);

  let index = 3; // heading_open, inline, heading_close
  const description: string[] = [];
  const descriptionLine = lineOf(tokens[index], 1);
  for (; index < tokens.length && tokens[index]!.type !== "heading_open"; index += 3) {
    const token = tokens[index]!;
    if (token.type !== "paragraph_open") {
      markdownError(lineOf(token, 1), `The description (line ${lineOf(token, 1)}) may contain only paragraphs; sections start with "##".`);
    }
    const paragraph = inlinePlainText(tokens[index + 1]!);
    checkText(LongText, paragraph, lineOf(token, 1), `The description at line ${lineOf(token, 1)}`);
    description.push(paragraph);
  }
  checkText(LongText, description.join("\n\n"), descriptionLine, `The description starting at line ${descriptionLine}`);

  const sections: ParsedSection[] = [];
  const references: ParsedReference[] = [];
  const lineOfLabel = new Map<string, number>();
  const open: ParsedSection[] = []; // the current section and its ancestors, outermost first
  while (index < tokens.length) {
    const headingOpen = tokens[index]!;
    const line = lineOf(headingOpen, 1);
    const depth = Number(headingOpen.tag.slice(1)) - 1;
    if (depth === 0) markdownError(line, `Line ${line} is a second "#" title; sections start with "##".`);
    if (depth > open.length + 1) {
      markdownError(line, `The heading at line ${line} skips a level: use at most ${"#".repeat(open.length + 2)} here.`);
    }
    const { label, title: sectionTitle } = readHeading(tokens[index + 1]!, line);
    const earlier = lineOfLabel.get(label);
    if (earlier !== undefined) markdownError(line, `The label ${label} at line ${line} is already used at line ${earlier}.`);
    lineOfLabel.set(label, line);

    index += 3;
    const bodyStart = index;
    while (index < tokens.length && !(tokens[index]!.type === "heading_open" && tokens[index]!.level === 0)) index++;
    const body = new BodyConverter(tokens.slice(bodyStart, index), label, line, references).convert();

    open.length = depth - 1;
    const section: ParsedSection = {
      label,
      title: sectionTitle,
      depth,
      parentLabel: open[depth - 2]?.label ?? null,
      line,
      content: validated(body, line),
    };
    open.push(section);
    sections.push(section);
  }

  return { title, description: description.join("\n\n"), sections, references };
}

function readHeading(inline: Token, line: number): { label: string; title: string } {
  const source = inline.content.trim();
  const match = HEADING_LABEL.exec(source);
  if (!match) markdownError(line, `The heading at line ${line} has no label; end it with {#LABEL}, e.g. {#BC-1.2}.`);
  const label = match[1]!.trim();
  if (!isSectionLabel(label)) {
    markdownError(line, `The label "${label}" at line ${line} is not valid: start with a letter, then up to 63 letters, digits, ".", "_" or "-".`);
  }
  const titleSource = source.slice(0, match.index).trim();
  const title = titleSource === "" ? "" : inlinePlainText(md.parseInline(titleSource, {})[0]!);
  if (title === "") markdownError(line, `The heading at line ${line} has a label but no title.`);
  checkText(Title, title, line, `The title of the heading at line ${line}`);
  return { label, title };
}

function validated(body: PMJSON[], line: number): PMJSON {
  if (body.length === 0) return emptyContent();
  try {
    const json = parseContent({ type: "doc", content: body }).toJSON() as PMJSON;
    assertNoBidiControls(json);
    return json;
  } catch (error) {
    if (isContentError(error)) markdownError(line, `The section at line ${line} cannot be stored: ${error.message}`);
    throw error;
  }
}
