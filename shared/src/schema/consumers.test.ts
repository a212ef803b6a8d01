import { describe, expect, it } from "vitest";
import { PLAIN_TEXT } from "../content/plain-text";
import { TEXT_BLOCK_RULES, type TextBlockRule } from "../diff/blocks";
import { isMarkName, isNodeName, MARK_NAMES, NODE_NAMES, schema, type MarkName, type NodeName } from "./index";

// Code that reads section bodies node by node keeps a table keyed by node (and mark) name, so a
// node added to the schema must be handled everywhere before it ships. `tsc` checks the tables;
// this checks them again at run time, against the schema object itself.
const sorted = (names: Iterable<string>) => [...names].sort();

describe("the schema's names", () => {
  it("lists every node and mark of the schema, in its order", () => {
    expect(NODE_NAMES).toEqual(Object.keys(schema.nodes));
    expect(MARK_NAMES).toEqual(Object.keys(schema.marks));
  });

  it("tells names of the schema from other strings", () => {
    for (const name of Object.keys(schema.nodes)) expect(isNodeName(name), name).toBe(true);
    for (const name of Object.keys(schema.marks)) expect(isMarkName(name), name).toBe(true);
    for (const other of ["", "heading", "constructor", "toString", "__proto__", "Paragraph"]) {
      expect(isNodeName(other), other).toBe(false);
      expect(isMarkName(other), other).toBe(false);
    }
    expect(isNodeName(undefined)).toBe(false);
    expect(isMarkName(7)).toBe(false);
  });
});

describe("tables of nodes", () => {
  it.each([
    ["the diff's text blocks", TEXT_BLOCK_RULES],
    ["plain text", PLAIN_TEXT],
  ])("%s handle every node of the schema, and no other", (_, table) => {
    expect(sorted(Object.keys(table))).toEqual(sorted(Object.keys(schema.nodes)));
  });

  it("cannot compile without an entry for every node, or with one the schema lacks", () => {
    const { xref: _xref, ...withoutXref } = TEXT_BLOCK_RULES;
    // @ts-expect-error a table without `xref` does not satisfy `Record<NodeName, …>`
    withoutXref satisfies Record<NodeName, TextBlockRule>;
    // @ts-expect-error a table with a node the schema lacks does not either
    ({ ...TEXT_BLOCK_RULES, heading: { block: "around" } }) satisfies Record<NodeName, TextBlockRule>;
    const { code: _code, ...withoutCode } = Object.fromEntries(MARK_NAMES.map((name) => [name, true])) as Record<MarkName, true>;
    // @ts-expect-error the same holds for marks
    withoutCode satisfies Record<MarkName, true>;
    expect(Object.keys(withoutXref)).not.toContain("xref");
  });
});
