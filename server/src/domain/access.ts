import type { StageKind, StandardPermissions } from "@codewright/shared";
import type { Db } from "../db/database";
import type { MembershipRow, StandardRow } from "../db/tables/standards";
import type { UserRow } from "../db/tables/users";
import type { Actor } from "./auth";
import { emailUnverified, forbidden, notFound, unauthenticated, type DomainError } from "./errors";

/**
 * Every permission rule of a standard, in one place. Routes and the sync server ask here;
 * nothing else decides who may read or write.
 *
 * A user whose address is not verified yet may sign in and read what their rights let them read,
 * and manage their own account; anything that writes (sections, proposals, votes, decisions,
 * comments, settings, administration, live edits) needs a verified address. Every predicate and
 * assertion of a write below includes that rule (`verified`), and a refusal says 403
 * `email_unverified` exactly when verifying would be enough to allow it.
 */
export interface StandardAccess {
  standard: StandardRow;
  actor: Actor | null;
  membership: MembershipRow | null;
}

/** Access of someone signed in: what the assertions below narrow to once they pass. */
export type ActorAccess = StandardAccess & { actor: Actor };

export async function standardAccess(db: Db, standard: StandardRow, actor: Actor | null): Promise<StandardAccess> {
  const membership = actor
    ? ((await db
        .selectFrom("memberships")
        .selectAll()
        .where("standard_id", "=", standard.id)
        .where("user_id", "=", actor.user.id)
        .executeTakeFirst()) ?? null)
    : null;
  return { standard, actor, membership };
}

const isAdmin = (a: StandardAccess) => a.actor?.user.is_admin === true;

/** True when the actor's address is verified: admin-made, invited and first-start accounts are; registered ones once they open the mailed link. */
export const isVerified = (actor: Actor | null) => actor !== null && actor.user.email_verified_at !== null;
const verified = (a: StandardAccess) => isVerified(a.actor);

/** Throws 403 `email_unverified` unless the actor's address is verified. */
export function assertVerified(actor: Actor): void {
  if (!isVerified(actor)) throw emailUnverified(actor.user.email);
}

/** The same access as if the actor's address were verified: to tell whether verifying would be enough. */
function onceVerified(a: ActorAccess): ActorAccess {
  if (verified(a)) return a;
  return { ...a, actor: { ...a.actor, user: { ...a.actor.user, email_verified_at: new Date(0) } } };
}

/** The refusal of a write `allowed` does not let the actor make: `email_unverified` when verifying would, else 403 with `message`. */
function refusal(a: ActorAccess, allowed: (a: ActorAccess) => boolean, message: string): DomainError {
  return allowed(onceVerified(a)) ? emailUnverified(a.actor.user.email) : forbidden(message);
}

/** Who reads a standard: anyone when it is public, else its members and admins. */
const readRule = (standard: Pick<StandardRow, "is_public">, admin: boolean, member: boolean) => standard.is_public || admin || member;

export const canRead = (a: StandardAccess) => readRule(a.standard, isAdmin(a), a.membership !== null);

/**
 * Whether a user may read the standard now, outside any request of theirs: the recipient of a
 * notification or a mail. A disabled user reads nothing.
 */
export const userCanRead = (standard: Pick<StandardRow, "is_public">, user: Pick<UserRow, "is_admin" | "disabled_at">, isMember: boolean) =>
  user.disabled_at === null && readRule(standard, user.is_admin, isMember);
export const isMember = (a: StandardAccess) => a.membership !== null;
export const isEditor = (a: StandardAccess) => isAdmin(a) || a.membership?.role === "editor";
/** Members with voting rights vote. */
export const canVote = (a: StandardAccess) => a.membership?.voting === true && verified(a);

/**
 * Throws unless the actor may read the standard. A members-only standard is reported as missing
 * to those who may not see it, so its existence does not leak.
 */
export function assertRead(a: StandardAccess): void {
  if (!canRead(a)) throw notFound("standard");
}

/** Throws 404 unless the actor may read the standard, then 401 for the anonymous. */
function assertSignedInReader(a: StandardAccess): asserts a is ActorAccess {
  assertRead(a);
  if (!a.actor) throw unauthenticated();
}

/** Throws 401 for the anonymous, 403 for others, unless the actor edits this standard and may write (a verified address). */
export function assertEditor(a: StandardAccess): asserts a is ActorAccess {
  assertEditorRead(a);
  assertVerified(a.actor);
}

/** As `assertEditor`, for what editors read (the member list): no verified address needed. */
export function assertEditorRead(a: StandardAccess): asserts a is ActorAccess {
  assertSignedInReader(a);
  if (!isEditor(a)) throw forbidden("Only an editor of this standard can do this.");
}

export function assertMember(a: StandardAccess): asserts a is ActorAccess {
  assertSignedInReader(a);
  if (!isAdmin(a) && !isMember(a)) throw forbidden("Only members of this standard can do this. Ask an admin to add you.");
}

/**
 * Throws unless the actor administers this standard's settings and members (admins do): 404 for
 * those who may not read it, as `assertRead`, then 401 for the anonymous, 403 for its readers.
 */
export function assertManage(a: StandardAccess): asserts a is ActorAccess {
  assertSignedInReader(a);
  if (!isAdmin(a)) throw forbidden("Only an admin can do this.");
  assertVerified(a.actor);
}

/** Throws 401 for the anonymous, 403 for others, unless the actor is an admin who may write (a verified address). */
export function assertAdmin(actor: Actor | null): asserts actor is Actor {
  assertAdminRead(actor);
  assertVerified(actor);
}

/** As `assertAdmin`, for what admins read (the user list): no verified address needed. */
export function assertAdminRead(actor: Actor | null): asserts actor is Actor {
  if (!actor) throw unauthenticated();
  if (!actor.user.is_admin) throw forbidden("Only an admin can do this.");
}

/** Throws 401 for the anonymous. */
export function assertSignedIn(actor: Actor | null): asserts actor is Actor {
  if (!actor) throw unauthenticated();
}

/** What a connection to a live room may do. Reading includes receiving every update and presence. */
export interface RoomRights {
  read: boolean;
  write: boolean;
  /** True when the connection would write if its user's address were verified: a write is refused with `email_unverified`. */
  unverified: boolean;
}

/** How a person appears to others in a room's presence list. */
export type PresenceRole = "admin" | "editor" | "contributor" | "reader";

/** Rights in a room of the standard's draft: editors (and admins) with a verified address write, those who may read the standard read. */
export function draftRoomRights(a: StandardAccess): RoomRights {
  const read = canRead(a);
  const editor = read && a.actor !== null && isEditor(a);
  return { read, write: editor && verified(a), unverified: editor && !verified(a) };
}

export function presenceRole(a: StandardAccess): PresenceRole {
  if (a.membership) return a.membership.role;
  return isAdmin(a) ? "admin" : "reader";
}

// ---------------------------------------------------------------------------------------------
// The revision workflow: proposals, votes, decisions and comments.

/** A proposal as permission rules see it: who wrote it, who co-authors it, where it stands. */
export interface ProposalFacts {
  authorId: string;
  coAuthorIds: readonly string[];
  state: "draft" | "open" | "accepted" | "rejected" | "withdrawn";
  /** The cycle it is an input to; null for a proposal outside any cycle's input. */
  cycleId: string | null;
  /** The working stage of its cycle now (see `workingStage`), while that cycle is active; null otherwise. */
  cycleStage: StageKind | null;
}

/** Whether the standard's active cycle takes inputs now, for `canPropose` and `standardPermissions`. */
export interface ProposalWindow {
  /** The standard has an active cycle. */
  active: boolean;
  /** Its `input` stage is the working stage now. */
  inputOpen: boolean;
}
/** A standard with no active cycle: members propose at any time, as before cycles. */
export const NO_CYCLE: ProposalWindow = { active: false, inputOpen: false };

const actorId = (a: StandardAccess) => a.actor?.user.id;
const belongs = (a: StandardAccess) => isAdmin(a) || isMember(a);

/**
 * Public input: on a public standard, the author of an input and their co-authors act on it as
 * members would, members or not (they still vote on nothing and read only what readers read).
 * On a members-only standard, only members take part.
 */
const inputWriter = (a: StandardAccess, p: ProposalFacts) => belongs(a) || (p.cycleId !== null && a.standard.is_public);

/**
 * Members start proposals; while a cycle's input stage is open, so does any verified reader of a
 * public standard (their proposal is an input). Outside the input stage of an active cycle, only
 * editors start proposals (not inputs: they carry out dispositions); the others are told the
 * stage is closed, which `createProposal` checks against the cycle.
 */
export const canPropose = (a: StandardAccess, w: ProposalWindow = NO_CYCLE) =>
  a.actor !== null && canRead(a) && verified(a) && (belongs(a) || (w.inputOpen && a.standard.is_public));
/** Outside the input stage of an active cycle, editors still start (and submit) proposals that are not inputs. */
export const canProposeOutsideInput = (a: StandardAccess) => canDecide(a);
/** The proposal's author, while still a member (or, for an input to a public standard, a reader). */
export const isProposalAuthor = (a: StandardAccess, p: ProposalFacts) => a.actor !== null && actorId(a) === p.authorId && inputWriter(a, p);
/** The author, while still a member, submits, reopens, withdraws and invites co-authors (the state is checked by the caller). */
export const canActAsAuthor = (a: StandardAccess, p: ProposalFacts) => isProposalAuthor(a, p) && verified(a);
/** The author and invited co-authors, while members (or, for an input to a public standard, readers). */
export const isProposalWriter = (a: StandardAccess, p: ProposalFacts) =>
  a.actor !== null && inputWriter(a, p) && (a.actor.user.id === p.authorId || p.coAuthorIds.includes(a.actor.user.id));
/**
 * Who edits the proposal's text:
 * - its writers, only in `draft`: an open proposal's text is frozen while it is reviewed;
 * - editors, on an open input while its cycle's `committee` stage is the working one: that is
 *   how the committee modifies an input before recording `accept-as-modified`. Their changes
 *   are theirs in the proposal room's log, so the proposal's diff and history show who made them.
 */
export const canCoEdit = (a: StandardAccess, p: ProposalFacts) =>
  verified(a) && ((p.state === "draft" && isProposalWriter(a, p)) || (p.state === "open" && p.cycleStage === "committee" && isEditor(a) && a.actor !== null));
/** Editors (and admins) accept and reject. */
export const canDecide = (a: StandardAccess) => a.actor !== null && isEditor(a) && verified(a);
/** Who may be invited as a co-author (not disabled): members; for an input to a public standard, any user with a verified address too. */
export const canBeInvited = (standard: StandardRow, invitee: { member: boolean; verified: boolean; disabled: boolean }, p: ProposalFacts) =>
  !invitee.disabled && (invitee.member || (p.cycleId !== null && standard.is_public && invitee.verified));
/** Editors record the committee's action on an input (the stage is checked by the caller). */
export const canRecordCommitteeAction = (a: StandardAccess) => canDecide(a);

/** Who may start a comment thread (or reply) on a target of this standard. */
export function canComment(a: StandardAccess, kind: "section" | "proposal" | "proposal_section" | "release_section"): boolean {
  if (!a.actor || !canRead(a) || !verified(a)) return false;
  if (belongs(a)) return true;
  // A comment on a published release is a public comment: any signed-in reader, while they are open.
  return kind === "release_section" && a.standard.public_comments_open;
}
/** The thread's author and the standard's editors resolve and reopen it. */
export const canModerateThread = (a: StandardAccess, threadAuthorId: string) => a.actor !== null && (actorId(a) === threadAuthorId || isEditor(a)) && verified(a);
/** A commenter answers the disposition of their own comment (a verified address, to write). */
export const canAnswerComment = (a: StandardAccess, commentAuthorId: string) => a.actor !== null && actorId(a) === commentAuthorId && verified(a);
/** Editors record the disposition of public comments. */
export const canDispose = (a: StandardAccess) => a.actor !== null && isEditor(a) && verified(a);

/** Rights in a proposal's room: writers while `draft`; readers are whoever may read the standard. */
export function proposalRoomRights(a: StandardAccess, p: ProposalFacts): RoomRights {
  const read = canRead(a);
  const write = read && canCoEdit(a, p);
  return { read, write, unverified: read && !write && a.actor !== null && canCoEdit(onceVerified({ ...a, actor: a.actor }), p) };
}

/** Throws 404/401/403 unless the actor may start a proposal in the standard (`canPropose`). */
export function assertPropose(a: StandardAccess, w: ProposalWindow = NO_CYCLE): asserts a is ActorAccess {
  assertSignedInReader(a);
  if (!canPropose(a, w)) {
    throw refusal(a, (v) => canPropose(v, w), "Only members of this standard can do this. Ask an admin to add you.");
  }
}

/** Throws 401/403 unless the actor is the proposal's author (and still a member). */
export function assertProposalAuthor(a: StandardAccess, p: ProposalFacts): asserts a is ActorAccess {
  assertSignedInReader(a);
  if (!canActAsAuthor(a, p)) throw refusal(a, (v) => canActAsAuthor(v, p), "Only the author of this proposal can do this.");
}

/** As `assertProposalAuthor`, for what the author reads (the members they may invite): no verified address needed. */
export function assertProposalAuthorRead(a: StandardAccess, p: ProposalFacts): asserts a is ActorAccess {
  assertSignedInReader(a);
  if (!isProposalAuthor(a, p)) throw forbidden("Only the author of this proposal can do this.");
}

/** Throws 401/403 unless the actor is the author or a co-author (the state is checked by the caller). */
export function assertProposalWriter(a: StandardAccess, p: ProposalFacts): asserts a is ActorAccess {
  assertSignedInReader(a);
  if (!isProposalWriter(a, p)) throw forbidden("Only the authors of this proposal can change it. Ask its author to invite you as a co-author.");
  assertVerified(a.actor);
}

export function assertDecide(a: StandardAccess): asserts a is ActorAccess {
  assertEditor(a);
}

/** Throws 401/403 unless the actor records committee actions (editors). */
export function assertRecordCommitteeAction(a: StandardAccess): asserts a is ActorAccess {
  assertEditor(a);
}

/** Throws 401/403 unless the actor is a member with voting rights. */
export function assertVote(a: StandardAccess): asserts a is ActorAccess {
  assertSignedInReader(a);
  if (!canVote(a)) throw refusal(a, canVote, "Only members with voting rights can vote. Ask an admin for voting rights.");
}

export function assertComment(a: StandardAccess, kind: "section" | "proposal" | "proposal_section" | "release_section"): asserts a is ActorAccess {
  assertSignedInReader(a);
  if (!canComment(a, kind)) {
    throw refusal(
      a,
      (v) => canComment(v, kind),
      kind === "release_section"
        ? "Public comments on this standard are closed."
        : "Only members of this standard can comment here. Public comments are made on a published release.",
    );
  }
}

export function assertModerateThread(a: StandardAccess, threadAuthorId: string): asserts a is ActorAccess {
  assertSignedInReader(a);
  if (!canModerateThread(a, threadAuthorId)) throw refusal(a, (v) => canModerateThread(v, threadAuthorId), "Only the author of this thread or an editor can do this.");
}

export function assertAnswerComment(a: StandardAccess, commentAuthorId: string): asserts a is ActorAccess {
  assertSignedInReader(a);
  if (!canAnswerComment(a, commentAuthorId)) throw refusal(a, (v) => canAnswerComment(v, commentAuthorId), "Only the comment's author can answer its disposition.");
}

export function assertDispose(a: StandardAccess): asserts a is ActorAccess {
  assertEditor(a);
}

// ---------------------------------------------------------------------------------------------
// The ballot on a cycle's whole draft.

/**
 * Who votes on a ballot: those on its roster, frozen from the voting members when the ballot
 * opened (whatever their membership since), while they may read the standard, with a verified
 * email address.
 */
export const canCastBallot = (a: StandardAccess, onRoster: boolean) => a.actor !== null && canRead(a) && onRoster && a.actor.user.email_verified_at !== null;

/** Throws 404 for those who may not read the standard, 401 for the anonymous, 403 unless the actor may vote on the ballot. */
export function assertCastBallot(a: StandardAccess, onRoster: boolean): asserts a is ActorAccess {
  assertSignedInReader(a);
  if (!onRoster) throw forbidden("Only the voting members on this ballot's roster can vote: the roster was frozen when the ballot opened.");
  if (!canCastBallot(a, onRoster)) throw emailUnverified(a.actor.user.email);
}

/** Editors (and admins) answer the disapprovals of a ballot. */
export function assertRespondToNegative(a: StandardAccess): asserts a is ActorAccess {
  assertEditor(a);
}

/**
 * What the actor may do in the standard, from the rules above, for clients to show the right
 * actions (see `StandardPermissions`). Each flag is exactly the check its action makes.
 */
export function standardPermissions(a: StandardAccess, w: ProposalWindow = NO_CYCLE): StandardPermissions {
  const editor = canRead(a) && a.actor !== null && isEditor(a);
  const member = canRead(a) && a.actor !== null && belongs(a);
  const admin = isAdmin(a);
  const writes = verified(a);
  return {
    editSections: editor && writes,
    propose: canPropose(a, w) && (!w.active || w.inputOpen || canProposeOutsideInput(a)),
    comment: canComment(a, "section"),
    commentOnReleases: canComment(a, "release_section"),
    readDraftDiff: member,
    publish: editor && writes,
    viewMembers: editor,
    manageMembers: admin && writes,
    editSettings: admin && writes,
  };
}
