import { describe, expect, it } from "vitest";
import { isContentError, schema, type PMJSON } from "@codewright/shared";
import { contentToHtml, HTML_MARKS, HTML_NODES } from "../../src/domain/releases/export-html";
import { contentToMarkdown, MARKDOWN_MARKS, MARKDOWN_NODES } from "../../src/domain/releases/export-markdown";

// The exports write each node and mark through a table keyed by its name; `tsc` checks that
// the tables cover the schema, this checks it again at run time against the schema itself.
const sorted = (names: Iterable<string>) => [...names].sort();

describe("export tables", () => {
  it.each([
    ["HTML", HTML_NODES],
    ["Markdown", MARKDOWN_NODES],
  ])("%s writes every node of the schema, and no other", (_, table) => {
    expect(sorted(Object.keys(table))).toEqual(sorted(Object.keys(schema.nodes)));
  });

  it.each([
    ["HTML", HTML_MARKS],
    ["Markdown", MARKDOWN_MARKS],
  ])("%s writes every mark of the schema, and no other", (_, table) => {
    expect(sorted(Object.keys(table))).toEqual(sorted(Object.keys(schema.marks)));
  });

  it("rejects a body with a node or mark the schema does not have, instead of flattening it", () => {
    const none = () => undefined;
    const heading = { type: "doc", content: [{ type: "heading", content: [{ type: "text", text: "Title" }] }] } as unknown as PMJSON;
    const underline = { type: "doc", content: [{ type: "paragraph", content: [{ type: "text", text: "u", marks: [{ type: "underline" }] }] }] } as unknown as PMJSON;
    for (const body of [heading, underline]) {
      expect(() => contentToHtml(body, none), "HTML").toThrow(expect.toSatisfy((error) => isContentError(error, "invalid_content")));
      expect(() => contentToMarkdown(body, none, none), "Markdown").toThrow(expect.toSatisfy((error) => isContentError(error, "invalid_content")));
    }
  });
});
