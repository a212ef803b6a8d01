import { ContentError } from "../errors";

/**
 * Bidirectional embedding, override and isolate controls (U+202A–U+202E, U+2066–U+2069): they
 * make text display in an order other than the one it is stored and compared in ("Trojan Source",
 * CVE-2021-42574). The API refuses them in every text field; section bodies refuse them too.
 */
const BIDI_CONTROL = /[\u202a-\u202e\u2066-\u2069]/;
const BIDI_CONTROLS = new RegExp(BIDI_CONTROL.source, "g");

/** Whether `text` holds a bidirectional control character. */
export function hasBidiControl(text: string): boolean {
  return BIDI_CONTROL.test(text);
}

/** `text` without its bidirectional control characters. */
export function withoutBidiControls(text: string): string {
  return text.replace(BIDI_CONTROLS, "");
}

/**
 * Throws `ContentError` `invalid_content` when any string in `json` (text, attribute and mark
 * values) holds a bidirectional control character; returns otherwise.
 */
export function assertNoBidiControls(json: unknown): void {
  const pending: unknown[] = [json];
  while (pending.length > 0) {
    const value = pending.pop();
    if (typeof value === "string") {
      if (hasBidiControl(value)) throw new ContentError("invalid_content", "Section content must not hold bidirectional control characters (U+202A–U+202E, U+2066–U+2069).");
    } else if (Array.isArray(value)) pending.push(...value);
    else if (value !== null && typeof value === "object") pending.push(...Object.values(value));
  }
}
