import fp from "fastify-plugin";
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { ContentError, type ErrorBody, type ErrorCode } from "@codewright/shared";
import { DomainError } from "../../domain/errors";

function body(code: ErrorCode, message: string): ErrorBody {
  return { error: { code, message } };
}

/** Node socket errors that mean the database server cannot be reached. */
const UNREACHABLE = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "EHOSTUNREACH", "ENOSPC", "EROFS"]);

/**
 * True when the database cannot take the request now but may later: it is read-only (25006), out of
 * disk, memory or connections (class 53), shutting down or starting (57P0x), or unreachable
 * (class 08, a lost socket). Such a failure is the operator's to fix, not a bug: a 503 says so.
 */
function databaseUnavailable(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  if (typeof code === "string") return code === "25006" || /^(53|08)[0-9A-Z]{3}$/.test(code) || /^57P0[1-3]$/.test(code) || UNREACHABLE.has(code);
  return err instanceof Error && /^Connection terminated|timeout exceeded when trying to connect/.test(err.message);
}

/** Fastify's own request errors, by its internal code, as our codes and sentences. */
const FASTIFY_ERRORS: Record<string, { status: number; code: ErrorCode; message: (e: FastifyError) => string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: "body_too_large", message: () => "The request body is larger than this server accepts. Send less at once." },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, code: "unsupported_media_type", message: () => "Send the body as application/json." },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: "invalid_json", message: () => "The body is empty; send a JSON object." },
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: "invalid_json", message: () => "The body is not valid JSON." },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: "invalid_json", message: (e) => `The body could not be read: ${e.message}` },
  FST_ERR_BAD_URL: { status: 400, code: "invalid_request", message: () => "The address is not valid: it has a malformed %-escape. Check the address." },
  FST_ERR_MAX_PARAM_LENGTH: { status: 414, code: "uri_too_long", message: () => "A part of the address is longer than this server accepts. Check the address." },
  FST_ERR_NOT_FOUND: { status: 404, code: "not_found", message: () => "No such address. Check the address." },
};

/** Any other 4xx a plugin raises, by status: never Fastify's internal names. */
const BY_STATUS: Record<number, ErrorCode> = {
  400: "invalid_request",
  401: "unauthenticated",
  403: "forbidden",
  404: "not_found",
  413: "body_too_large",
  414: "uri_too_long",
  415: "unsupported_media_type",
  429: "rate_limited",
};

/** The status and body every error is answered with; a 5xx never shows its details. */
export function errorResponse(err: unknown, request: FastifyRequest): { status: number; body: ErrorBody } {
  if (err instanceof DomainError) return { status: err.status, body: err.details ? { error: { code: err.code, message: err.message, details: err.details } } : body(err.code, err.message) };
  if (err instanceof ContentError) return { status: 400, body: body(err.code, err.message) };
  const e = err as FastifyError;
  if (e.validation) return { status: 400, body: body("invalid_request", `The request is not valid: ${e.message}. Check the fields and try again.`) };
  const known = e.code ? FASTIFY_ERRORS[e.code] : undefined;
  if (known) return { status: known.status, body: body(known.code, known.message(e)) };
  if (e.statusCode === 429) return { status: 429, body: body("rate_limited", "Too many attempts. Wait a minute and try again.") };
  if (e instanceof SyntaxError || (e.statusCode === 400 && !e.code)) {
    // JSON syntax errors and prototype-poisoning keys (`__proto__`, `constructor.prototype`).
    return { status: 400, body: body("invalid_json", `The body could not be read: ${e.message}`) };
  }
  if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) {
    return { status: e.statusCode, body: body(BY_STATUS[e.statusCode] ?? "invalid_request", e.message) };
  }
  if (databaseUnavailable(err)) {
    request.log.error({ err }, "the database cannot take the request");
    return { status: 503, body: body("database_unavailable", "The database cannot store changes right now. Try again shortly; if it persists, tell an admin.") };
  }
  request.log.error({ err }, "request failed");
  return { status: 500, body: body("internal_error", "Something went wrong on the server. Try again; if it persists, tell an admin.") };
}

/**
 * For Fastify's `frameworkErrors` option: the errors Fastify answers before any route or hook
 * runs (a malformed %-escape, an over-long path parameter) get the same body as every other error.
 */
export function frameworkErrors(err: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const { status, body } = errorResponse(err, request);
  void reply.status(status).send(body);
}

/** Maps every error to `{ error: { code, message } }`; a 5xx never shows its details. */
export const errorsPlugin = fp(
  async (app: FastifyInstance) => {
    app.setErrorHandler((err: FastifyError | DomainError, request, reply) => {
      const { status, body } = errorResponse(err, request);
      return reply.status(status).send(body);
    });
  },
  { name: "errors" },
);
