import type { FastifyReply } from "fastify";
import { SESSION_COOKIE } from "../auth/credentials";
import { SESSION_TTL_MS } from "../domain/auth";

/** Sets the session cookie of a new session: httpOnly, SameSite=Lax, Secure when the site is served over https. */
export function setSessionCookie(reply: FastifyReply, sessionToken: string, publicUrl: string): void {
  reply.setCookie(SESSION_COOKIE, sessionToken, { path: "/", httpOnly: true, sameSite: "lax", secure: publicUrl.startsWith("https:"), maxAge: SESSION_TTL_MS / 1000 });
}

/** Removes the session cookie (its session ended). */
export function clearSessionCookie(reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, { path: "/" });
}
