/**
 * The one error class of the domain: a stable `code` for programs, a sentence for people,
 * and the HTTP status it maps to. Made by the factories below, never by hand in routes.
 */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = "DomainError";
  }
}

export const invalid = (code: string, message: string) => new DomainError(code, message, 400);
export const unauthenticated = (message = "Sign in to do this.") => new DomainError("unauthenticated", message, 401);
export const forbidden = (message = "You do not have the right to do this. Ask an editor or an admin for access.") =>
  new DomainError("forbidden", message, 403);
export const notFound = (what: string) => new DomainError("not_found", `No such ${what}. Check the address.`, 404);
export const conflict = (code: string, message: string) => new DomainError(code, message, 409);
export const unavailable = (code: string, message: string) => new DomainError(code, message, 503);
