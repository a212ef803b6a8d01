import type { TString } from "typebox";
import { Value } from "typebox/value";
import { markdownError } from "./body";

/**
 * Refuses imported text that the API would refuse as `schema` (its `Title` or `LongText`, whose
 * lengths and characters are the one definition), so an import stores nothing a request could
 * not. `what` names the text in the sentence, e.g. "The title at line 1". Throws `ContentError`
 * `invalid_markdown` with `line`.
 */
export function checkText(schema: TString, text: string, line: number, what: string): void {
  const [error] = Value.Errors(schema, text);
  if (!error) return;
  if (error.keyword === "maxLength") markdownError(line, `${what} is longer than ${String(error.params.limit)} characters.`);
  if (error.keyword === "minLength") markdownError(line, `${what} is empty.`);
  // The schema's pattern is a class of characters: find the first one it refuses, to name it.
  const refused = [...text].find((ch): boolean => !Value.Check(schema, ch));
  const code = refused === undefined ? "" : ` (U+${refused.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")})`;
  markdownError(line, `${what} holds a character that is not allowed${code}: control characters, lone surrogates and bidirectional overrides are refused.`);
}
