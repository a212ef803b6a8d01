import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { plainText } from "../content";
import { parseStandardMarkdown } from "./parse";
import { resolveReferences } from "./references";

// The sample standard the server seeds; it must stay importable.
const source = readFileSync(new URL("../../../server/seed/building-code.md", import.meta.url), "utf8");

describe("the sample building code", () => {
  const parsed = parseStandardMarkdown(source);
  const groups = parsed.sections.filter((section) => section.depth === 1);
  const elements = parsed.sections.filter((section) => section.depth === 2);

  it("parses into groups and elements", () => {
    expect(parsed.title).toBe("Building Code for Medical Device Software Security");
    expect(parsed.description.length).toBeGreaterThan(200);
    expect(groups.length).toBeGreaterThanOrEqual(6);
    expect(elements.length).toBeGreaterThanOrEqual(22);
    expect(parsed.sections.every((section) => section.depth <= 2)).toBe(true);
  });

  it("gives every element a normative body of substance", () => {
    for (const element of elements) {
      expect(element.content.content!.length, element.label).toBeGreaterThanOrEqual(3);
      expect(plainText(element.content), element.label).toMatch(/\bshall\b/);
      expect(plainText(element.content), element.label).toMatch(/Verification\./);
    }
  });

  it("uses notes", () => {
    const notes = parsed.sections.filter((section) => section.content.content!.some((block) => block.type === "note"));
    expect(notes.length).toBeGreaterThanOrEqual(3);
  });

  it("has cross-references that all resolve within the file", () => {
    expect(parsed.references.length).toBeGreaterThanOrEqual(10);
    const labelToId = new Map(parsed.sections.map((section, index) => [section.label, `id-${index}`]));
    const resolved = resolveReferences(parsed, labelToId);
    expect(JSON.stringify(resolved.sections)).not.toContain('"section":""');
  });
});
