import type { ErrorCode } from "@codewright/shared";

/**
 * The one error class of the domain: a stable `code` for programs, a sentence for people,
 * and the HTTP status it maps to. Made by the factories below, one per code, never by hand.
 */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly status: number,
    /** Facts a program needs to act on it (sent as `error.details`). */
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = "DomainError";
  }
}

// 400: the request cannot be carried out as sent.
export const invalidRequest = (message: string) => new DomainError("invalid_request", message, 400);
export const invalidTarget = (message: string) => new DomainError("invalid_target", message, 400);
export const invalidAnchor = (message: string) => new DomainError("invalid_anchor", message, 400);
export const invalidMove = () => new DomainError("invalid_move", "A section cannot be moved inside itself.", 400);
export const invalidParent = () => new DomainError("invalid_parent", "The parent section is not in this proposal's outline.", 400);
export const invalidSection = () => new DomainError("invalid_section", "This section is already in the outline.", 400);
export const invalidVersion = (version: string) =>
  new DomainError(
    "invalid_version",
    `"${version}" is not a valid version: start with a letter or digit, then use up to 63 letters, digits, ".", "+" or "-" (e.g. 1.0.0 or 2026); "draft" is reserved.`,
    400,
  );
export const invalidSchedule = (message: string) => new DomainError("invalid_schedule", message, 400);
export const invalidInvite = () => new DomainError("invalid_invite", "This invite link is unknown, used or expired. Ask an admin for a new one.", 400);
/** A sign-in through the OpenID provider that cannot complete; `reason` says why, for the log (the browser is only told the code). */
export const oidcFailed = (reason: string) => new DomainError("oidc_failed", `Signing in with the provider failed: ${reason}. Start again from the sign-in page.`, 400);
/** A signed or one-time link's token that is malformed, tampered with, used or expired; the message says what to do. */
export const invalidToken = (message: string) => new DomainError("invalid_token", message, 400);
export const invalidUpdate = (message: string) => new DomainError("invalid_update", message, 400);
export const emptyComment = () => new DomainError("empty_comment", "Write something: a comment cannot be empty.", 400);
/** A decision or a disapproval without the reason it needs; the message says which. */
export const reasonRequired = (message: string) => new DomainError("reason_required", message, 400);
export const responseRequired = (message = "A disposition needs a response to the commenter.") => new DomainError("response_required", message, 400);
export const notAMember = (message = "Only members of this standard can co-author a proposal.") => new DomainError("not_a_member", message, 400);
export const notAPublicComment = () => new DomainError("not_a_public_comment", "Only public comments on a release get a disposition.", 400);
/** A webhook address that is not http(s), cannot be resolved, or points inside a private network; the message says which. */
export const webhookUrlNotAllowed = (message: string) => new DomainError("webhook_url_not_allowed", message, 400);

// 401, 403: who is asking, and what they may do.
export const unauthenticated = (message = "Sign in to do this.") => new DomainError("unauthenticated", message, 401);
/** 401 for a failed sign-in; 403 when a signed-in user's current password is wrong (they stay signed in). */
export const invalidCredentials = (signedIn = false) =>
  signedIn ? new DomainError("invalid_credentials", "The current password is not right.", 403) : new DomainError("invalid_credentials", "The email or password is not right.", 401);
export const forbidden = (message = "You do not have the right to do this. Ask an editor or an admin for access.") => new DomainError("forbidden", message, 403);
/** A write by a user whose address is not verified yet: they may read until they verify it. */
export const emailUnverified = (email: string) =>
  new DomainError("email_unverified", `Verify your address: open the link we mailed to ${email}, or ask for a new one.`, 403);
/** Self-service registration is off (`REGISTRATION` is `invite` or `closed`). */
export const registrationClosed = (mode: "invite" | "closed") =>
  new DomainError(
    "registration_closed",
    mode === "invite"
      ? "New accounts are made by invitation here. Ask an admin for an invite link."
      : "This site does not take new accounts. Ask an admin if you need one.",
    403,
  );
/** A cookie-bearing request or websocket from a page of another site (CSRF defence). */
export const originRefused = (message = "This request came from a page of another site and was refused. Use Codewright's own pages.") =>
  new DomainError("origin_refused", message, 403);

// 404
export const notFound = (what: string) => new DomainError("not_found", `No such ${what}. Check the address.`, 404);

// 409: the request conflicts with the state of what it names.
export const slugTaken = (slug: string) => new DomainError("slug_taken", `A standard with the slug "${slug}" already exists. Choose another slug.`, 409);
export const emailTaken = (message = "A user with this email already exists.") => new DomainError("email_taken", message, 409);
export const labelTaken = (label: string) =>
  new DomainError("label_taken", `The label "${label}" is already used in this standard (labels are never reused). Choose another.`, 409);
export const standardNotEmpty = (slug: string) => new DomainError("standard_not_empty", `The standard "${slug}" already has sections; import into a new slug.`, 409);
export const proposalNotDraft = (message: string) => new DomainError("proposal_not_draft", message, 409);
export const proposalNotOpen = (message: string) => new DomainError("proposal_not_open", message, 409);
export const proposalConflict = (message: string) => new DomainError("proposal_conflict", message, 409);
export const commentNotOpen = () => new DomainError("comment_not_open", "This thread is already resolved.", 409);
export const commentNotResolved = () => new DomainError("comment_not_resolved", "This thread is open already.", 409);
export const commentNotDisposed = () => new DomainError("comment_not_disposed", "This comment has no disposition yet: answer it once the editors have disposed of it.", 409);
export const versionTaken = (version: string) =>
  new DomainError("version_taken", `Version ${version} of this standard is already published, and releases never change. Choose a new version.`, 409);
export const alreadyVerified = () => new DomainError("already_verified", "Your address is verified already: there is nothing to confirm.", 409);
export const cycleActive = () =>
  new DomainError("cycle_active", "This standard has an active revision cycle already. Finish or cancel it before starting another.", 409);
/** An action of a stage kind while no stage of that kind is open; the message gives the window. */
export const stageClosed = (message: string) => new DomainError("stage_closed", message, 409);
export const stageRequirementsUnmet = (message: string, blockers: unknown[]) => new DomainError("stage_requirements_unmet", message, 409, { blockers });
/** Publishing an edition whose cycle's last ballot round did not pass as final. */
export const ballotNotPassed = (message = "The edition cannot be published: the last ballot round of this cycle did not pass.") =>
  new DomainError("ballot_not_passed", message, 409);
export const publishConflict = () => new DomainError("publish_conflict", "Other releases of this standard were being published at the same moment. Try again.", 409);

// Other 4xx: the shape of the request itself.
export const documentTooLarge = (message: string) => new DomainError("document_too_large", message, 413);
export const rateLimited = (message = "Too many attempts. Wait a minute and try again.") => new DomainError("rate_limited", message, 429);
export const upgradeRequired = () => new DomainError("upgrade_required", "This address takes websocket connections only.", 426);

// 503: the server cannot take it now; the client tries again later.
export const databaseUnavailable = (message = "The database cannot store changes right now. Try again shortly; if it persists, tell an admin.") =>
  new DomainError("database_unavailable", message, 503);
/** Too many password checks are running and waiting (a sign-in flood): the process stays responsive. */
export const serverBusy = () => new DomainError("server_busy", "The server is busy checking passwords. Try again in a few seconds.", 503);
/** The OpenID provider cannot be reached or did not describe itself; `reason` is for the log. */
export const oidcUnavailable = (reason: string) =>
  new DomainError("oidc_unavailable", `The sign-in provider cannot be reached right now (${reason}). Try again later, or sign in with a password.`, 503);
export const savingPaused = (message = "Saving is paused: the database cannot be written. Try again shortly.") => new DomainError("saving_paused", message, 503);
export const roomFull = () => new DomainError("room_full", "This section has as many people connected as the server allows. Try again later.", 503);
export const tooManyRooms = () => new DomainError("too_many_rooms", "This server has as many sections open as it allows. Try again later.", 503);
export const roomClosing = () => new DomainError("room_closing", "The room is closing. Try again.", 503);
export const serverShuttingDown = () => new DomainError("shutting_down", "The server is restarting. Try again shortly.", 503);

