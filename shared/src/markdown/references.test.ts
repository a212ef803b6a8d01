import { describe, expect, it } from "vitest";
import { ContentError } from "../errors";
import { parseStandardMarkdown } from "./parse";
import { resolveReferences } from "./references";

const source = ["# T", "", "## A {#A}", "", "See [[B]].", "", "## B {#B}", "", "- back to [[A]]", "- out to [[EXT-1]]"].join("\n");

describe("resolveReferences", () => {
  it("fills every xref with the id of the section its label names", () => {
    const parsed = parseStandardMarkdown(source);
    const resolved = resolveReferences(parsed, new Map([["A", "id-a"], ["B", "id-b"], ["EXT-1", "id-ext"]]));
    expect(resolved.sections[0]!.content.content![0]).toEqual({
      type: "paragraph",
      content: [{ type: "text", text: "See " }, { type: "xref", attrs: { section: "id-b", label: "B" } }, { type: "text", text: "." }],
    });
    expect(JSON.stringify(resolved.sections[1]!.content)).toContain('"section":"id-a"');
    expect(JSON.stringify(resolved.sections[1]!.content)).toContain('"section":"id-ext"');
  });

  it("leaves its input as it was", () => {
    const parsed = parseStandardMarkdown(source);
    const before = structuredClone(parsed);
    resolveReferences(parsed, new Map([["A", "1"], ["B", "2"], ["EXT-1", "3"]]));
    expect(parsed).toEqual(before);
  });

  it("names the unknown label and its line", () => {
    const parsed = parseStandardMarkdown(source);
    let caught: unknown;
    try {
      resolveReferences(parsed, new Map([["A", "1"], ["B", "2"]]));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ContentError);
    expect(caught).toMatchObject({ code: "unknown_reference", line: 10 });
    expect((caught as ContentError).message).toMatch(/\[\[EXT-1\]\] at line 10/);
  });
});
