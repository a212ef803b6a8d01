import { describe, expect, it } from "vitest";
import { searchXrefTargets, type XrefCandidate } from "./xref-search";

const section = (id: string, number: string, title: string): XrefCandidate => ({ id, number, label: `BC-${number}`, title });

// Outline order.
const sections = [
  section("a", "1", "Design"),
  section("a1", "1.1", "Threat modelling"),
  section("a2", "1.2", "Memory-safe languages"),
  section("b", "2", "Testing"),
  section("b1", "2.1", "Fuzzing of parsers"),
  section("b2", "2.2", "Static analysis"),
  section("c", "12", "Résumé of evidence"),
];

const ids = (found: XrefCandidate[]) => found.map((s) => s.id);

describe("searchXrefTargets", () => {
  it("offers the outline from the start for an empty query, without the excluded section", () => {
    expect(ids(searchXrefTargets(sections, "  ", { exclude: "a", limit: 3 }))).toEqual(["a1", "a2", "b"]);
  });

  it("puts an exact number first, then numbers that start with it", () => {
    expect(ids(searchXrefTargets(sections, "1"))).toEqual(["a", "a1", "a2", "c"]);
    expect(ids(searchXrefTargets(sections, "2.1"))).toEqual(["b1"]);
  });

  it("matches labels whatever their case", () => {
    expect(ids(searchXrefTargets(sections, "bc-2"))).toEqual(["b", "b1", "b2"]);
  });

  it("matches every word of the title, titles starting with the query first", () => {
    expect(ids(searchXrefTargets(sections, "pars fuzz"))).toEqual(["b1"]);
    expect(ids(searchXrefTargets(sections, "ana"))).toEqual(["b2"]);
    expect(ids(searchXrefTargets(sections, "ing"))).toEqual(["a1", "b", "b1"]);
    expect(ids(searchXrefTargets(sections, "st"))).toEqual(["b2", "b"]);
  });

  it("ignores accents", () => {
    expect(ids(searchXrefTargets(sections, "resume"))).toEqual(["c"]);
  });

  it("finds nothing for an unknown word and respects the limit", () => {
    expect(searchXrefTargets(sections, "quantum")).toEqual([]);
    expect(searchXrefTargets(sections, "", { limit: 2 })).toHaveLength(2);
  });
});
