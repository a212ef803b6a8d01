import type { FastifyReply } from "fastify";
import type { Config } from "../config";
import { SESSION_TTL_MS } from "../domain/auth";
import { SESSION_COOKIE } from "../auth/credentials";

/** Hands the browser its session, the same way whichever way the user signed in. */
export function setSessionCookie(reply: FastifyReply, config: Config, sessionToken: string): void {
  reply.setCookie(SESSION_COOKIE, sessionToken, { path: "/", httpOnly: true, sameSite: "lax", secure: config.publicUrl.startsWith("https:"), maxAge: SESSION_TTL_MS / 1000 });
}
