import { randomUUID } from "node:crypto";
import type { User } from "@codewright/shared";
import type { Db } from "../db/database";
import type { UserRow } from "../db/tables/users";
import { emailTaken, notFound } from "./errors";
import { hashPassword } from "./passwords";
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

/** Creates a user. Throws 409 `email_taken` when the email (case-insensitive) exists. */
export async function createUser(db: Db, input: NewUser, actorId: string | null): Promise<UserRow> {
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

export async function listUsers(db: Db): Promise<UserRow[]> {
  return db.selectFrom("users").selectAll().orderBy("display_name").execute();
}

export interface UserChange {
  displayName?: string;
  disabled?: boolean;
  isAdmin?: boolean;
  password?: string;
}

/** Changes a user; disabling or a new password ends every session of theirs. */
export async function updateUser(ctx: DomainContext, id: string, change: UserChange, actorId: string): Promise<UserRow> {
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
