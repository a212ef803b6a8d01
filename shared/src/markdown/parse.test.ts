import { describe, expect, it } from "vitest";
import { ContentError } from "../errors";
import type { PMJSON } from "../schema";
import { parseStandardMarkdown } from "./parse";

const lines = (...source: string[]) => source.join("\n");
const standard = (...body: string[]) => lines("# Test Standard", "", "A description.", "", "## Group {#G-1}", "", "### Element {#G-1.1}", "", ...body);
const paragraph = (...content: PMJSON[]): PMJSON => ({ type: "paragraph", content });
const text = (value: string, marks?: PMJSON["marks"]): PMJSON => (marks ? { type: "text", text: value, marks } : { type: "text", text: value });
const item = (...content: PMJSON[]): PMJSON => ({ type: "list_item", content });

/** The body of the element G-1.1 in `standard(...body)`. */
function body(...source: string[]): PMJSON[] {
  return parseStandardMarkdown(standard(...source)).sections[1]!.content.content!;
}

function markdownError(source: string): ContentError {
  try {
    parseStandardMarkdown(source);
  } catch (error) {
    if (error instanceof ContentError) return error;
    throw error;
  }
  throw new Error("expected parseStandardMarkdown to throw");
}

describe("parseStandardMarkdown: structure", () => {
  it("reads the title, the description and the outline", () => {
    const parsed = parseStandardMarkdown(
      lines(
        "# Building *Code*",
        "",
        "First paragraph of the",
        "description, with **marks**.",
        "",
        "Second paragraph.",
        "",
        "## Design {#BC-1}",
        "### Languages {#BC-1.1}",
        "#### Rust `unsafe` blocks {#BC-1.1.a}",
        "### Analysis {#BC-1.2}",
        "## Build {#BC-2} ##",
        "### Signing {#BC-2.1}",
      ),
    );
    expect(parsed.title).toBe("Building Code");
    expect(parsed.description).toBe("First paragraph of the description, with marks.\n\nSecond paragraph.");
    expect(parsed.sections.map(({ label, title, depth, parentLabel, line }) => ({ label, title, depth, parentLabel, line }))).toEqual([
      { label: "BC-1", title: "Design", depth: 1, parentLabel: null, line: 8 },
      { label: "BC-1.1", title: "Languages", depth: 2, parentLabel: "BC-1", line: 9 },
      { label: "BC-1.1.a", title: "Rust unsafe blocks", depth: 3, parentLabel: "BC-1.1", line: 10 },
      { label: "BC-1.2", title: "Analysis", depth: 2, parentLabel: "BC-1", line: 11 },
      { label: "BC-2", title: "Build", depth: 1, parentLabel: null, line: 12 },
      { label: "BC-2.1", title: "Signing", depth: 2, parentLabel: "BC-2", line: 13 },
    ]);
    expect(parsed.sections[0]!.content).toEqual({ type: "doc", content: [{ type: "paragraph" }] });
  });

  it("accepts a file without description and sections", () => {
    expect(parseStandardMarkdown("# Only a title\n")).toEqual({ title: "Only a title", description: "", sections: [], references: [] });
  });

  it("accepts a byte-order mark and CRLF line ends", () => {
    const parsed = parseStandardMarkdown("\uFEFF# T\r\n\r\n## G {#G}\r\n\r\ntext [[G]]\r\n");
    expect(parsed.sections[0]!.label).toBe("G");
    expect(parsed.references).toEqual([{ label: "G", line: 5, from: "G" }]);
  });

  it("allows going back up any number of levels", () => {
    const parsed = parseStandardMarkdown(lines("# T", "## A {#A}", "### B {#B}", "#### C {#C}", "## D {#D}"));
    expect(parsed.sections.map((s) => [s.label, s.parentLabel])).toEqual([["A", null], ["B", "A"], ["C", "B"], ["D", null]]);
  });
});

describe("parseStandardMarkdown: bodies", () => {
  it("converts paragraphs, marks, links and hard breaks", () => {
    expect(body("Plain *em* **strong** `code` [link](https://example.org \"Title\") <mailto:a@example.org>", "soft  ", "hard\\", "end")).toEqual([
      paragraph(
        text("Plain "),
        text("em", [{ type: "em" }]),
        text(" "),
        text("strong", [{ type: "strong" }]),
        text(" "),
        text("code", [{ type: "code" }]),
        text(" "),
        text("link", [{ type: "link", attrs: { href: "https://example.org", title: "Title" } }]),
        text(" "),
        text("mailto:a@example.org", [{ type: "link", attrs: { href: "mailto:a@example.org", title: null } }]),
        text(" soft"),
        { type: "hard_break" },
        text("hard"),
        { type: "hard_break" },
        text("end"),
      ),
    ]);
  });

  it("orders nested marks as the schema does", () => {
    expect(body("***both*** [**`x`**](#section-1)")).toEqual([
      paragraph(
        text("both", [{ type: "em" }, { type: "strong" }]),
        text(" "),
        text("x", [{ type: "link", attrs: { href: "#section-1", title: null } }, { type: "strong" }, { type: "code" }]),
      ),
    ]);
  });

  it("converts bullet, ordered and nested lists", () => {
    expect(body("- one", "* two", "", "0. zero", "1. one", "   - nested", "", "1) loose", "", "   second paragraph")).toEqual([
      { type: "bullet_list", content: [item(paragraph(text("one")))] },
      { type: "bullet_list", content: [item(paragraph(text("two")))] },
      {
        type: "ordered_list",
        attrs: { order: 0 },
        content: [item(paragraph(text("zero"))), item(paragraph(text("one")), { type: "bullet_list", content: [item(paragraph(text("nested")))] })],
      },
      { type: "ordered_list", attrs: { order: 1 }, content: [item(paragraph(text("loose")), paragraph(text("second paragraph")))] },
    ]);
  });

  it("gives an empty or code-first list item a leading paragraph", () => {
    expect(body("-", "-     indented code")).toEqual([
      { type: "bullet_list", content: [item({ type: "paragraph" }), item({ type: "paragraph" }, { type: "code_block", content: [text("indented code")] })] },
    ]);
  });

  it("converts block quotes and fenced code", () => {
    expect(body("> quoted", "> - item", "", "```c", "if (a < b) {", "  x();", "}", "```", "", "```", "```")).toEqual([
      { type: "blockquote", content: [paragraph(text("quoted")), { type: "bullet_list", content: [item(paragraph(text("item")))] }] },
      { type: "code_block", content: [text("if (a < b) {\n  x();\n}")] },
      { type: "code_block" },
    ]);
  });

  it("keeps Markdown inside code as text", () => {
    expect(body("`[[BC-1]]` and", "", "```", "[[BC-1]] *x*", "```")).toEqual([
      paragraph(text("[[BC-1]]", [{ type: "code" }]), text(" and")),
      { type: "code_block", content: [text("[[BC-1]] *x*")] },
    ]);
  });

  it("escapes HTML as text", () => {
    expect(body("<b>not bold</b>")).toEqual([paragraph(text("<b>not bold</b>"))]);
  });
});

describe("parseStandardMarkdown: notes", () => {
  const note = (...content: PMJSON[]): PMJSON => ({ type: "note", content });

  it.each([
    ["**Note:** text", "> **Note:** Informative *text*."],
    ["**Note**: text", "> **Note**: Informative *text*."],
    ["Note: text", "> Note: Informative *text*."],
    ["NOTE: text", "> NOTE:   Informative *text*."],
    ["the prefix on a line of its own", "> **Note:**\n> Informative *text*."],
    ["the prefix as a paragraph of its own", "> **Note:**\n>\n> Informative *text*."],
  ])("turns a quote starting with %s into a note", (_, source) => {
    expect(body(source)).toEqual([note(paragraph(text("Informative "), text("text", [{ type: "em" }]), text(".")))]);
  });

  it("keeps every paragraph of a note", () => {
    expect(body("> Note: first.", ">", "> second.")).toEqual([note(paragraph(text("first.")), paragraph(text("second.")))]);
  });

  it("leaves other quotes as quotes", () => {
    expect(body("> Notes: plural", "", "> A note: later")).toEqual([
      { type: "blockquote", content: [paragraph(text("Notes: plural"))] },
      { type: "blockquote", content: [paragraph(text("A note: later"))] },
    ]);
  });

  it("counts lines after a prefix on a line of its own", () => {
    const parsed = parseStandardMarkdown(standard("> **Note:**", "> see", "> [[G-1]]"));
    expect(parsed.references).toEqual([{ label: "G-1", line: 11, from: "G-1.1" }]);
  });
});

describe("parseStandardMarkdown: cross-references", () => {
  it("emits unresolved xref nodes and lists the references with their lines", () => {
    const parsed = parseStandardMarkdown(standard("See [[G-1]] and", "**[[Other_9.x]]**.", "", "- item [[G-1.1]]", "", "> [[G-1]]"));
    expect(parsed.sections[1]!.content.content).toEqual([
      paragraph(text("See "), { type: "xref", attrs: { section: "", label: "G-1" } }, text(" and "), { type: "xref", attrs: { section: "", label: "Other_9.x" } }, text(".")),
      { type: "bullet_list", content: [item(paragraph(text("item "), { type: "xref", attrs: { section: "", label: "G-1.1" } }))] },
      { type: "blockquote", content: [paragraph({ type: "xref", attrs: { section: "", label: "G-1" } })] },
    ]);
    expect(parsed.references).toEqual([
      { label: "G-1", line: 9, from: "G-1.1" },
      { label: "Other_9.x", line: 10, from: "G-1.1" },
      { label: "G-1.1", line: 12, from: "G-1.1" },
      { label: "G-1", line: 14, from: "G-1.1" },
    ]);
  });

  it("leaves escaped and unclosed brackets as text", () => {
    expect(body("\\[[G-1]] and [[G-1] and [single]")).toEqual([paragraph(text("[[G-1]] and [[G-1] and [single]"))]);
  });
});

describe("parseStandardMarkdown: errors", () => {
  it.each<[string, string, number, RegExp]>([
    ["an empty file", "", 1, /begin with its title/],
    ["a file starting with a paragraph", "Intro\n\n# Title", 1, /begin with its title/],
    ["a file starting with a section", "\n## Group {#G}", 2, /begin with its title/],
    ["an empty title", "#\n\n## G {#G}", 1, /title at line 1 is empty/],
    ["a list in the description", "# T\n\nIntro.\n\n- item\n\n## G {#G}", 5, /description .* only paragraphs/],
    ["a second title", "# T\n\n## G {#G}\n\n# Again", 5, /second "#" title/],
    ["a first section deeper than ##", "# T\n\n### G {#G}", 3, /skips a level: use at most ##/],
    ["a heading two levels deeper", "# T\n## G {#G}\n#### E {#E}", 3, /skips a level: use at most ###/],
    ["a heading without label", "# T\n\n## Group", 3, /no label/],
    ["a heading with an empty label", "# T\n\n## Group {#}", 3, /label "" .* not valid/],
    ["a label starting with a digit", "# T\n\n## Group {#1.2}", 3, /label "1.2" .* not valid/],
    ["a label with a space", "# T\n\n## Group {#BC 1}", 3, /label "BC 1" .* not valid/],
    ["a label of 65 characters", `# T\n\n## Group {#${"a".repeat(65)}}`, 3, /not valid/],
    ["a heading without title", "# T\n\n## {#G}", 3, /no title/],
    ["a duplicate label", "# T\n\n## A {#G}\n\n## B {#G}", 5, /G at line 5 is already used at line 3/],
    ["a heading inside a quote", "# T\n\n## G {#G}\n\n> ## Inner {#I}", 5, /inside a quote or list/],
    ["a horizontal rule", "# T\n\n## G {#G}\n\ntext\n\n---", 7, /horizontal rule/],
    ["an image", "# T\n\n## G {#G}\n\nline one\nsee ![diagram](https://example.org/d.png)", 6, /image/],
    ["a javascript: link", "# T\n\n## G {#G}\n\n[x](javascript:alert(1))", 5, /link to "javascript:alert\(1\)" .* not allowed/],
    ["a data: link", "# T\n\n## G {#G}\n\n<data:text/html,x>", 5, /not allowed/],
    ["an ftp link", "# T\n\n## G {#G}\n\n[x](ftp://example.org)", 5, /not allowed/],
    ["a malformed cross-reference", "# T\n\n## G {#G}\n\nsee [[1.2]]", 5, /\[\[1\.2\]\] .* not a valid label/],
    ["an empty cross-reference", "# T\n\n## G {#G}\n\ntext\nsee [[]]", 6, /\[\[\]\] .* not a valid label/],
    ["a note holding a list", "# T\n\n## G {#G}\n\n> **Note:** text\n> - item", 5, /note at line 5 may contain only paragraphs/],
    ["a note without text", "# T\n\n## G {#G}\n\n> **Note:**", 5, /note at line 5 has no text/],
    // The API's rules for titles and descriptions (`Title`, `LongText`) hold for imports too.
    ["a title of 100,000 characters", `# ${"T".repeat(100_000)}\n\n## G {#G}`, 1, /title at line 1 is longer than 300 characters/],
    ["a title of 301 characters", `# ${"T".repeat(301)}\n\n## G {#G}`, 1, /longer than 300/],
    ["a title with a bidi override", "# Safe \u202egnp.exe\n\n## G {#G}", 1, /title at line 1 .* not allowed \(U\+202E\)/],
    ["a title with a control character", "# Bell \u0007\n\n## G {#G}", 1, /not allowed \(U\+0007\)/],
    ["a title with a lone surrogate", "# Half \ud800\n\n## G {#G}", 1, /not allowed \(U\+D800\)/],
    ["a section title of 301 characters", `# T\n\n## G {#G}\n\n### ${"E".repeat(301)} {#E}`, 5, /heading at line 5 is longer than 300/],
    ["a section title with an isolate", "# T\n\n## G {#G}\n\n### Left \u2066right {#E}", 5, /heading at line 5 .* not allowed \(U\+2066\)/],
    ["a section title with an escape", "# T\n\n## G \u001b[31m {#G}", 3, /heading at line 3 .* not allowed \(U\+001B\)/],
    ["a description with a bidi override", "# T\n\nFine.\n\nNot \u202dfine.\n\n## G {#G}", 5, /description at line 5 .* not allowed \(U\+202D\)/],
    ["a description of 20,001 characters", `# T\n\n${"d".repeat(12_000)}\n\n${"d".repeat(7_999)}\n\n## G {#G}`, 3, /description starting at line 3 is longer than 20000/],
    ["a bidirectional override in a body", "# T\n\n## G {#G}\n\naccess \u202egranted", 3, /section at line 3 .* bidirectional control/],
    ["a bidirectional isolate in a code block", "# T\n\n## G {#G}\n\n```\nok = 1 \u2066// no\u2069\n```", 3, /bidirectional control/],
  ])("refuses %s", (_, source, line, message) => {
    const error = markdownError(source);
    expect(error.code).toBe("invalid_markdown");
    expect(error.line).toBe(line);
    expect(error.message).toMatch(message);
    expect(error.message).toMatch(new RegExp(`\\bline ${line}\\b`, "i"));
  });
});

describe("parseStandardMarkdown: the API's text rules", () => {
  it("takes what the API takes: 300-character titles, emoji, 20,000-character descriptions", () => {
    const title = "😀".repeat(300);
    const description = "d".repeat(10_000) + "\n\n" + "d".repeat(9_998);
    const parsed = parseStandardMarkdown(lines(`# ${title}`, "", description.split("\n\n")[0]!, "", description.split("\n\n")[1]!, "", `## ${"s".repeat(300)} {#${"L".repeat(64)}}`));
    expect(parsed.title).toBe(title);
    expect(parsed.description).toBe(description);
    expect(parsed.sections[0]).toMatchObject({ title: "s".repeat(300), label: "L".repeat(64) });
  });
});
