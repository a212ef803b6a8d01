import { randomUUID } from "node:crypto";
import type { CreateUserBody, Ok, UpdateUserBody, User, UserList, UserResponse } from "@codewright/shared";
import type { Db } from "../db/database";
import type { UserRow } from "../db/tables/users";
import { emailTaken, invalidCredentials, notFound } from "./errors";
import { hashPassword, verifyPassword } from "./passwords";
import type { Actor } from "./auth";
import { assertAdmin, assertSignedIn } from "./access";
import { recordAudit } from "./audit";
import type { DomainContext } from "./context";

export function toUser(row: UserRow): User {
  return {
    id: row.id,
    email: row.email,
    displayName: row.display_name,
    isAdmin: row.is_admin,
    disabled: row.disabled_at !== null,
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
}

/** Every user, by name. Admins only. */
export async function listUsers(ctx: DomainContext, actor: Actor | null): Promise<UserList> {
  assertAdmin(actor);
  return { users: (await ctx.db.selectFrom("users").selectAll().orderBy("display_name").execute()).map(toUser) };
}

/** Creates a user, by an admin; without a password the account cannot sign in until one is set. Throws 409 `email_taken`. */
export async function createUser(ctx: DomainContext, actor: Actor | null, input: CreateUserBody): Promise<UserResponse> {
  assertAdmin(actor);
  const passwordHash = input.password ? await hashPassword(input.password) : null;
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

/** Changes a user, by an admin; disabling or a new password ends every session of theirs. Throws 404. */
export async function updateUser(ctx: DomainContext, actor: Actor | null, id: string, change: UpdateUserBody): Promise<UserResponse> {
  assertAdmin(actor);
  return { user: toUser(await applyUserChange(ctx, id, change, actor.user.id)) };
}

/**
 * Changes the signed-in user's own password; every session of theirs ends, this one too.
 * Throws 403 `invalid_credentials` when `currentPassword` is not right.
 */
export async function changePassword(ctx: DomainContext, actor: Actor | null, currentPassword: string, newPassword: string): Promise<Ok> {
  assertSignedIn(actor);
  if (!actor.user.password_hash || !(await verifyPassword(currentPassword, actor.user.password_hash))) throw invalidCredentials(true);
  await applyUserChange(ctx, actor.user.id, { password: newPassword }, actor.user.id);
  return { ok: true };
}

async function applyUserChange(ctx: DomainContext, id: string, change: UserChange, actorId: string): Promise<UserRow> {
  const passwordHash = change.password === undefined ? undefined : await hashPassword(change.password);
  const row = await ctx.db.transaction().execute(async (trx) => {
    const before = await getUser(trx, id);
    const updated = await trx
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
    if (change.disabled || passwordHash !== undefined) {
      await trx.deleteFrom("sessions").where("user_id", "=", id).execute();
    }
    if (change.disabled) {
      await trx.updateTable("api_tokens").set({ revoked_at: new Date() }).where("user_id", "=", id).where("revoked_at", "is", null).execute();
    }
    await recordAudit(trx, {
      actorId,
      action: "user.update",
      subjectType: "user",
      subjectId: id,
      details: { fields: Object.keys(change).filter((k) => k !== "password"), passwordChanged: passwordHash !== undefined },
    });
    return updated;
  });
  if (change.disabled || passwordHash !== undefined || change.isAdmin !== undefined) ctx.events.emit("userChanged", { userId: id });
  return row;
}
