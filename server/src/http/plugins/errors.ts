import fp from "fastify-plugin";
import type { FastifyError, FastifyInstance } from "fastify";
import { ContentError } from "@codewright/shared";
import { DomainError } from "../../domain/errors";

function body(code: string, message: string) {
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

/** Maps every error to `{ error: { code, message } }`; a 5xx never shows its details. */
export const errorsPlugin = fp(
  async (app: FastifyInstance) => {
    app.setErrorHandler((err: FastifyError | DomainError, request, reply) => {
      if (err instanceof DomainError) return reply.status(err.status).send(body(err.code, err.message));
      if (err instanceof ContentError) return reply.status(400).send(body(err.code, err.message));
      const e = err as FastifyError;
      if (e.validation) {
        return reply.status(400).send(body("invalid_request", `The request is not valid: ${e.message}. Check the fields and try again.`));
      }
      switch (e.code) {
        case "FST_ERR_CTP_BODY_TOO_LARGE":
          return reply.status(413).send(body("body_too_large", "The request body is larger than this server accepts. Send less at once."));
        case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
          return reply.status(415).send(body("unsupported_media_type", "Send the body as application/json."));
        case "FST_ERR_CTP_EMPTY_JSON_BODY":
          return reply.status(400).send(body("invalid_json", "The body is empty; send a JSON object."));
        case "FST_ERR_CTP_INVALID_JSON_BODY":
          return reply.status(400).send(body("invalid_json", "The body is not valid JSON."));
      }
      if (e.statusCode === 429) {
        return reply.status(429).send(body("rate_limited", "Too many attempts. Wait a minute and try again."));
      }
      if (e instanceof SyntaxError || e.statusCode === 400) {
        // JSON syntax errors and prototype-poisoning keys (`__proto__`, `constructor.prototype`).
        return reply.status(400).send(body("invalid_json", `The body could not be read: ${e.message}`));
      }
      if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) {
        return reply.status(e.statusCode).send(body(e.code?.toLowerCase() ?? "bad_request", e.message));
      }
      if (databaseUnavailable(err)) {
        request.log.error({ err }, "the database cannot take the request");
        return reply.status(503).send(body("database_unavailable", "The database cannot store changes right now. Try again shortly; if it persists, tell an admin."));
      }
      request.log.error({ err }, "request failed");
      return reply.status(500).send(body("internal_error", "Something went wrong on the server. Try again; if it persists, tell an admin."));
    });
  },
  { name: "errors" },
);
