import { Type, type Static } from "typebox";
import type { ErrorCode } from "../errors";

/**
 * The body of every error response: a stable code for programs and a sentence for people. The
 * schema says string so that older clients accept codes added later; the type names them all.
 */
export const ErrorBody = Type.Object(
  {
    error: Type.Object({
      code: Type.String(),
      message: Type.String(),
      /** What a program needs to act on the error, for the codes that carry it (e.g. the blockers of `stage_requirements_unmet`). */
      details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    }),
  },
  { $id: "ErrorBody" },
);
export type ErrorBody = { error: { code: ErrorCode; message: string; details?: Record<string, unknown> } };

export const Uuid = Type.String({ format: "uuid" });
/** A standard's slug: lower-case words joined by hyphens. */
export const Slug = Type.String({ pattern: "^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$", maxLength: 64 });
/** A section label: survives renumbering, e.g. `BC-2.3`. */
export const Label = Type.String({ pattern: "^[A-Za-z][A-Za-z0-9._-]{0,63}$", maxLength: 64 });
/**
 * Short human text (names, titles): no control characters, no lone surrogates (they cannot be
 * stored as UTF-8 without silently changing), no bidirectional overrides (they make text read
 * differently from how it is stored).
 */
export const TITLE_PATTERN = "^[^\\u0000-\\u001f\\u007f\\u202a-\\u202e\\u2066-\\u2069\\ud800-\\udfff]*$";
export const Title = Type.String({ minLength: 1, maxLength: 300, pattern: TITLE_PATTERN });
/** Longer human text (descriptions, notes, rationales, comments): line breaks allowed, otherwise as Title. */
export const LongText = Type.String({ maxLength: 20000, pattern: "^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f\\u202a-\\u202e\\u2066-\\u2069\\ud800-\\udfff]*$" });
export const Email = Type.String({ format: "email", maxLength: 254 });
export const Ok = Type.Object({ ok: Type.Literal(true) });
export type Ok = Static<typeof Ok>;

/**
 * An object schema of booleans, one per name: what the asking user may do (for showing
 * buttons; the server checks every action again).
 */
export function Flags<const K extends string>(names: readonly K[]) {
  return Type.Object(Object.fromEntries(names.map((n) => [n, Type.Boolean()])) as { [P in K]: ReturnType<typeof Type.Boolean> });
}
