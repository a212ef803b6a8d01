import type { CommentThread, DispositionValue } from "@codewright/shared";

/**
 * Where a thread belongs beside a section: on a range of its text (`anchored`), on text since
 * deleted (`orphaned`, shown "on deleted text", never dropped), on the whole section or
 * proposal (`whole`), or on text the server could not read here (`unplaced`, shown by quote).
 */
export type Placement = "anchored" | "orphaned" | "whole" | "unplaced";

export function placementOf(thread: Pick<CommentThread, "anchor" | "position">): Placement {
  if (!thread.anchor) return "whole";
  switch (thread.position?.state) {
    case "active":
      return "anchored";
    case "deleted":
      return "orphaned";
    default:
      return "unplaced";
  }
}

/**
 * Threads in margin order: open before resolved; within each, anchored threads in text order,
 * then the unplaced, the orphaned and whole-section ones, oldest first.
 */
export function marginOrder<T extends Pick<CommentThread, "anchor" | "position" | "state" | "createdAt">>(threads: readonly T[]): T[] {
  const rank: Record<Placement, number> = { anchored: 0, unplaced: 1, orphaned: 2, whole: 3 };
  const at = (t: T) => (t.position?.state === "active" ? t.position.from : 0);
  return [...threads].sort(
    (a, b) =>
      Number(a.state === "resolved") - Number(b.state === "resolved") ||
      rank[placementOf(a)] - rank[placementOf(b)] ||
      at(a) - at(b) ||
      a.createdAt.localeCompare(b.createdAt),
  );
}

/** A disposition as the form and the thread read it. */
export const DISPOSITION_CHOICES: ReadonlyArray<{ value: DispositionValue; label: string }> = [
  { value: "accepted", label: "Accepted" },
  { value: "accepted-with-modification", label: "Accepted with modification" },
  { value: "rejected", label: "Rejected" },
  { value: "deferred", label: "Deferred" },
  { value: "duplicate", label: "Duplicate" },
  { value: "not-related", label: "Not related" },
  { value: "noted", label: "Noted" },
];

export function dispositionLabel(value: DispositionValue): string {
  return DISPOSITION_CHOICES.find((c) => c.value === value)?.label ?? value;
}
