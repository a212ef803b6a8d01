import { randomBytes } from "node:crypto";
import type { Db } from "../db/database";

/**
 * Keys the server makes for itself on first use and keeps in the database (`server_secrets`), so
 * that every process sharing the database uses the same one: what one process signs, another
 * checks.
 */

/** The secret with this name, made now (256 random bits, base64url) when there is none yet. */
export async function serverSecret(db: Db, name: string): Promise<string> {
  await db
    .insertInto("server_secrets")
    .values({ name, value: randomBytes(32).toString("base64url") })
    .onConflict((oc) => oc.column("name").doNothing())
    .execute();
  return (await existingServerSecret(db, name))!;
}

/** The secret with this name, or null when none was made yet: for checking, which must not make one. */
export async function existingServerSecret(db: Db, name: string): Promise<string | null> {
  const row = await db.selectFrom("server_secrets").select("value").where("name", "=", name).executeTakeFirst();
  return row?.value ?? null;
}
