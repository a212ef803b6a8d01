import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addMember, databaseKinds, makeStandard, makeUser, sessionCookie, startTestApp, type TestApp, type TestUser } from "../helper";
import { appendParagraph, bodyXml, connectClient, frames, listenSync, logRowCount, makeSection, paragraphUpdate, rawSocket, refusedStatus, waitFor, type Client } from "./helpers";
import type { StandardRow } from "../../src/db/tables/standards";

const ALLOWED = "https://editor.example.org";

describe.each(databaseKinds)("sync authentication and rights (%s)", (kind) => {
  let t: TestApp;
  let base: string;
  let ownOrigin: string;
  let privateStandard: StandardRow;
  let publicStandard: StandardRow;
  let admin: TestUser;
  let editor: TestUser;
  let member: TestUser;
  let outsider: TestUser;
  const clients: Client[] = [];
  const track = (c: Client) => (clients.push(c), c);

  beforeAll(async () => {
    t = await startTestApp(kind, { allowedOrigins: [ALLOWED] });
    base = await listenSync(t.app);
    ownOrigin = base.replace(/^ws:/, "http:").replace(/\/sync$/, "");
    privateStandard = await makeStandard(t.db, { isPublic: false });
    publicStandard = await makeStandard(t.db, { isPublic: true });
    admin = await makeUser(t.db, { admin: true });
    editor = await makeUser(t.db, { name: "Edith" });
    member = await makeUser(t.db, { name: "Mo" });
    outsider = await makeUser(t.db);
    for (const s of [privateStandard, publicStandard]) {
      await addMember(t.app, s, editor, "editor");
      await addMember(t.app, s, member, "contributor");
    }
  });

  afterAll(async () => {
    for (const c of clients) c.destroy();
    await t?.close();
  });

  describe("before the upgrade", () => {
    it("accepts a session cookie from the server's own origin and from ALLOWED_ORIGINS", async () => {
      const room = await makeSection(t.db, privateStandard);
      const cookie = await sessionCookie(t.app, editor.email);
      for (const origin of [ownOrigin, ALLOWED]) {
        const c = track(connectClient(base, room, { cookie, origin }));
        await c.synced();
        expect(bodyXml(c.doc)).toContain("Initial text.");
      }
    });

    it("refuses a session cookie with a foreign, null or missing Origin (403)", async () => {
      const room = await makeSection(t.db, publicStandard);
      const cookie = await sessionCookie(t.app, editor.email);
      expect(await refusedStatus(base, room, { cookie, origin: "https://evil.example.com" })).toBe(403);
      expect(await refusedStatus(base, room, { cookie, origin: "null" })).toBe(403);
      expect(await refusedStatus(base, room, { cookie })).toBe(403);
    });

    it("refuses an unknown token (401), the anonymous on a members-only standard (401), outsiders (404)", async () => {
      const room = await makeSection(t.db, privateStandard);
      expect(await refusedStatus(base, room, { token: "cwt_not_a_token" })).toBe(401);
      expect(await refusedStatus(base, room)).toBe(401);
      expect(await refusedStatus(base, room, { token: outsider.token })).toBe(404);
    });

    it("refuses rooms that do not exist (404)", async () => {
      expect(await refusedStatus(base, "draft.00000000-0000-4000-8000-000000000000", { token: admin.token })).toBe(404);
      expect(await refusedStatus(base, "nonsense", { token: admin.token })).toBe(404);
      expect(await refusedStatus(base, "proposal.x.y", { token: admin.token })).toBe(404);
    });

    it("answers a plain HTTP request with 426", async () => {
      const room = await makeSection(t.db, publicStandard);
      const res = await t.app.inject({ method: "GET", url: `/sync/${room}` });
      expect(res.statusCode).toBe(426);
    });
  });

  describe("rights", () => {
    it("lets anyone read a public standard's room, and refuses the anonymous reader's writes", async () => {
      const room = await makeSection(t.db, publicStandard);
      const writer = track(connectClient(base, room, { token: editor.token }));
      const anonymous = track(connectClient(base, room, {}, { reconnect: false }));
      await Promise.all([writer.synced(), anonymous.synced()]);
      appendParagraph(writer.doc, "for the public");
      await waitFor(() => bodyXml(anonymous.doc).includes("for the public"), "anonymous reader receives");
      const rows = await logRowCount(t.db, room);
      appendParagraph(anonymous.doc, "graffiti");
      await waitFor(() => anonymous.closes.length > 0, "anonymous writer closed");
      expect(anonymous.closes[0]!.code).toBe(1008);
      expect(await logRowCount(t.db, room)).toBe(rows);
      expect(bodyXml(writer.doc)).not.toContain("graffiti");
    });

    it("admins write draft rooms; contributors only read them", async () => {
      const room = await makeSection(t.db, privateStandard);
      const byAdmin = track(connectClient(base, room, { token: admin.token }));
      await byAdmin.synced();
      appendParagraph(byAdmin.doc, "admin edit");
      await waitFor(() => t.app.sync.roomStats(room)?.lastSeq === "2", "stored");
      const raw = await rawSocket(base, room, { token: member.token });
      raw.send(frames.update(paragraphUpdate("contributor edit")));
      expect((await raw.closed).code).toBe(1008);
    });
  });

  describe("when access changes", () => {
    it("closes an editor's socket when demoted; the reconnect is read-only", async () => {
      const standard = await makeStandard(t.db, { isPublic: false });
      const demoted = await makeUser(t.db);
      await addMember(t.app, standard, demoted, "editor");
      const room = await makeSection(t.db, standard);
      const c = track(connectClient(base, room, { token: demoted.token }));
      await c.synced();
      await addMember(t.app, standard, demoted, "contributor");
      await waitFor(() => c.closes.length > 0, "closed on demotion");
      expect(c.closes[0]!.code).toBe(4000);
      await waitFor(() => c.provider.synced, "reconnected");
      appendParagraph(c.doc, "no longer allowed");
      await waitFor(() => c.closes.some((e) => e.code === 1008), "write refused after reconnect");
      expect(await logRowCount(t.db, room)).toBe(1);
    });

    it("closes every socket of a standard that becomes members-only; only members get back in", async () => {
      const standard = await makeStandard(t.db, { isPublic: true });
      const member = await makeUser(t.db);
      await addMember(t.app, standard, member, "editor");
      const room = await makeSection(t.db, standard);
      const anonymous = track(connectClient(base, room, {}, { reconnect: false }));
      const editor = track(connectClient(base, room, { token: member.token }));
      await Promise.all([anonymous.synced(), editor.synced()]);

      // A change that leaves visibility alone closes nothing.
      const retitle = await t.app.inject({ method: "PATCH", url: `/api/standards/${standard.slug}`, headers: admin.auth, payload: { title: "Renamed" } });
      expect(retitle.statusCode).toBe(200);
      appendParagraph(editor.doc, "after the retitle");
      await waitFor(() => bodyXml(anonymous.doc).includes("after the retitle"), "both still connected");
      expect(anonymous.closes).toEqual([]);
      expect(editor.closes).toEqual([]);
      const res = await t.app.inject({ method: "PATCH", url: `/api/standards/${standard.slug}`, headers: admin.auth, payload: { isPublic: false } });
      expect(res.statusCode).toBe(200);
      await waitFor(() => anonymous.closes.length > 0 && editor.closes.length > 0, "both closed");
      expect(anonymous.closes.map((c) => c.code)).toEqual([4000]);
      expect(editor.closes[0]!.code).toBe(4000);
      expect(await refusedStatus(base, room)).toBe(401);
      await waitFor(() => editor.provider.synced && editor.closes.length === 1, "the member reconnected");
      appendParagraph(editor.doc, "still writing");
      await waitFor(() => t.app.sync.roomStats(room)?.lastSeq === "3", "the member's edit stored");
    });

    it("closes the sockets of a deleted section's room, and of its subsections'", async () => {
      const standard = await makeStandard(t.db, { isPublic: true });
      const member = await makeUser(t.db);
      await addMember(t.app, standard, member, "editor");
      const parentRoom = await makeSection(t.db, standard);
      const parent = await t.db.selectFrom("sections").selectAll().where("room", "=", parentRoom).executeTakeFirstOrThrow();
      const child = await t.app.inject({
        method: "POST",
        url: `/api/standards/${standard.slug}/sections`,
        headers: admin.auth,
        payload: { label: `C-${parent.label}`, title: "Child", parentId: parent.id },
      });
      expect(child.statusCode, child.body).toBe(201);
      const childRoom: string = child.json().room;
      const otherRoom = await makeSection(t.db, standard);
      const inParent = track(connectClient(base, parentRoom, { token: member.token }, { reconnect: false }));
      const inChild = track(connectClient(base, childRoom, {}, { reconnect: false }));
      const elsewhere = track(connectClient(base, otherRoom, { token: member.token }, { reconnect: false }));
      await Promise.all([inParent.synced(), inChild.synced(), elsewhere.synced()]);

      const res = await t.app.inject({ method: "DELETE", url: `/api/standards/${standard.slug}/sections/${parent.id}`, headers: admin.auth });
      expect(res.statusCode).toBe(200);
      await waitFor(() => inParent.closes.length > 0 && inChild.closes.length > 0, "both rooms closed");
      expect(inParent.closes[0]!.code).toBe(4000);
      expect(inChild.closes[0]!.code).toBe(4000);
      expect(await refusedStatus(base, parentRoom, { token: member.token })).toBe(404);
      expect(await refusedStatus(base, childRoom)).toBe(404);
      expect(elsewhere.closes).toEqual([]);
    });

    it("closes a removed member's socket", async () => {
      const standard = await makeStandard(t.db, { isPublic: false });
      const leaving = await makeUser(t.db);
      await addMember(t.app, standard, leaving, "contributor");
      const room = await makeSection(t.db, standard);
      const c = track(connectClient(base, room, { token: leaving.token }, { reconnect: false }));
      await c.synced();
      const res = await t.app.inject({ method: "DELETE", url: `/api/standards/${standard.slug}/members/${leaving.id}`, headers: admin.auth });
      expect(res.statusCode).toBe(200);
      await waitFor(() => c.closes.length > 0, "closed on removal");
      expect(c.closes[0]!.code).toBe(4000);
      expect(await refusedStatus(base, room, { token: leaving.token })).toBe(404);
    });

    it("closes every socket of a session when it signs out, and only those", async () => {
      const room = await makeSection(t.db, privateStandard);
      const cookie = await sessionCookie(t.app, member.email);
      const a = track(connectClient(base, room, { cookie, origin: ownOrigin }, { reconnect: false }));
      const b = track(connectClient(base, room, { cookie, origin: ownOrigin }, { reconnect: false }));
      const byToken = track(connectClient(base, room, { token: member.token }, { reconnect: false }));
      await Promise.all([a.synced(), b.synced(), byToken.synced()]);
      const res = await t.app.inject({ method: "POST", url: "/api/auth/logout", headers: { cookie, origin: "http://localhost:80" } });
      expect(res.statusCode).toBe(200);
      await waitFor(() => a.closes.length > 0 && b.closes.length > 0, "session sockets closed");
      expect(a.closes[0]!.code).toBe(4401);
      expect(b.closes[0]!.code).toBe(4401);
      expect(byToken.closes).toEqual([]);
    });

    it("closes a disabled user's sockets; reconnecting is refused", async () => {
      const standard = await makeStandard(t.db, { isPublic: false });
      const disabled = await makeUser(t.db);
      await addMember(t.app, standard, disabled, "editor");
      const room = await makeSection(t.db, standard);
      const c = track(connectClient(base, room, { token: disabled.token }, { reconnect: false }));
      await c.synced();
      const res = await t.app.inject({ method: "PATCH", url: `/api/users/${disabled.id}`, headers: admin.auth, payload: { disabled: true } });
      expect(res.statusCode).toBe(200);
      await waitFor(() => c.closes.length > 0, "closed when disabled");
      expect(c.closes[0]!.code).toBe(4000);
      expect(await refusedStatus(base, room, { token: disabled.token })).toBe(401);
    });
  });
});
