import type { SectionDiff, SectionStatus } from "@codewright/shared";

/** A status as a badge reads it. */
export const STATUS_LABELS: Readonly<Record<SectionStatus, string>> = {
  added: "Added",
  removed: "Removed",
  moved: "Moved",
  renumbered: "Renumbered",
  retitled: "Retitled",
  relabelled: "Relabelled",
  modified: "Modified",
  unchanged: "Unchanged",
};

/** Whether anything about the section changed. */
export function isChanged(section: Pick<SectionDiff, "status">): boolean {
  return !section.status.every((s) => s === "unchanged");
}

/**
 * Sentences saying what happened to a section, one per status, for the line under its
 * heading: "Moved from 1.2 to 2.1", "Renumbered 2.1 → 2.2". A move names both numbers, so
 * it is not repeated as a renumbering; the word changes speak for `modified`.
 */
export function describeSection(section: Pick<SectionDiff, "status" | "before" | "after">): string[] {
  const { before, after, status } = section;
  const notes: string[] = [];
  for (const s of status) {
    switch (s) {
      case "added":
        if (after) notes.push(`Added as ${after.number}`);
        break;
      case "removed":
        if (before) notes.push(`Removed; was ${before.number}`);
        break;
      case "moved":
        if (before && after) notes.push(before.number === after.number ? `Moved to a new place, still ${after.number}` : `Moved from ${before.number} to ${after.number}`);
        break;
      case "renumbered":
        if (before && after && !status.includes("moved")) notes.push(`Renumbered ${before.number} → ${after.number}`);
        break;
      case "retitled":
        if (before) notes.push(`Retitled; was “${before.title}”`);
        break;
      case "relabelled":
        if (before && after) notes.push(`Label ${before.label} → ${after.label}`);
        break;
      case "modified":
        notes.push("Text changed");
        break;
      case "unchanged":
        notes.push("Unchanged");
        break;
    }
  }
  return notes;
}

/** The sections a reader asked to see: every one, or only those that changed. */
export function visibleSections<T extends Pick<SectionDiff, "status">>(sections: readonly T[], changedOnly: boolean): T[] {
  return changedOnly ? sections.filter(isChanged) : [...sections];
}
