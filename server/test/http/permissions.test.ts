import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StandardPermissions } from "@codewright/shared";
import { createSection } from "../../src/domain/sections";
import type { StandardRow } from "../../src/db/tables/standards";
import { addMember, databaseKinds, makeStandard, makeUser, startTestApp, type TestApp, type TestUser } from "../helper";

type Role = "admin" | "editor" | "contributor" | "voter" | "outsider" | "anonymous";

const NONE: StandardPermissions = {
  editSections: false,
  propose: false,
  comment: false,
  commentOnReleases: false,
  readDraftDiff: false,
  publish: false,
  viewMembers: false,
  manageMembers: false,
  editSettings: false,
};
const MEMBER: StandardPermissions = { ...NONE, propose: true, comment: true, commentOnReleases: true, readDraftDiff: true };
const EDITOR: StandardPermissions = { ...MEMBER, editSections: true, publish: true, viewMembers: true };
const ADMIN: StandardPermissions = { ...EDITOR, manageMembers: true, editSettings: true };

/** What each role may do in a standard, by its visibility and whether public comments are open; null: the standard is hidden (404). */
function expected(role: Role, isPublic: boolean, commentsOpen: boolean): StandardPermissions | null {
  switch (role) {
    case "admin":
      return ADMIN;
    case "editor":
      return EDITOR;
    case "contributor":
    case "voter":
      return MEMBER;
    case "outsider":
      return isPublic ? { ...NONE, commentOnReleases: commentsOpen } : null;
    case "anonymous":
      return isPublic ? NONE : null;
  }
}

/** Standard and section responses carry the caller's permissions, computed from the access rules. */
describe.each(databaseKinds)("standard permissions (%s)", (kind) => {
  let t: TestApp;
  const users: Partial<Record<Role, TestUser>> = {};
  const headers = (role: Role) => users[role]?.auth ?? {};

  beforeAll(async () => {
    t = await startTestApp(kind);
    users.admin = await makeUser(t.db, { admin: true });
    users.editor = await makeUser(t.db);
    users.contributor = await makeUser(t.db);
    users.voter = await makeUser(t.db);
    users.outsider = await makeUser(t.db);
  });
  afterAll(async () => t?.close());

  async function standardWith(isPublic: boolean, commentsOpen: boolean): Promise<{ standard: StandardRow; sectionId: string }> {
    const standard = await makeStandard(t.db, { isPublic });
    await t.db.updateTable("standards").set({ public_comments_open: commentsOpen }).where("id", "=", standard.id).execute();
    await addMember(t.app, standard, users.editor!, "editor");
    await addMember(t.app, standard, users.contributor!, "contributor");
    await addMember(t.app, standard, users.voter!, "contributor", true);
    const section = await t.db.transaction().execute((trx) => createSection(trx, standard, { label: "A", title: "Scope" }, null));
    return { standard, sectionId: section.id };
  }

  for (const [isPublic, commentsOpen] of [
    [true, true],
    [true, false],
    [false, true],
    [false, false],
  ] as const) {
    it(`on a ${isPublic ? "public" : "members-only"} standard with public comments ${commentsOpen ? "open" : "closed"}`, async () => {
      const { standard, sectionId } = await standardWith(isPublic, commentsOpen);
      for (const role of ["admin", "editor", "contributor", "voter", "outsider", "anonymous"] as const) {
        const want = expected(role, isPublic, commentsOpen);
        const read = await t.app.inject({ method: "GET", url: `/api/standards/${standard.slug}`, headers: headers(role) });
        const section = await t.app.inject({ method: "GET", url: `/api/standards/${standard.slug}/sections/${sectionId}`, headers: headers(role) });
        if (want === null) {
          expect(read.statusCode, role).toBe(404);
          expect(section.statusCode, role).toBe(404);
          continue;
        }
        expect(read.statusCode, role).toBe(200);
        expect(read.json().permissions, role).toEqual(want);
        expect(section.statusCode, role).toBe(200);
        expect(section.json().permissions, role).toEqual(want);

        // Each flag says what the server then allows.
        const members = await t.app.inject({ method: "GET", url: `/api/standards/${standard.slug}/members`, headers: headers(role) });
        expect(members.statusCode === 200, `${role} viewMembers`).toBe(want.viewMembers);
        const draftDiff = await t.app.inject({ method: "GET", url: `/api/standards/${standard.slug}/diff?from=draft&to=draft`, headers: headers(role) });
        expect(draftDiff.statusCode === 200, `${role} readDraftDiff`).toBe(want.readDraftDiff);
        const settings = await t.app.inject({ method: "PATCH", url: `/api/standards/${standard.slug}`, headers: headers(role), payload: { description: "What this standard covers." } });
        expect(settings.statusCode === 200, `${role} editSettings: ${settings.body}`).toBe(want.editSettings);
        if (settings.statusCode === 200) expect(settings.json().permissions).toEqual(want);
        else expect(settings.statusCode, `${role} editSettings: ${settings.body}`).toBeGreaterThanOrEqual(400);
      }
    });
  }

  it("answers a created and an imported standard with the admin's permissions", async () => {
    const created = await t.app.inject({ method: "POST", url: "/api/standards", headers: headers("admin"), payload: { slug: `perm-${Date.now()}`, title: "Permissions" } });
    expect(created.statusCode).toBe(201);
    expect(created.json().permissions).toEqual(ADMIN);
    const imported = await t.app.inject({
      method: "POST",
      url: "/api/standards/import",
      headers: headers("admin"),
      payload: { slug: `perm-import-${Date.now()}`, markdown: "# Imported\n\n## Scope {#A}\n\nText.\n" },
    });
    expect(imported.statusCode, imported.body).toBe(201);
    expect(imported.json().standard.permissions).toEqual(ADMIN);
  });
});
