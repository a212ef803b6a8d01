import type { FastifyReply } from "fastify";
import { Type } from "typebox";
import type { App, RouteOptions } from "../types";
import { responses } from "../schemas";
import { completeOidcSignIn, OIDC_FLOW_TTL_MS, startOidcSignIn } from "../../domain/oidc";
import { DomainError } from "../../domain/errors";
import { OpenIdClient } from "../../auth/oidc-client";
import { setSessionCookie } from "../session-cookie";

/** Binds a started sign-in to the browser that started it: holds its state until the provider sends the browser back. */
const STATE_COOKIE = "cw_oidc_state";
const COOKIE_PATH = "/api/auth/oidc";
/** The sign-in page of the web client; a failed sign-in lands there with `?error=<code>`. */
const SIGN_IN_PAGE = "/login";

const StartQuery = Type.Object({
  /** A path of this site to come back to once signed in; anything else is "/". */
  returnTo: Type.Optional(Type.String({ maxLength: 2000 })),
});
/** The authorization response (RFC 6749 4.1.2, RFC 9207's `iss`); providers may add more. */
const CallbackQuery = Type.Object({
  code: Type.Optional(Type.String()),
  state: Type.Optional(Type.String()),
  iss: Type.Optional(Type.String()),
  error: Type.Optional(Type.String()),
  error_description: Type.Optional(Type.String()),
});
const Redirect = Type.Null({ description: "A redirect (Location): to the provider, back to the page to return to, or to the sign-in page with `?error=<code>`." });

/**
 * Single sign-on through the OpenID provider of `OIDC_ISSUER`. Both routes are browser
 * navigations, so every outcome is a redirect: a failure goes to the sign-in page with the error
 * code (`oidc_failed`, `oidc_unavailable`, `registration_closed`, `email_taken`, `forbidden`). With
 * no provider configured they answer 404 `not_found`.
 */
export default async function oidcRoutes(app: App, { ctx, config }: RouteOptions) {
  const provider = config.oidc ? new OpenIdClient(config.oidc) : null;
  const callbackPath = `${COOKIE_PATH}/callback`;
  const rateLimit = { max: config.limits.loginPerAddressPerMinute, timeWindow: "1 minute" };
  const stateCookie = { path: COOKIE_PATH, httpOnly: true, sameSite: "lax" as const, secure: config.publicUrl.startsWith("https:") };

  /** Sends the browser to the sign-in page with the code of what went wrong; other errors answer as usual. */
  const failed = (reply: FastifyReply, err: unknown) => {
    if (!(err instanceof DomainError) || err.code === "not_found") throw err;
    reply.log.info({ code: err.code, reason: err.message }, "single sign-on did not complete");
    return reply.redirect(`${SIGN_IN_PAGE}?error=${err.code}`, 302);
  };

  app.get(
    `${COOKIE_PATH}/start`,
    { config: { rateLimit }, schema: { tags: ["auth"], querystring: StartQuery, response: responses({ 302: Redirect }, 400, 404, 429) } },
    async (request, reply) => {
      try {
        const { url, state } = await startOidcSignIn(ctx, provider, { redirectUri: `${config.publicUrl}${callbackPath}`, returnTo: request.query.returnTo });
        reply.setCookie(STATE_COOKIE, state, { ...stateCookie, maxAge: OIDC_FLOW_TTL_MS / 1000 });
        return reply.redirect(url, 302);
      } catch (err) {
        return failed(reply, err);
      }
    },
  );

  app.get(
    callbackPath,
    { config: { rateLimit }, schema: { tags: ["auth"], querystring: CallbackQuery, response: responses({ 302: Redirect }, 400, 404, 429) } },
    async (request, reply) => {
      // The address the provider sent the browser to, as registered: the public one, with the response's parameters.
      const callbackUrl = new URL(`${config.publicUrl}${callbackPath}`);
      callbackUrl.search = new URL(request.url, "http://callback.invalid").search;
      const browserState = request.cookies[STATE_COOKIE];
      if (provider) reply.clearCookie(STATE_COOKIE, stateCookie);
      try {
        const { sessionToken, returnTo } = await completeOidcSignIn(ctx, provider, { callbackUrl, browserState, registration: config.registration });
        setSessionCookie(reply, sessionToken, config.publicUrl);
        return reply.redirect(returnTo, 302);
      } catch (err) {
        return failed(reply, err);
      }
    },
  );
}
