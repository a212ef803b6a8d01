import { DRAFT_VERSION } from "../release/types";
import { textBlocks } from "./blocks";
import { movedSections, placeSections, type Placed } from "./outline";
import { blockDiff } from "./words";
import { SECTION_STATUSES, type DiffOp, type DiffSummary, type DiffableRelease, type DiffableSection, type ReleaseDiff, type SectionDiff, type SectionSide, type SectionStatus } from "./types";

/**
 * Compares two versions of a standard, section by section, matched by stable id (see
 * `ReleaseDiff`, `SectionStatus` and `DiffOp` for what comes back). Pure: reads its inputs,
 * never changes them. Word diffs are computed only for sections whose body changed.
 * Throws a `RangeError` when a section id repeats within one version.
 */
export function diffReleases(from: DiffableRelease, to: DiffableRelease): ReleaseDiff {
  const before = placeSections(from.sections);
  const after = placeSections(to.sections);
  const moved = movedSections(before, after);
  const numberBefore = (id: string) => before.get(id)?.section.number;
  const numberAfter = (id: string) => after.get(id)?.section.number;

  const entry = (id: string): SectionDiff => {
    const b = before.get(id);
    const a = after.get(id);
    const status: SectionStatus[] = [];
    let changes: DiffOp[] = [];
    if (!b) {
      status.push("added");
      changes = blockDiff([], textBlocks(a!.section.content, numberAfter));
    } else if (!a) {
      status.push("removed");
      changes = blockDiff(textBlocks(b.section.content, numberBefore), []);
    } else {
      if (moved.has(id)) status.push("moved");
      if (a.section.number !== b.section.number) status.push("renumbered");
      if (a.section.title !== b.section.title) status.push("retitled");
      if (a.section.label !== b.section.label) status.push("relabelled");
      if (!sameJson(a.section.content, b.section.content)) {
        status.push("modified");
        changes = blockDiff(textBlocks(b.section.content, numberBefore), textBlocks(a.section.content, numberAfter));
      }
      if (status.length === 0) status.push("unchanged");
    }
    return { id, status, before: b ? side(b) : null, after: a ? side(a) : null, changes };
  };

  const sections = readingOrder(from.sections, to.sections, before, after).map(entry);
  const summary = Object.fromEntries(SECTION_STATUSES.map((s) => [s, 0])) as DiffSummary;
  for (const section of sections) for (const s of section.status) summary[s]++;
  return { from: from.version ?? DRAFT_VERSION, to: to.version ?? DRAFT_VERSION, summary, sections };
}

function side(placed: Placed): SectionSide {
  const { number, title, label } = placed.section;
  return { number, title, label };
}

/**
 * Ids in the order a reader meets them: `to`'s outline, with each removed section (and what
 * was removed under it) right after the previous sibling that is still there, or first under
 * its parent when it was the first to remain.
 */
function readingOrder(
  fromRoots: readonly DiffableSection[],
  toRoots: readonly DiffableSection[],
  before: ReadonlyMap<string, Placed>,
  after: ReadonlyMap<string, Placed>,
): string[] {
  // Removed sections whose parent remains, keyed by where they go: `after <id>` or `first <parent id>`.
  const removedAt = new Map<string, DiffableSection[]>();
  const place = (key: string, section: DiffableSection) => {
    const list = removedAt.get(key);
    if (list) list.push(section);
    else removedAt.set(key, [section]);
  };
  const scan = (parentId: string | null, children: readonly DiffableSection[]) => {
    let previous: string | null = null;
    for (const child of children) {
      const now = after.get(child.id);
      if (now && now.parentId === parentId) previous = child.id;
      else if (!now && (parentId === null || after.has(parentId))) place(previous === null ? `first ${parentId}` : `after ${previous}`, child);
    }
  };
  scan(null, fromRoots);
  for (const [id, placed] of before) if (after.has(id)) scan(id, placed.section.children);

  const order: string[] = [];
  const removedSubtree = (section: DiffableSection) => {
    order.push(section.id);
    for (const child of section.children) if (!after.has(child.id)) removedSubtree(child);
  };
  const removedGroup = (key: string) => {
    for (const section of removedAt.get(key) ?? []) removedSubtree(section);
  };
  const children = (parentId: string | null, list: readonly DiffableSection[]) => {
    removedGroup(`first ${parentId}`);
    for (const child of list) {
      order.push(child.id);
      children(child.id, child.children);
      removedGroup(`after ${child.id}`);
    }
  };
  children(null, toRoots);
  return order;
}

/** Structural equality of JSON values; key order does not matter. */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let k = 0; k < a.length; k++) if (!sameJson(a[k], b[k])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (const k of ka) {
    if (!Object.prototype.hasOwnProperty.call(b, k)) return false;
    if (!sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  }
  return true;
}
