import type { FastifyReply, FastifyRequest } from "fastify";
import {
  AuthOptions,
  PasswordChanged,
  PasswordResetBody,
  PasswordResetConfirmBody,
  Pending,
  RegisterBody,
  UpdateMeBody,
  UserResponse,
  VerifyEmailBody,
} from "@codewright/shared";
import type { App, RouteOptions } from "../types";
import { responses } from "../schemas";
import { rateLimited } from "../../domain/errors";
import { authOptions, register, resendVerification, verifyEmail } from "../../domain/accounts/registration";
import { confirmPasswordReset, requestPasswordReset } from "../../domain/accounts/password-reset";
import { updateProfile } from "../../domain/accounts/profile";
import { clearSessionCookie, setSessionCookie } from "../session-cookie";

const RESEND = "/api/auth/verify/resend";

/** The address a request would mail, lower-cased: the body's `email`, or the signed-in user's for a new verification link; "" for none. */
function mailedAddress(request: FastifyRequest): string {
  const email = request.routeOptions.url === RESEND ? request.actor?.user.email : (request.body as { email?: unknown } | undefined)?.email;
  return typeof email === "string" ? email.trim().toLowerCase() : "";
}

/** Self-service accounts: registration, address verification, password reset, one's own profile. */
export default async function accountRoutes(app: App, { ctx, config }: RouteOptions) {
  type Limiter = ReturnType<App["createRateLimit"]>;
  const refuseOver = async (limiter: Limiter, request: FastifyRequest, reply: FastifyReply, message: (minutes: number) => string) => {
    const limit = await limiter(request);
    if (limit.isAllowed || !limit.isExceeded) return;
    reply.header("retry-after", limit.ttlInSeconds);
    throw rateLimited(message(Math.max(1, Math.ceil(limit.ttlInSeconds / 60))));
  };

  // Requests that mail someone (register, reset, a new verification link): an hourly budget per
  // address and per email, shared by the three, checked before anything is stored or queued.
  const mailPerAddress = app.createRateLimit({ max: config.limits.accountMailPerAddressPerHour, timeWindow: "1 hour" });
  const mailPerEmail = app.createRateLimit({
    max: config.limits.accountMailPerEmailPerHour,
    timeWindow: "1 hour",
    keyGenerator: (r) => mailedAddress(r),
  });
  const limitMail = async (request: FastifyRequest, reply: FastifyReply) => {
    const message = (minutes: number) => `Too many sign-up and password reset requests. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`;
    await refuseOver(mailPerAddress, request, reply, message);
    // The anonymous asking for a new verification link are refused by the route (401).
    if (mailedAddress(request) !== "") await refuseOver(mailPerEmail, request, reply, message);
  };
  // Requests that spend a mailed token: as many tries a minute from one address as sign-ins.
  const tokenPerAddress = app.createRateLimit({ max: config.limits.loginPerAddressPerMinute, timeWindow: "1 minute" });
  const limitTokens = (request: FastifyRequest, reply: FastifyReply) => refuseOver(tokenPerAddress, request, reply, () => "Too many attempts. Wait a minute and try again.");

  const options = authOptions({ registration: config.registration, oidcName: config.oidc?.name ?? null });
  app.get("/api/auth/options", { schema: { tags: ["auth"], response: responses({ 200: AuthOptions }) } }, async () => options);

  app.post(
    "/api/auth/register",
    { preHandler: limitMail, schema: { tags: ["auth"], body: RegisterBody, response: responses({ 202: Pending }, 400, 403, 429, 503) } },
    async (request, reply) => {
      const pending = await register(ctx, request.body, config.registration);
      reply.status(202);
      return pending;
    },
  );

  app.post(
    "/api/auth/verify",
    { preHandler: limitTokens, schema: { tags: ["auth"], body: VerifyEmailBody, response: responses({ 200: UserResponse }, 400, 429) } },
    async (request, reply) => {
      const { user, sessionToken } = await verifyEmail(ctx, request.body.token);
      setSessionCookie(reply, sessionToken, config.publicUrl);
      return { user };
    },
  );

  app.post(RESEND, { preHandler: limitMail, schema: { tags: ["auth"], response: responses({ 202: Pending }, 401, 409, 429) } }, async (request, reply) => {
    const pending = await resendVerification(ctx, request.actor);
    reply.status(202);
    return pending;
  });

  app.post(
    "/api/auth/password-reset",
    { preHandler: limitMail, schema: { tags: ["auth"], body: PasswordResetBody, response: responses({ 202: Pending }, 400, 429) } },
    async (request, reply) => {
      const pending = await requestPasswordReset(ctx, request.body.email);
      reply.status(202);
      return pending;
    },
  );

  app.post(
    "/api/auth/password-reset/confirm",
    { preHandler: limitTokens, schema: { tags: ["auth"], body: PasswordResetConfirmBody, response: responses({ 200: PasswordChanged }, 400, 429, 503) } },
    async (request, reply) => {
      const changed = await confirmPasswordReset(ctx, request.body.token, request.body.password);
      // Every session of the account ended, this browser's too if it had one.
      clearSessionCookie(reply);
      return changed;
    },
  );

  app.patch("/api/me", { schema: { tags: ["auth"], body: UpdateMeBody, response: responses({ 200: UserResponse }, 400, 401) } }, async (request) =>
    updateProfile(ctx, request.actor, request.body),
  );
}
