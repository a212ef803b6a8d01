import { describe, expect, it } from "vitest";
import { addEntry, changeEntry, mergeOutline, planMerge, removeEntry, structuralChanges, type OutlineEntry } from "./outline";

/** An outline from `id[/parent]` strings, siblings in the order given. */
function outline(...specs: string[]): OutlineEntry[] {
  const count = new Map<string | null, number>();
  return specs.map((spec) => {
    const [id, parent] = spec.split("/") as [string, string | undefined];
    const parentId = parent ?? null;
    const position = count.get(parentId) ?? 0;
    count.set(parentId, position + 1);
    return { id, parentId, position, label: id.toUpperCase(), title: `Title ${id}` };
  });
}
/** The outline as `id[/parent]` strings in reading order. */
function read(entries: readonly OutlineEntry[]): string[] {
  const out: string[] = [];
  const walk = (parent: string | null) => {
    for (const e of entries.filter((x) => x.parentId === parent).sort((x, y) => x.position - y.position)) {
      out.push(e.parentId ? `${e.id}/${e.parentId}` : e.id);
      walk(e.id);
    }
  };
  walk(null);
  return out;
}

describe("proposal outlines", () => {
  it("adds, moves and removes entries without touching the input", () => {
    const base = outline("a", "b", "c", "a1/a");
    const added = addEntry(base, { id: "n", parentId: "a", label: "N", title: "New", position: 0 });
    expect(read(added)).toEqual(["a", "n/a", "a1/a", "b", "c"]);
    expect(read(base)).toEqual(["a", "a1/a", "b", "c"]);
    expect(read(changeEntry(added, "c", { position: 0 }))).toEqual(["c", "a", "n/a", "a1/a", "b"]);
    expect(read(changeEntry(added, "b", { parentId: "a" }))).toEqual(["a", "n/a", "a1/a", "b/a", "c"]);
    expect(changeEntry(added, "b", { title: "Renamed" }).find((e) => e.id === "b")!.title).toBe("Renamed");
    expect(removeEntry(added, "a")).toMatchObject({ removed: ["a", "n", "a1"] });
    expect(() => changeEntry(added, "a", { parentId: "a1" })).toThrow(/inside itself/);
    expect(() => addEntry(added, { id: "x", parentId: "missing", label: "X", title: "X" })).toThrow(/parent/);
  });

  it("names what changed: one move for a swap, none for siblings of an insertion", () => {
    const base = outline("a", "b", "c", "d");
    const proposal = changeEntry(addEntry(base, { id: "n", parentId: null, label: "N", title: "N", position: 1 }), "d", { position: 0 });
    const changes = structuralChanges(base, removeEntry(proposal, "b").outline);
    expect(Object.fromEntries(changes)).toEqual({ d: ["moved"], n: ["added"], b: ["deleted"] });
  });

  it("replays only what the proposal changed on a draft that moved on", () => {
    const base = outline("a", "b", "c", "b1/b");
    let proposal = changeEntry(base, "c", { position: 0, title: "C first" });
    proposal = addEntry(proposal, { id: "n", parentId: "b", label: "N", title: "New", position: 1 });
    proposal = removeEntry(proposal, "a").outline;
    // Since the base, the draft gained "z" at the top and retitled "b".
    const draft = changeEntry(addEntry(base, { id: "z", parentId: null, label: "Z", title: "Z", position: 0 }), "b", { title: "B by an editor" });
    const { outline: merged, conflicts } = mergeOutline(draft, planMerge(base, proposal));
    expect(conflicts).toEqual([]);
    expect(read(merged)).toEqual(["c", "z", "b", "b1/b", "n/b"]);
    expect(merged.find((e) => e.id === "b")!.title).toBe("B by an editor");
    expect(merged.find((e) => e.id === "c")!.title).toBe("C first");
  });

  it("reports what cannot be replayed, and replays twice to the same outline", () => {
    const base = outline("a", "b", "a1/a");
    const proposal = changeEntry(addEntry(base, { id: "n", parentId: "a", label: "N", title: "N" }), "b", { title: "B2" });
    const draft = removeEntry(changeEntry(base, "b", { parentId: null }), "a").outline;
    const steps = planMerge(base, proposal);
    expect(mergeOutline(draft, steps).conflicts).toEqual([{ sectionId: "n", reason: "parent_deleted" }]);
    const fine = planMerge(base, changeEntry(base, "b", { title: "B2" }));
    const once = mergeOutline(base, fine).outline;
    expect(mergeOutline(once, fine).outline).toEqual(once);
    const gone = removeEntry(base, "b").outline;
    expect(mergeOutline(gone, fine).conflicts).toEqual([{ sectionId: "b", reason: "section_deleted" }]);
  });
});
