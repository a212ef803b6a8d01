import type { FastifyInstance, InjectOptions } from "fastify";
import type { Kysely } from "kysely";
import type { Database } from "../../src/db/database";
import { addMember, makeStandard, makeUser, unique, type TestApp, type TestUser } from "../helper";

/*
 * The authorization matrix's vocabulary, shared by its parts (test/security, test/workflow,
 * test/releases): the roles it tries, the world they act in, and the shape of one route's entry.
 */

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

/** The groups of roles that routes allow, by what the roles have in common in the world. */
export const EVERY_MEMBER: readonly Role[] = ["contributor", "voter", "editor", "admin"];
export const EDITORS: readonly Role[] = ["editor", "admin"];
export const ADMIN: readonly Role[] = ["admin"];
export const SIGNED_IN: readonly Role[] = ["nonMember", "contributor", "otherContributor", "voter", "editor", "otherEditor", "admin"];
/**
 * Those who may not read the world's members-only standard. On its routes they are told it does
 * not exist (404 `not_found`), whatever the route needs, so that its existence does not leak.
 */
export const OUTSIDERS: readonly Role[] = ["anonymous", "nonMember", "otherContributor", "otherEditor"];

/** The request to try a route with, made afresh for each role; the role's credentials are added to it. */
export type BuildRequest = (w: World, t: TestApp, role: Role) => Promise<InjectOptions> | InjectOptions;

/** One route's entry in the authorization matrix. */
export interface MatrixEntry {
  /** Roles that succeed (2xx). Everyone else is refused with 401, 403 or 404. */
  allowed: readonly Role[] | "everyone";
  build: BuildRequest;
  /** Routes whose answer does not depend on the caller (login, health). */
  public?: boolean;
  /**
   * Routes that name no standard (accounts, the list of standards, one's own feed). Every other
   * route acts on the members-only standard: OUTSIDERS get 404, its readers without the right 403.
   */
  site?: boolean;
  /** On a site route, the status signed-in roles that are not allowed get, when it is not 403 (409: there is nothing for them to do). */
  signedInRefusal?: number;
}

/** A new section of the world's members-only standard, made by the admin; returns its id. */
export async function worldSection(t: TestApp, w: World): Promise<string> {
  const res = await t.app.inject({ method: "POST", url: `/api/standards/${w.standard.slug}/sections`, headers: w.users.admin.auth, payload: { label: unique("S"), title: "A section" } });
  if (res.statusCode !== 201) throw new Error(`making a section for the matrix failed: ${res.statusCode} ${res.body}`);
  return res.json<{ id: string }>().id;
}
