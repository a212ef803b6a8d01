/** A section label: a letter, then up to 63 letters, digits, `.`, `_` or `-` (`BC-2.3`). */
export const SECTION_LABEL_PATTERN = /^[A-Za-z][A-Za-z0-9._-]{0,63}$/;

/** Whether `label` may label a section (see `SECTION_LABEL_PATTERN`). */
export function isSectionLabel(label: string): boolean {
  return SECTION_LABEL_PATTERN.test(label);
}
