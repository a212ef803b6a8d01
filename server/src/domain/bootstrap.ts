import { randomBytes } from "node:crypto";
import type { Kysely } from "kysely";
import type { Database } from "../db/database";
import { hashPassword } from "./passwords";
import { findUserByEmail, insertUser } from "./users";

export interface FirstAdmin {
  email: string;
  /** Set only when the password was generated here; shown once, stored nowhere. */
  generatedPassword?: string;
}

/**
 * Makes sure an admin exists. With no admin yet: creates one from `email`/`password`, or with a
 * generated one-time password when none is given. No default password exists in any mode.
 * Returns null when an admin already existed.
 */
export async function ensureFirstAdmin(db: Kysely<Database>, email: string | undefined, password: string | undefined): Promise<FirstAdmin | null> {
  const admin = await db.selectFrom("users").select("id").where("is_admin", "=", true).executeTakeFirst();
  if (admin) return null;
  const adminEmail = email ?? "admin@codewright.local";
  if (password !== undefined && password.length < 12) {
    throw new Error("ADMIN_PASSWORD must be at least 12 characters long.");
  }
  const generatedPassword = password === undefined ? randomBytes(15).toString("base64url") : undefined;
  const passwordHash = await hashPassword(password ?? generatedPassword!);
  if (await findUserByEmail(db, adminEmail)) {
    await db.updateTable("users").set({ is_admin: true, password_hash: passwordHash }).where((eb) => eb(eb.fn("lower", ["email"]), "=", adminEmail.toLowerCase())).execute();
  } else {
    await db.transaction().execute((trx) => insertUser(trx, { email: adminEmail, displayName: "Administrator", passwordHash, isAdmin: true }, null));
  }
  return { email: adminEmail, generatedPassword };
}
