/**
 * Stable codes of `ContentError`. Callers switch on these, never on the message.
 *
 * - `invalid_content`: section body JSON does not fit the schema, or a link is unsafe.
 * - `invalid_outline`: sections form a cycle, name a missing parent, or repeat an id.
 * - `invalid_markdown`: an imported Markdown file breaks the standard's format.
 * - `unknown_reference`: a `[[LABEL]]` cross-reference names no known section.
 */
export type ContentErrorCode =
  | "invalid_content"
  | "invalid_outline"
  | "invalid_markdown"
  | "unknown_reference";

/** Where in the input an error was found; every field is optional. */
export interface ContentErrorLocation {
  /** 1-based line in a Markdown source. */
  line?: number;
  /** Id of the section at fault (outline errors). */
  section?: string;
}

/**
 * The one error class for bad documents, outlines and imports: a stable `code` and a
 * sentence a person can act on. `line` is set for Markdown errors, so a command line
 * can print `file.md:12: message`.
 */
export class ContentError extends Error {
  override readonly name = "ContentError";
  readonly code: ContentErrorCode;
  readonly line: number | undefined;
  readonly section: string | undefined;

  constructor(code: ContentErrorCode, message: string, location: ContentErrorLocation = {}) {
    super(message);
    this.code = code;
    this.line = location.line;
    this.section = location.section;
  }
}

/** True when `error` is a `ContentError`, optionally with the given code. */
export function isContentError(error: unknown, code?: ContentErrorCode): error is ContentError {
  return error instanceof ContentError && (code === undefined || error.code === code);
}

export type { ErrorCode } from "./codes";
