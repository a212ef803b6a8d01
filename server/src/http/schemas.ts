import { ErrorBody } from "@codewright/shared";

/** Response schemas for a route: its success body plus the error statuses it can answer with. */
export function responses<T extends Record<number, unknown>, E extends number = never>(ok: T, ...errorStatuses: E[]): T & Record<E, typeof ErrorBody> {
  const all: Record<number, unknown> = { ...ok };
  for (const s of errorStatuses) all[s] = ErrorBody;
  return all as T & Record<E, typeof ErrorBody>;
}
