import type { FastifyInstance } from "fastify";
import type { Kysely } from "kysely";
import type { Database } from "../../src/db/database";
import { addMember, makeStandard, makeUser, type TestUser } from "../helper";

/** Every kind of caller the authorization matrix tries on every route. */
export const ROLES = [
  "anonymous",
  "nonMember",
  "contributor",
  "otherContributor",
  "voter",
  "editor",
  "otherEditor",
  "admin",
  "disabled",
] as const;
export type Role = (typeof ROLES)[number];

export interface World {
  /** A members-only standard, so that reading is a right too. */
  standard: { id: string; slug: string };
  /** A second standard, where the "other" roles belong. */
  other: { id: string; slug: string };
  users: Record<Exclude<Role, "anonymous">, TestUser>;
  headers(role: Role): Record<string, string>;
}

/** Builds the standards and one user per role. */
export async function buildWorld(app: FastifyInstance, db: Kysely<Database>): Promise<World> {
  const standard = await makeStandard(db, { isPublic: false });
  const other = await makeStandard(db, { isPublic: false });
  const users = {
    nonMember: await makeUser(db, { name: "Non Member" }),
    contributor: await makeUser(db, { name: "Contributor" }),
    otherContributor: await makeUser(db, { name: "Other Contributor" }),
    voter: await makeUser(db, { name: "Voter" }),
    editor: await makeUser(db, { name: "Editor" }),
    otherEditor: await makeUser(db, { name: "Other Editor" }),
    admin: await makeUser(db, { admin: true, name: "Admin" }),
    disabled: await makeUser(db, { name: "Disabled" }),
  };
  await addMember(app, standard, users.contributor, "contributor");
  await addMember(app, standard, users.voter, "contributor", true);
  await addMember(app, standard, users.editor, "editor", true);
  await addMember(app, standard, users.disabled, "editor", true);
  await addMember(app, other, users.otherContributor, "contributor");
  await addMember(app, other, users.otherEditor, "editor", true);
  await db.updateTable("users").set({ disabled_at: new Date() }).where("id", "=", users.disabled.id).execute();
  await db.updateTable("api_tokens").set({ revoked_at: new Date() }).where("user_id", "=", users.disabled.id).execute();
  return {
    standard,
    other,
    users,
    headers: (role) => (role === "anonymous" ? {} : users[role].auth),
  };
}
