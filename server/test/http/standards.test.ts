import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addMember, databaseKinds, makeStandard, makeUser, snapshotTables, startTestApp, type TestApp } from "../helper";

const paragraph = (text: string) => ({ type: "doc", content: [{ type: "paragraph", content: [{ type: "text", text }] }] });

describe.each(databaseKinds)("standards and sections on %s", (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(kind);
  });
  afterAll(async () => t?.close());

  async function editorOf(std: { id: string; slug: string }) {
    const editor = await makeUser(t.db);
    await addMember(t.app, std, editor, "editor");
    return editor;
  }

  it("lists public standards to the anonymous and hides members-only ones", async () => {
    const open = await makeStandard(t.db);
    const closed = await makeStandard(t.db, { isPublic: false });
    const member = await makeUser(t.db);
    await addMember(t.app, closed, member, "contributor");
    const anon = (await t.app.inject({ method: "GET", url: "/api/standards" })).json().standards.map((s: { slug: string }) => s.slug);
    expect(anon).toContain(open.slug);
    expect(anon).not.toContain(closed.slug);
    const mine = (await t.app.inject({ method: "GET", url: "/api/standards", headers: member.auth })).json().standards.map((s: { slug: string }) => s.slug);
    expect(mine).toContain(closed.slug);
    expect((await t.app.inject({ method: "GET", url: `/api/standards/${closed.slug}` })).statusCode).toBe(404);
    expect((await t.app.inject({ method: "GET", url: `/api/standards/${closed.slug}`, headers: member.auth })).statusCode).toBe(200);
    expect((await t.app.inject({ method: "GET", url: "/api/standards/no-such-standard" })).statusCode).toBe(404);
  });

  it("numbers the outline from positions and keeps labels through moves", async () => {
    const std = await makeStandard(t.db);
    const editor = await editorOf(std);
    const add = async (body: Record<string, unknown>) => {
      const res = await t.app.inject({ method: "POST", url: `/api/standards/${std.slug}/sections`, headers: editor.auth, payload: body });
      expect(res.statusCode).toBe(201);
      return res.json();
    };
    const g1 = await add({ label: "G-1", title: "Group one" });
    const g2 = await add({ label: "G-2", title: "Group two" });
    const e1 = await add({ label: "E-1", title: "Element one", parentId: g1.id, content: paragraph("Shall validate input.") });
    const e2 = await add({ label: "E-2", title: "Element two", parentId: g1.id });
    expect([g1.number, g2.number, e1.number, e2.number]).toEqual(["1", "2", "1.1", "1.2"]);

    // Move E-2 to the front of group two, then group two before group one.
    const moved = await t.app.inject({ method: "PATCH", url: `/api/standards/${std.slug}/sections/${e2.id}`, headers: editor.auth, payload: { parentId: g2.id, position: 0 } });
    expect(moved.statusCode).toBe(200);
    expect(moved.json()).toMatchObject({ label: "E-2", number: "2.1" });
    await t.app.inject({ method: "PATCH", url: `/api/standards/${std.slug}/sections/${g2.id}`, headers: editor.auth, payload: { position: 0 } });
    const list = (await t.app.inject({ method: "GET", url: `/api/standards/${std.slug}/sections` })).json().sections;
    expect(list.map((s: { label: string; number: string }) => `${s.label}=${s.number}`)).toEqual(["G-2=1", "E-2=1.1", "G-1=2", "E-1=2.1"]);
    expect(list[0].room).toBe(`draft.${g2.id}`);

    const detail = (await t.app.inject({ method: "GET", url: `/api/standards/${std.slug}/sections/${e1.id}` })).json();
    expect(detail.text).toBe("Shall validate input.");
    expect(detail.content).toEqual(paragraph("Shall validate input."));
    expect(detail.number).toBe("2.1");
  });

  it("retitles, relabels, refuses duplicate labels, and deletes softly without reusing labels", async () => {
    const std = await makeStandard(t.db);
    const editor = await editorOf(std);
    const a = (await t.app.inject({ method: "POST", url: `/api/standards/${std.slug}/sections`, headers: editor.auth, payload: { label: "A", title: "A" } })).json();
    const b = (await t.app.inject({ method: "POST", url: `/api/standards/${std.slug}/sections`, headers: editor.auth, payload: { label: "B", title: "B" } })).json();
    const child = (await t.app.inject({ method: "POST", url: `/api/standards/${std.slug}/sections`, headers: editor.auth, payload: { label: "A1", title: "A1", parentId: a.id } })).json();
    const retitled = await t.app.inject({ method: "PATCH", url: `/api/standards/${std.slug}/sections/${a.id}`, headers: editor.auth, payload: { title: "Renamed", label: "A-NEW" } });
    expect(retitled.json()).toMatchObject({ title: "Renamed", label: "A-NEW" });
    const dup = await t.app.inject({ method: "PATCH", url: `/api/standards/${std.slug}/sections/${b.id}`, headers: editor.auth, payload: { label: "A-NEW" } });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error.code).toBe("label_taken");
    const cycle = await t.app.inject({ method: "PATCH", url: `/api/standards/${std.slug}/sections/${a.id}`, headers: editor.auth, payload: { parentId: child.id } });
    expect(cycle.statusCode).toBe(400);
    const del = await t.app.inject({ method: "DELETE", url: `/api/standards/${std.slug}/sections/${a.id}`, headers: editor.auth });
    expect(del.statusCode).toBe(200);
    const list = (await t.app.inject({ method: "GET", url: `/api/standards/${std.slug}/sections` })).json().sections;
    expect(list.map((s: { label: string; number: string }) => `${s.label}=${s.number}`)).toEqual(["B=1"]);
    expect((await t.app.inject({ method: "GET", url: `/api/standards/${std.slug}/sections/${child.id}` })).statusCode).toBe(404);
    const reuse = await t.app.inject({ method: "POST", url: `/api/standards/${std.slug}/sections`, headers: editor.auth, payload: { label: "A1", title: "again" } });
    expect(reuse.statusCode).toBe(409);
  });

  it("lets only editors change the outline, and a refusal changes nothing", async () => {
    const std = await makeStandard(t.db);
    const other = await makeStandard(t.db);
    const contributor = await makeUser(t.db);
    await addMember(t.app, std, contributor, "contributor");
    const foreignEditor = await makeUser(t.db);
    await addMember(t.app, other, foreignEditor, "editor");
    const before = await snapshotTables(t);
    const body = { label: "X", title: "X" };
    expect((await t.app.inject({ method: "POST", url: `/api/standards/${std.slug}/sections`, payload: body })).statusCode).toBe(401);
    expect((await t.app.inject({ method: "POST", url: `/api/standards/${std.slug}/sections`, headers: contributor.auth, payload: body })).statusCode).toBe(403);
    expect((await t.app.inject({ method: "POST", url: `/api/standards/${std.slug}/sections`, headers: foreignEditor.auth, payload: body })).statusCode).toBe(403);
    expect(await snapshotTables(t)).toBe(before);
  });

  it("rejects a body that does not follow the schema", async () => {
    const std = await makeStandard(t.db);
    const editor = await editorOf(std);
    const before = await snapshotTables(t);
    const res = await t.app.inject({
      method: "POST",
      url: `/api/standards/${std.slug}/sections`,
      headers: editor.auth,
      payload: { label: "Z", title: "Z", content: { type: "doc", content: [{ type: "script", text: "alert(1)" }] } },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe("invalid_content");
    expect(await snapshotTables(t)).toBe(before);
  });

  it("sets memberships as an admin only, and a duplicate slug gets 409", async () => {
    const admin = await makeUser(t.db, { admin: true });
    const std = await makeStandard(t.db);
    const user = await makeUser(t.db);
    const editor = await editorOf(std);
    const byEditor = await t.app.inject({ method: "PUT", url: `/api/standards/${std.slug}/members/${user.id}`, headers: editor.auth, payload: { role: "editor" } });
    expect(byEditor.statusCode).toBe(403);
    const set = await t.app.inject({ method: "PUT", url: `/api/standards/${std.slug}/members/${user.id}`, headers: admin.auth, payload: { role: "contributor", voting: true } });
    expect(set.statusCode).toBe(200);
    expect(set.json()).toMatchObject({ role: "contributor", voting: true, userId: user.id });
    const members = (await t.app.inject({ method: "GET", url: `/api/standards/${std.slug}/members`, headers: editor.auth })).json().members;
    expect(members.map((m: { user: { id: string } }) => m.user.id)).toContain(user.id);
    const dup = await t.app.inject({ method: "POST", url: "/api/standards", headers: admin.auth, payload: { slug: std.slug, title: "Again" } });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error.code).toBe("slug_taken");
  });

  it("answers the members routes of a members-only standard as missing to those who may not read it", async () => {
    const closed = await makeStandard(t.db, { isPublic: false });
    const reader = await editorOf(closed);
    const outsider = await makeUser(t.db);
    const user = await makeUser(t.db);
    const before = await snapshotTables(t);
    for (const slug of [closed.slug, "no-such-standard"]) {
      for (const who of [outsider.auth, {}]) {
        const put = await t.app.inject({ method: "PUT", url: `/api/standards/${slug}/members/${user.id}`, headers: who, payload: { role: "editor" } });
        const del = await t.app.inject({ method: "DELETE", url: `/api/standards/${slug}/members/${reader.id}`, headers: who });
        // The same answer, word for word, whether the standard exists or not.
        for (const res of [put, del]) expect([res.statusCode, res.json()], `${res.statusCode} ${slug}`).toEqual([404, { error: { code: "not_found", message: "No such standard. Check the address." } }]);
      }
    }
    // Its readers learn it exists, and that they may not manage it.
    const byReader = await t.app.inject({ method: "PUT", url: `/api/standards/${closed.slug}/members/${user.id}`, headers: reader.auth, payload: { role: "editor" } });
    expect(byReader.statusCode).toBe(403);
    const removeByReader = await t.app.inject({ method: "DELETE", url: `/api/standards/${closed.slug}/members/${reader.id}`, headers: reader.auth });
    expect(removeByReader.statusCode).toBe(403);
    expect(await snapshotTables(t)).toBe(before);
  });

  it("answers an empty change of settings with the standard unchanged", async () => {
    const admin = await makeUser(t.db, { admin: true });
    const std = await makeStandard(t.db);
    const read = await t.app.inject({ method: "GET", url: `/api/standards/${std.slug}`, headers: admin.auth });
    const before = await snapshotTables(t);
    const res = await t.app.inject({ method: "PATCH", url: `/api/standards/${std.slug}`, headers: admin.auth, payload: {} });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual(read.json());
    // Nothing changed, so nothing is recorded either.
    expect(await snapshotTables(t)).toBe(before);
  });
});
