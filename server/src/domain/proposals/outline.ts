import { numberOutline } from "@codewright/shared";
import type { OutlineEntry } from "../../db/tables/proposals";
import { invalidMove, invalidParent, invalidSection, notFound } from "../errors";

export type { OutlineEntry };

/** What a proposal did to a section's place or name, compared with its base. */
export type StructuralChange = "added" | "deleted" | "moved" | "retitled" | "relabelled";

/**
 * Outlines as a proposal keeps them: a flat list of entries, siblings ordered by `position`
 * (0..n-1 under each parent). Every function here is pure: it returns a new outline and never
 * changes its argument.
 */

/** The entries in outline order (a section, then its children), numbered. */
export function ordered(outline: readonly OutlineEntry[]): Array<OutlineEntry & { number: string; depth: number }> {
  return numberOutline(outline);
}

function childrenOf(outline: readonly OutlineEntry[], parentId: string | null, exceptId?: string): OutlineEntry[] {
  return outline.filter((e) => e.parentId === parentId && e.id !== exceptId).sort((a, b) => a.position - b.position || (a.id < b.id ? -1 : 1));
}

/** Rewrites positions as 0..n-1 under every parent, keeping the order. */
function renumber(outline: readonly OutlineEntry[]): OutlineEntry[] {
  const parents = new Set(outline.map((e) => e.parentId));
  const out: OutlineEntry[] = [];
  for (const parent of parents) childrenOf(outline, parent).forEach((e, i) => out.push({ ...e, position: i }));
  return out;
}

/** Places `entry` among the children of its parent at `index` (clamped), shifting the others. */
function place(outline: readonly OutlineEntry[], entry: OutlineEntry, index: number): OutlineEntry[] {
  const peers = childrenOf(outline, entry.parentId, entry.id);
  const at = Math.max(0, Math.min(index, peers.length));
  const order = [...peers.slice(0, at), entry, ...peers.slice(at)];
  const rest = outline.filter((e) => e.id !== entry.id && e.parentId !== entry.parentId);
  return renumber([...rest, ...order.map((e, i) => ({ ...e, position: i }))]);
}

/** Ids of `id` and all its descendants, the section first. */
export function subtree(outline: readonly OutlineEntry[], id: string): string[] {
  const ids = [id];
  for (let i = 0; i < ids.length; i++) for (const e of outline) if (e.parentId === ids[i]) ids.push(e.id);
  return ids;
}

function find(outline: readonly OutlineEntry[], id: string): OutlineEntry {
  const entry = outline.find((e) => e.id === id);
  if (!entry) throw notFound("section");
  return entry;
}

function assertParent(outline: readonly OutlineEntry[], parentId: string | null, movingId?: string): void {
  if (parentId === null) return;
  if (!outline.some((e) => e.id === parentId)) throw invalidParent();
  if (movingId !== undefined && subtree(outline, movingId).includes(parentId)) {
    throw invalidMove();
  }
}

/** Adds a section at `position` among its siblings (default last). Throws 400 for an unknown parent. */
export function addEntry(outline: readonly OutlineEntry[], entry: Omit<OutlineEntry, "position"> & { position?: number }): OutlineEntry[] {
  if (outline.some((e) => e.id === entry.id)) throw invalidSection();
  assertParent(outline, entry.parentId);
  return place(outline, { ...entry, position: 0 }, entry.position ?? Number.MAX_SAFE_INTEGER);
}

export interface EntryChange {
  label?: string;
  title?: string;
  /** A new parent (null for top level). */
  parentId?: string | null;
  /** 0-based place among the siblings; default last when the parent changes, else unchanged. */
  position?: number;
}

/** Retitles, relabels or moves one section. Throws 404 for an unknown section, 400 for a move into itself. */
export function changeEntry(outline: readonly OutlineEntry[], id: string, change: EntryChange): OutlineEntry[] {
  const before = find(outline, id);
  const parentId = change.parentId === undefined ? before.parentId : change.parentId;
  assertParent(outline, parentId, id);
  const entry: OutlineEntry = { ...before, label: change.label ?? before.label, title: change.title ?? before.title, parentId };
  const moving = parentId !== before.parentId || change.position !== undefined;
  if (!moving) return outline.map((e) => (e.id === id ? entry : e));
  const index = change.position ?? (parentId === before.parentId ? before.position : Number.MAX_SAFE_INTEGER);
  return place(outline, entry, index);
}

/** Removes a section and everything under it. Throws 404 for an unknown section. */
export function removeEntry(outline: readonly OutlineEntry[], id: string): { outline: OutlineEntry[]; removed: string[] } {
  find(outline, id);
  const removed = subtree(outline, id);
  const gone = new Set(removed);
  return { outline: renumber(outline.filter((e) => !gone.has(e.id))), removed };
}

/**
 * Sections that keep their place, per parent: the longest run of siblings (present under the same
 * parent in both outlines) whose order did not change. The others among them were moved.
 */
function movedAmongSiblings(base: readonly OutlineEntry[], proposal: readonly OutlineEntry[]): Set<string> {
  const moved = new Set<string>();
  const baseById = new Map(base.map((e) => [e.id, e]));
  const parents = new Set(proposal.map((e) => e.parentId));
  for (const parent of parents) {
    const stable = childrenOf(proposal, parent).filter((e) => baseById.get(e.id)?.parentId === parent);
    const baseOrder = new Map(childrenOf(base, parent).map((e, i) => [e.id, i]));
    const keep = longestIncreasing(stable.map((e) => baseOrder.get(e.id)!));
    stable.forEach((e, i) => {
      if (!keep.has(i)) moved.add(e.id);
    });
  }
  return moved;
}

/** Indexes (into `xs`) of one longest strictly increasing subsequence. */
function longestIncreasing(xs: number[]): Set<number> {
  const tails: number[] = [];
  const prev: number[] = new Array(xs.length).fill(-1);
  for (let i = 0; i < xs.length; i++) {
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (xs[tails[mid]!]! < xs[i]!) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0) prev[i] = tails[lo - 1]!;
    tails[lo] = i;
  }
  const keep = new Set<number>();
  for (let i = tails.length ? tails[tails.length - 1]! : -1; i >= 0; i = prev[i]!) keep.add(i);
  return keep;
}

/** What the proposal outline changes about each section compared with the base; untouched sections are absent. */
export function structuralChanges(base: readonly OutlineEntry[], proposal: readonly OutlineEntry[]): Map<string, StructuralChange[]> {
  const out = new Map<string, StructuralChange[]>();
  const add = (id: string, change: StructuralChange) => out.set(id, [...(out.get(id) ?? []), change]);
  const baseById = new Map(base.map((e) => [e.id, e]));
  const proposalIds = new Set(proposal.map((e) => e.id));
  const reordered = movedAmongSiblings(base, proposal);
  for (const p of proposal) {
    const b = baseById.get(p.id);
    if (!b) {
      add(p.id, "added");
      continue;
    }
    if (b.parentId !== p.parentId || reordered.has(p.id)) add(p.id, "moved");
    if (b.title !== p.title) add(p.id, "retitled");
    if (b.label !== p.label) add(p.id, "relabelled");
  }
  for (const b of base) if (!proposalIds.has(b.id)) add(b.id, "deleted");
  return out;
}

/** One step of merging a proposal's structure into another outline (the draft). */
export type MergeStep =
  | { kind: "add"; id: string; parentId: string | null; after: string | null; index: number; label: string; title: string }
  | { kind: "move"; id: string; parentId: string | null; after: string | null; index: number }
  | { kind: "rename"; id: string; label?: string; title?: string }
  | { kind: "delete"; id: string };

/**
 * The structural changes of a proposal as steps to replay on any outline: adds and moves in the
 * proposal's outline order (parents first), then renames, then deletions. Only what the proposal
 * changed is replayed, so changes made to the target since the base are kept.
 */
export function planMerge(base: readonly OutlineEntry[], proposal: readonly OutlineEntry[]): MergeStep[] {
  const changes = structuralChanges(base, proposal);
  const steps: MergeStep[] = [];
  const renames: MergeStep[] = [];
  const baseById = new Map(base.map((e) => [e.id, e]));
  for (const p of ordered(proposal)) {
    const kinds = changes.get(p.id) ?? [];
    const siblings = childrenOf(proposal, p.parentId);
    const index = siblings.findIndex((s) => s.id === p.id);
    const after = index > 0 ? siblings[index - 1]!.id : null;
    if (kinds.includes("added")) {
      steps.push({ kind: "add", id: p.id, parentId: p.parentId, after, index, label: p.label, title: p.title });
      continue;
    }
    if (kinds.includes("moved")) steps.push({ kind: "move", id: p.id, parentId: p.parentId, after, index });
    if (kinds.includes("retitled") || kinds.includes("relabelled")) {
      const b = baseById.get(p.id)!;
      renames.push({ kind: "rename", id: p.id, label: b.label !== p.label ? p.label : undefined, title: b.title !== p.title ? p.title : undefined });
    }
  }
  const deletions = ordered(base)
    .filter((b) => changes.get(b.id)?.includes("deleted"))
    .map((b): MergeStep => ({ kind: "delete", id: b.id }));
  return [...steps, ...renames, ...deletions];
}

/** Why a step cannot be replayed on the target: the target lost a section the proposal relies on. */
export interface MergeConflict {
  sectionId: string;
  reason: "section_deleted" | "parent_deleted" | "invalid_move";
}

/** Where a step puts its section among its new siblings in `target`: after `after` when it is there, else at `index`. */
export function targetIndex(target: readonly OutlineEntry[], step: { id: string; parentId: string | null; after: string | null; index: number }): number {
  const peers = childrenOf(target, step.parentId, step.id);
  if (step.after === null) return 0;
  const at = peers.findIndex((e) => e.id === step.after);
  return at >= 0 ? at + 1 : Math.min(step.index, peers.length);
}

/**
 * Replays one step on `target`. Returns the new outline, or a conflict; a step already done
 * (a section already added or already deleted) leaves the outline as it is.
 */
export function applyStep(target: readonly OutlineEntry[], step: MergeStep): { outline: readonly OutlineEntry[]; conflict?: MergeConflict } {
  const has = (id: string | null) => id === null || target.some((e) => e.id === id);
  switch (step.kind) {
    case "add":
      if (has(step.id)) return { outline: target };
      if (!has(step.parentId)) return { outline: target, conflict: { sectionId: step.id, reason: "parent_deleted" } };
      return { outline: addEntry(target, { id: step.id, parentId: step.parentId, label: step.label, title: step.title, position: targetIndex(target, step) }) };
    case "move":
      if (!has(step.id)) return { outline: target, conflict: { sectionId: step.id, reason: "section_deleted" } };
      if (!has(step.parentId)) return { outline: target, conflict: { sectionId: step.id, reason: "parent_deleted" } };
      if (step.parentId !== null && subtree(target, step.id).includes(step.parentId)) {
        return { outline: target, conflict: { sectionId: step.id, reason: "invalid_move" } };
      }
      return { outline: changeEntry(target, step.id, { parentId: step.parentId, position: targetIndex(target, step) }) };
    case "rename":
      if (!has(step.id)) return { outline: target, conflict: { sectionId: step.id, reason: "section_deleted" } };
      return { outline: changeEntry(target, step.id, { label: step.label, title: step.title }) };
    case "delete":
      if (!has(step.id)) return { outline: target };
      return { outline: removeEntry(target, step.id).outline };
  }
}

/** Replays every step on `target`: the outline it would become, and the steps that could not apply. */
export function mergeOutline(target: readonly OutlineEntry[], steps: readonly MergeStep[]): { outline: readonly OutlineEntry[]; conflicts: MergeConflict[] } {
  let outline = target;
  const conflicts: MergeConflict[] = [];
  for (const step of steps) {
    const r = applyStep(outline, step);
    outline = r.outline;
    if (r.conflict) conflicts.push(r.conflict);
  }
  return { outline, conflicts };
}
