import type { SectionDiff, SectionStatus } from "@codewright/shared";
import { diffBlocks } from "./diff-blocks";

/** The element id of a section in the diff page. */
export const sectionAnchor = (sectionId: string) => `change-${sectionId}`;

/** The element id of one block of a section in the diff page. */
export const blockAnchor = (sectionId: string, block: number) => `change-${sectionId}-${block}`;

// Statuses shown in a section's heading; `modified` is shown in its blocks instead.
const HEADING_STATUSES: ReadonlySet<SectionStatus> = new Set<SectionStatus>(["added", "removed", "moved", "renumbered", "retitled", "relabelled"]);

/**
 * The places next/previous change navigation stops at, as element ids in reading order: a
 * section's heading when the section was added, removed, moved, renumbered, retitled or
 * relabelled, then each changed block of a modified section. Unchanged sections have none.
 */
export function changeStops(sections: readonly SectionDiff[]): string[] {
  const stops: string[] = [];
  for (const section of sections) {
    if (section.status.some((s) => HEADING_STATUSES.has(s))) stops.push(sectionAnchor(section.id));
    if (section.status.includes("modified")) {
      for (const block of diffBlocks(section.changes)) if (block.change !== "equal") stops.push(blockAnchor(section.id, block.index));
    }
  }
  return stops;
}

/**
 * The stop after (`1`) or before (`-1`) `current`. From nowhere, or from a place that is no
 * stop, it is the first (or last) stop. Null past either end, and when there are none.
 */
export function stepStop(stops: readonly string[], current: string | null, direction: 1 | -1): string | null {
  const at = current === null ? -1 : stops.indexOf(current);
  if (at === -1) return (direction === 1 ? stops[0] : stops[stops.length - 1]) ?? null;
  return stops[at + direction] ?? null;
}

/** The parts of a key press the shortcuts read. */
export interface KeyPress {
  key: string;
  altKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
  defaultPrevented: boolean;
  target: EventTarget | null;
}

/**
 * Which way a key press moves between changes: `j` forward, `k` back, as in many readers.
 * Null for other keys, with a modifier, or while the reader types in a field.
 */
export function changeShortcut(event: KeyPress): 1 | -1 | null {
  if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || isTypingTarget(event.target)) return null;
  if (event.key === "j") return 1;
  if (event.key === "k") return -1;
  return null;
}

/** Whether keys pressed on `target` are text for it: form fields and editable content. */
export function isTypingTarget(target: EventTarget | null): boolean {
  const element = target as { tagName?: unknown; isContentEditable?: unknown } | null;
  if (!element || typeof element.tagName !== "string") return false;
  return element.isContentEditable === true || ["INPUT", "TEXTAREA", "SELECT"].includes(element.tagName.toUpperCase());
}
