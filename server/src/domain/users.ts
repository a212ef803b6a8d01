import { randomUUID } from "node:crypto";
import type { CreateUserBody, PasswordChanged, UpdateUserBody, User, UserList, UserResponse, UserUpdated } from "@codewright/shared";
import type { Db } from "../db/database";
import type { UserRow } from "../db/tables/users";
import { emailTaken, invalidCredentials, notFound } from "./errors";
import { announceWithdrawn, withdrawCredentials, type Actor, type WithdrawnCredentials } from "./auth";
import { assertAdmin, assertAdminRead, assertSignedIn } from "./access";
import { recordAudit } from "./audit";
import type { DomainContext } from "./context";

export function toUser(row: UserRow): User {
  return {
    id: row.id,
    email: row.email,
    displayName: row.display_name,
    isAdmin: row.is_admin,
    disabled: row.disabled_at !== null,
    emailVerified: row.email_verified_at !== null,
    affiliation: row.affiliation,
  };
}

export async function findUserByEmail(db: Db, email: string): Promise<UserRow | undefined> {
  return db.selectFrom("users").selectAll().where((eb) => eb(eb.fn("lower", ["email"]), "=", email.toLowerCase())).executeTakeFirst();
}

export async function getUser(db: Db, id: string): Promise<UserRow> {
  const row = await db.selectFrom("users").selectAll().where("id", "=", id).executeTakeFirst();
  if (!row) throw notFound("user");
  return row;
}

export interface NewUser {
  email: string;
  displayName: string;
  /** Already hashed; null for an account that cannot sign in with a password yet. */
  passwordHash: string | null;
  isAdmin?: boolean;
  /** Whether the address counts as verified; default true (an admin, an invite or the first start made it). */
  emailVerified?: boolean;
}

/** Every user, by name. Admins only. */
export async function listUsers(ctx: DomainContext, actor: Actor | null): Promise<UserList> {
  assertAdminRead(actor);
  return { users: (await ctx.db.selectFrom("users").selectAll().orderBy("display_name").execute()).map(toUser) };
}

/**
 * Creates a user, by an admin; without a password the account cannot sign in until one is set.
 * Throws 409 `email_taken`, 503 `server_busy`.
 */
export async function createUser(ctx: DomainContext, actor: Actor | null, input: CreateUserBody): Promise<UserResponse> {
  assertAdmin(actor);
  const passwordHash = input.password ? await ctx.passwords.hash(input.password) : null;
  const row = await ctx.db
    .transaction()
    .execute((trx) => insertUser(trx, { email: input.email, displayName: input.displayName, passwordHash, isAdmin: input.isAdmin }, actor.user.id));
  return { user: toUser(row) };
}

/**
 * Writes a new user and its audit entry, without checking who asks: for the operations that did
 * (an admin, an invite, the first start) and for setting up data. Call in a transaction.
 * Throws 409 `email_taken` when the email (case-insensitive) exists.
 */
export async function insertUser(db: Db, input: NewUser, actorId: string | null): Promise<UserRow> {
  if (await findUserByEmail(db, input.email)) {
    throw emailTaken();
  }
  const row = await db
    .insertInto("users")
    .values({
      id: randomUUID(),
      email: input.email.trim(),
      display_name: input.displayName.trim(),
      password_hash: input.passwordHash,
      is_admin: input.isAdmin ?? false,
      disabled_at: null,
      email_verified_at: input.emailVerified === false ? null : new Date(),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(db, { actorId, action: "user.create", subjectType: "user", subjectId: row.id, details: { isAdmin: row.is_admin } });
  return row;
}

export interface UserChange {
  displayName?: string;
  disabled?: boolean;
  isAdmin?: boolean;
  password?: string;
}

/**
 * Changes a user, by an admin. Disabling or a new password revokes every API token of theirs and
 * ends their sessions (the admin's own session stays when they change themselves); the answer
 * counts what ended. Throws 404, 503 `server_busy`.
 */
export async function updateUser(ctx: DomainContext, actor: Actor | null, id: string, change: UpdateUserBody): Promise<UserUpdated> {
  assertAdmin(actor);
  const { row, withdrawn } = await applyUserChange(ctx, id, change, actor);
  return { user: toUser(row), ...counted(withdrawn) };
}

/**
 * Changes the signed-in user's own password. Every API token of theirs is revoked and every other
 * session ends; the session asking stays signed in. Throws 403 `invalid_credentials` when
 * `currentPassword` is not right, 503 `server_busy`.
 */
export async function changePassword(ctx: DomainContext, actor: Actor | null, currentPassword: string, newPassword: string): Promise<PasswordChanged> {
  assertSignedIn(actor);
  if (!(await ctx.passwords.verify(currentPassword, actor.user.password_hash))) throw invalidCredentials(true);
  const { withdrawn } = await applyUserChange(ctx, actor.user.id, { password: newPassword }, actor);
  return { ok: true, ...counted(withdrawn) };
}

const counted = (w: WithdrawnCredentials | null) => ({ tokensRevoked: w?.tokenHashes.length ?? 0, sessionsEnded: w?.sessionHashes.length ?? 0 });

async function applyUserChange(ctx: DomainContext, id: string, change: UserChange, actor: Actor): Promise<{ row: UserRow; withdrawn: WithdrawnCredentials | null }> {
  const passwordHash = change.password === undefined ? undefined : await ctx.passwords.hash(change.password);
  // The session making the change stays signed in, unless it is the account being disabled.
  const keepSession = actor.via === "session" && actor.user.id === id && !change.disabled ? actor.credentialHash : null;
  const result = await ctx.db.transaction().execute(async (trx) => {
    const before = await getUser(trx, id);
    const row = await trx
      .updateTable("users")
      .set({
        display_name: change.displayName?.trim(),
        is_admin: change.isAdmin,
        password_hash: passwordHash,
        disabled_at: change.disabled === undefined ? undefined : change.disabled ? (before.disabled_at ?? new Date()) : null,
      })
      .where("id", "=", id)
      .returningAll()
      .executeTakeFirstOrThrow();
    const withdrawn = change.disabled || passwordHash !== undefined ? await withdrawCredentials(trx, id, keepSession) : null;
    await recordAudit(trx, {
      actorId: actor.user.id,
      action: "user.update",
      subjectType: "user",
      subjectId: id,
      details: {
        fields: Object.keys(change).filter((k) => k !== "password"),
        passwordChanged: passwordHash !== undefined,
        ...(withdrawn ? { tokensRevoked: withdrawn.tokenHashes.length, sessionsEnded: withdrawn.sessionHashes.length } : {}),
      },
    });
    return { row, withdrawn };
  });
  // A disabled account or new admin rights change everything the user may do; a new password only
  // ends the credentials it withdrew.
  if (change.disabled || change.isAdmin !== undefined) ctx.events.emit("userChanged", { userId: id });
  else if (result.withdrawn) announceWithdrawn(ctx, result.withdrawn);
  return result;
}
