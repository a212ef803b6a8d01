import { Value } from "typebox/value";
import { Label } from "../api/common";

/** A section label: a letter, then up to 63 letters, digits, `.`, `_` or `-` (`BC-2.3`), as the API's `Label`. */
export const SECTION_LABEL_PATTERN = new RegExp((Label as typeof Label & { pattern: string }).pattern, "u");

/** Whether `label` may label a section: whether the API takes it as a `Label`. */
export function isSectionLabel(label: string): boolean {
  return Value.Check(Label, label);
}
