import { describe, expect, it } from "vitest";
import type { PMJSON } from "../schema";
import { textBlocks } from "./blocks";
import { diffReleases } from "./diff";
import type { DiffOp, DiffableRelease, DiffableSection, SectionDiff } from "./types";

// Crafted versions: sections are written as a tree; numbers come from their places, as in a release.
interface Spec {
  id: string;
  label?: string;
  title?: string;
  body?: PMJSON[] | string;
  children?: Spec[];
}

const p = (...content: Array<PMJSON | string>): PMJSON => ({ type: "paragraph", content: content.map((c) => (typeof c === "string" ? { type: "text", text: c } : c)) });
const xref = (section: string, label: string): PMJSON => ({ type: "xref", attrs: { section, label } });
const list = (...items: string[]): PMJSON => ({ type: "bullet_list", content: items.map((t) => ({ type: "list_item", content: [p(t)] })) });
const note = (...paragraphs: string[]): PMJSON => ({ type: "note", content: paragraphs.map((t) => p(t)) });

function version(name: string, specs: Spec[]): DiffableRelease {
  const build = (spec: Spec, number: string): DiffableSection => ({
    id: spec.id,
    label: spec.label ?? `L-${spec.id}`,
    number,
    title: spec.title ?? `Section ${spec.id}`,
    content: { type: "doc", content: typeof spec.body === "string" || spec.body === undefined ? [p(spec.body ?? `Body of ${spec.id}.`)] : spec.body },
    children: (spec.children ?? []).map((c, k) => build(c, `${number}.${k + 1}`)),
  });
  return { version: name, sections: specs.map((s, k) => build(s, String(k + 1))) };
}

const byId = (sections: SectionDiff[]) => new Map(sections.map((s) => [s.id, s]));
const statusOf = (sections: SectionDiff[]) => Object.fromEntries(sections.map((s) => [s.id, s.status]));
const show = (ops: DiffOp[]) => ops.map((o) => (o.op === "equal" ? o.text : o.op === "insert" ? `{+${o.text}+}` : `[-${o.text}-]`)).join("|");

// Every block's equal+delete texts rebuild its text before, equal+insert its text after.
function expectRebuilds(ops: DiffOp[], before: string[], after: string[]) {
  const rebuild = (keep: DiffOp["op"]) => {
    const blocks = new Map<number, string>();
    for (const o of ops) if (o.op === "equal" || o.op === keep) blocks.set(o.block, (blocks.get(o.block) ?? "") + o.text);
    return [...blocks.values()];
  };
  expect(rebuild("delete")).toEqual(before);
  expect(rebuild("insert")).toEqual(after);
}

describe("diffReleases", () => {
  const base: Spec[] = [
    { id: "g1", children: [{ id: "e11" }, { id: "e12" }, { id: "e13" }] },
    { id: "g2", children: [{ id: "e21" }, { id: "e22" }] },
  ];

  it("finds nothing between a version and itself", () => {
    const diff = diffReleases(version("1.0", base), version("1.1", base));
    expect(diff.from).toBe("1.0");
    expect(diff.to).toBe("1.1");
    expect(diff.summary).toEqual({ added: 0, removed: 0, moved: 0, renumbered: 0, retitled: 0, relabelled: 0, modified: 0, unchanged: 7 });
    expect(diff.sections.every((s) => s.status.length === 1 && s.status[0] === "unchanged" && s.changes.length === 0)).toBe(true);
    expect(diff.sections[0]).toEqual({ id: "g1", status: ["unchanged"], before: { number: "1", title: "Section g1", label: "L-g1" }, after: { number: "1", title: "Section g1", label: "L-g1" }, changes: [] });
  });

  it("names the draft when a side has no version", () => {
    const diff = diffReleases(version("1.0", base), { sections: version("x", base).sections });
    expect(diff.to).toBe("draft");
  });

  it("renumber only: inserting a section renumbers the later siblings without moving them", () => {
    const to = version("2", [{ id: "g1", children: [{ id: "new" }, { id: "e11" }, { id: "e12" }, { id: "e13" }] }, base[1]!]);
    const diff = diffReleases(version("1", base), to);
    expect(statusOf(diff.sections)).toEqual({
      g1: ["unchanged"],
      new: ["added"],
      e11: ["renumbered"],
      e12: ["renumbered"],
      e13: ["renumbered"],
      g2: ["unchanged"],
      e21: ["unchanged"],
      e22: ["unchanged"],
    });
    expect(byId(diff.sections).get("e12")).toMatchObject({ before: { number: "1.2" }, after: { number: "1.3" }, changes: [] });
    expect(byId(diff.sections).get("new")!.changes).toEqual([{ op: "insert", text: "Body of new.", block: 0, kind: "paragraph" }]);
    expect(diff.summary).toMatchObject({ added: 1, renumbered: 3, moved: 0, unchanged: 4 });
  });

  it("move plus edit: a section moved to another group and edited is moved, renumbered and modified", () => {
    const to = version("2", [
      { id: "g1", children: [{ id: "e11" }, { id: "e13" }] },
      { id: "g2", children: [{ id: "e21" }, { id: "e12", body: "Body of e12, revised." }, { id: "e22" }] },
    ]);
    const diff = diffReleases(version("1", base), to);
    const e12 = byId(diff.sections).get("e12")!;
    expect(e12.status).toEqual(["moved", "renumbered", "modified"]);
    expect(e12.before).toMatchObject({ number: "1.2" });
    expect(e12.after).toMatchObject({ number: "2.2" });
    expect(show(e12.changes)).toBe("Body of e12|{+, revised+}|.");
    // The sections around it only shift numbers.
    expect(byId(diff.sections).get("e13")!.status).toEqual(["renumbered"]);
    expect(byId(diff.sections).get("e22")!.status).toEqual(["renumbered"]);
    expect(diff.sections.map((s) => s.id)).toEqual(["g1", "e11", "e13", "g2", "e21", "e12", "e22"]);
  });

  it("swapping two siblings moves one of them, not both", () => {
    const to = version("2", [{ id: "g1", children: [{ id: "e12" }, { id: "e11" }, { id: "e13" }] }, base[1]!]);
    const diff = diffReleases(version("1", base), to);
    expect(diff.summary.moved).toBe(1);
    expect(diff.summary.renumbered).toBe(2);
    expect(byId(diff.sections).get("e13")!.status).toEqual(["unchanged"]);
  });

  it("nested add and delete: a new grandchild, and a removed subtree listed where it was", () => {
    const from = version("1", [
      { id: "g1", children: [{ id: "e11", children: [{ id: "c111" }] }, { id: "e12", children: [{ id: "c121" }, { id: "c122" }] }, { id: "e13" }] },
      { id: "g2" },
    ]);
    const to = version("2", [{ id: "g1", children: [{ id: "e11", children: [{ id: "c111" }, { id: "c112" }] }, { id: "e13" }] }, { id: "g2" }]);
    const diff = diffReleases(from, to);
    expect(diff.sections.map((s) => `${s.id}:${s.status.join("+")}`)).toEqual([
      "g1:unchanged",
      "e11:unchanged",
      "c111:unchanged",
      "c112:added",
      "e12:removed",
      "c121:removed",
      "c122:removed",
      "e13:renumbered",
      "g2:unchanged",
    ]);
    const removed = byId(diff.sections).get("c122")!;
    expect(removed.after).toBeNull();
    expect(removed.before).toEqual({ number: "1.2.2", title: "Section c122", label: "L-c122" });
    expect(removed.changes).toEqual([{ op: "delete", text: "Body of c122.", block: 0, kind: "paragraph" }]);
    expect(diff.summary).toMatchObject({ added: 1, removed: 3, renumbered: 1 });
  });

  it("a removed first section is listed first", () => {
    const diff = diffReleases(version("1", [{ id: "a" }, { id: "b" }]), version("2", [{ id: "b" }]));
    expect(diff.sections.map((s) => `${s.id}:${s.status.join("+")}`)).toEqual(["a:removed", "b:renumbered"]);
  });

  it("list-item edit: only the edited item carries word changes; a new item is one insert", () => {
    const before = [p("Check inputs:"), list("length of every buffer", "range of every integer", "format of every string")];
    const after = [p("Check inputs:"), list("length of every buffer", "range and sign of every integer", "encoding of every string", "format of every string")];
    const diff = diffReleases(version("1", [{ id: "s", body: before }]), version("2", [{ id: "s", body: after }]));
    const s = diff.sections[0]!;
    expect(s.status).toEqual(["modified"]);
    expect(s.changes.map((o) => [o.block, o.kind, o.op, o.text])).toEqual([
      [0, "paragraph", "equal", "Check inputs:"],
      [1, "list_item", "equal", "length of every buffer"],
      [2, "list_item", "equal", "range "],
      [2, "list_item", "insert", "and sign "],
      [2, "list_item", "equal", "of every integer"],
      [3, "list_item", "insert", "encoding of every string"],
      [4, "list_item", "equal", "format of every string"],
    ]);
    expectRebuilds(
      s.changes,
      ["Check inputs:", "length of every buffer", "range of every integer", "format of every string"],
      ["Check inputs:", "length of every buffer", "range and sign of every integer", "encoding of every string", "format of every string"],
    );
  });

  it("pairs an edited block with its old self even when a block is inserted before it", () => {
    const before = [p("Alpha beta gamma delta.")];
    const after = [p("Completely unrelated words here."), p("Alpha beta gamma epsilon.")];
    const s = diffReleases(version("1", [{ id: "s", body: before }]), version("2", [{ id: "s", body: after }])).sections[0]!;
    expect(show(s.changes)).toBe("{+Completely unrelated words here.+}|Alpha beta gamma |[-delta-]|{+epsilon+}|.");
    expect(s.changes.map((o) => o.block)).toEqual([0, 1, 1, 1, 1]);
  });

  it("keeps notes, quotes and code apart by kind", () => {
    const before = [p("Rule."), note("Informative text."), { type: "code_block", content: [{ type: "text", text: "x = 1" }] } as PMJSON];
    const after = [p("Rule."), note("Informative text, revised."), { type: "code_block", content: [{ type: "text", text: "x = 2" }] } as PMJSON];
    const s = diffReleases(version("1", [{ id: "s", body: before }]), version("2", [{ id: "s", body: after }])).sections[0]!;
    expect(s.changes.map((o) => `${o.block}/${o.kind}/${o.op}:${o.text}`)).toEqual([
      "0/paragraph/equal:Rule.",
      "1/note/equal:Informative text",
      "1/note/insert:, revised",
      "1/note/equal:.",
      "2/code/equal:x = ",
      "2/code/delete:1",
      "2/code/insert:2",
    ]);
    expect(textBlocks({ type: "doc", content: [{ type: "blockquote", content: [p("q"), list("i")] }] }, () => undefined)).toEqual([
      { kind: "quote", text: "q" },
      { kind: "list_item", text: "i" },
    ]);
  });

  it("rejects a body with a node or mark the schema does not have", () => {
    const heading = { type: "heading", content: [{ type: "text", text: "Title" }] } as unknown as PMJSON;
    expect(() => textBlocks({ type: "doc", content: [p("a"), heading] }, () => undefined)).toThrow(expect.objectContaining({ name: "ContentError", code: "invalid_content" }));
    const underlined = { type: "text", text: "b", marks: [{ type: "underline" }] } as unknown as PMJSON;
    const from = version("1", [{ id: "a" }]);
    const to = version("2", [{ id: "a", body: [p("a ", underlined)] }]);
    expect(() => diffReleases(from, to)).toThrow(/mark of unknown type "underline"/);
  });

  it("cross-reference change: a retargeted reference is a modification, a renumbered target is not", () => {
    const from = version("1", [{ id: "a" }, { id: "b" }, { id: "c", body: [p("See ", xref("a", "L-a"), " first.")] }]);
    const retargeted = version("2", [{ id: "a" }, { id: "b" }, { id: "c", body: [p("See ", xref("b", "L-b"), " first.")] }]);
    const c = byId(diffReleases(from, retargeted).sections).get("c")!;
    expect(c.status).toEqual(["modified"]);
    expect(show(c.changes)).toBe("See |[-1-]|{+2+}| first.");

    // The target moves down one place: the reference reads "2" now, but it still points at the same section.
    const renumbered = version("3", [{ id: "n" }, { id: "a" }, { id: "b" }, { id: "c", body: [p("See ", xref("a", "L-a"), " first.")] }]);
    const diff = diffReleases(from, renumbered);
    expect(byId(diff.sections).get("c")!.status).toEqual(["renumbered"]);
    expect(byId(diff.sections).get("a")!.status).toEqual(["renumbered"]);
    // A reference to a section missing from the version reads as its stored label.
    expect(textBlocks({ type: "doc", content: [p("See ", xref("gone", "BC-9"))] }, () => undefined)).toEqual([{ kind: "paragraph", text: "See BC-9" }]);
  });

  it("retitle and relabel", () => {
    const to = version("2", [{ id: "g1", title: "Design", children: [{ id: "e11", label: "BC-1.1" }, { id: "e12" }, { id: "e13" }] }, base[1]!]);
    const diff = diffReleases(version("1", base), to);
    expect(byId(diff.sections).get("g1")).toMatchObject({ status: ["retitled"], before: { title: "Section g1" }, after: { title: "Design" }, changes: [] });
    expect(byId(diff.sections).get("e11")).toMatchObject({ status: ["relabelled"], before: { label: "L-e11" }, after: { label: "BC-1.1" } });
    expect(diff.summary).toMatchObject({ retitled: 1, relabelled: 1, unchanged: 5 });
  });

  it("a formatting-only change is a modification without word changes", () => {
    const bold: PMJSON = { type: "paragraph", content: [{ type: "text", text: "Sign", marks: [{ type: "strong" }] }, { type: "text", text: " builds." }] };
    const s = diffReleases(version("1", [{ id: "s", body: "Sign builds." }]), version("2", [{ id: "s", body: [bold] }])).sections[0]!;
    expect(s.status).toEqual(["modified"]);
    expect(s.changes.every((o) => o.op === "equal")).toBe(true);
  });

  it("refuses a version that repeats a section id", () => {
    expect(() => diffReleases(version("1", [{ id: "a" }, { id: "a" }]), version("2", []))).toThrow(RangeError);
  });

  it("does not change its inputs", () => {
    const from = version("1", base);
    const to = version("2", [{ id: "g2" }, { id: "g1", children: [{ id: "e13", body: "Other." }] }]);
    const copies = JSON.stringify([from, to]);
    diffReleases(from, to);
    expect(JSON.stringify([from, to])).toBe(copies);
  });
});

describe("diffReleases on a 2,000-section standard", () => {
  const words = "software shall validate every input before use and reject malformed data with a clear error".split(" ");
  const sentence = (seed: number, n: number) => Array.from({ length: n }, (_, k) => words[(seed * 7 + k * 3) % words.length]).join(" ") + ".";
  const large = (edit: (g: number, e: number) => string | undefined, order: (ids: string[]) => string[] = (ids) => ids) =>
    version(
      "v",
      Array.from({ length: 40 }, (_, g) => ({
        id: `g${g}`,
        children: order(Array.from({ length: 49 }, (_, e) => `e${g}-${e}`)).map((id) => {
          const e = Number(id.split("-")[1]);
          const body = [p(sentence(g + e, 40)), list(sentence(e, 12), sentence(g, 12), edit(g, e) ?? sentence(g * e, 12)), note(sentence(e + 1, 20))];
          return { id, body };
        }),
      })),
    );

  it("diffs two such releases section by section (its speed is measured by pnpm bench)", () => {
    const from = large(() => undefined);
    const to = large(
      (g, e) => ((g * 49 + e) % 10 === 0 ? `${sentence(g * e, 12)} Except in tests.` : undefined),
      (ids) => [ids[1]!, ids[0]!, ...ids.slice(2)],
    );
    expect(from.sections.length * 50).toBe(2000);
    const diff = diffReleases(from, to);
    expect(diff.summary.modified).toBe(196);
    expect(diff.summary.moved).toBe(40);
    expect(diff.sections).toHaveLength(2000);
    for (const s of diff.sections.filter((x) => x.status.includes("modified"))) {
      expect(s.changes.filter((o) => o.op === "insert").map((o) => o.text)).toEqual([" Except in tests."]);
    }
  });
});
