import type { InjectOptions } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseKinds, makeUser, snapshotTables, startTestApp, unique, type TestApp } from "../helper";
import { buildWorld, worldSection, type MatrixEntry, type Role, type World } from "../security/roles";
import { WORKFLOW_MATRIX } from "../workflow/matrix";
import { RELEASE_MATRIX } from "../releases/matrix";
import { eventually, frameKind, frames, listenSync, logRowCount, paragraphUpdate, rawSocket, storedBodyXml, waitFor } from "../sync/helpers";
import { linkToken, onlyMailTo } from "./account-mail";

/** Site and standard routes of the authorization matrix that write, with a role allowed to. */
const STANDARD_WRITES: Record<string, { role: Role; build: (w: World, t: TestApp) => Promise<InjectOptions> | InjectOptions }> = {
  "POST /api/standards": { role: "admin", build: () => ({ method: "POST", url: "/api/standards", payload: { slug: unique("s").toLowerCase(), title: "New" } }) },
  "POST /api/users": { role: "admin", build: () => ({ method: "POST", url: "/api/users", payload: { email: `${unique("u")}@example.org`, displayName: "New" } }) },
  "POST /api/invites": { role: "admin", build: () => ({ method: "POST", url: "/api/invites", payload: { email: `${unique("i")}@example.org` } }) },
  "PATCH /api/standards/:slug": { role: "admin", build: (w) => ({ method: "PATCH", url: `/api/standards/${w.standard.slug}`, payload: { description: "changed" } }) },
  "PUT /api/standards/:slug/members/:userId": {
    role: "admin",
    build: async (w, t) => ({ method: "PUT", url: `/api/standards/${w.standard.slug}/members/${(await makeUser(t.db)).id}`, payload: { role: "contributor" } }),
  },
  "POST /api/standards/:slug/sections": { role: "editor", build: (w) => ({ method: "POST", url: `/api/standards/${w.standard.slug}/sections`, payload: { label: unique("N"), title: "New" } }) },
  "PATCH /api/standards/:slug/sections/:id": {
    role: "editor",
    build: async (w, t) => ({ method: "PATCH", url: `/api/standards/${w.standard.slug}/sections/${await worldSection(t, w)}`, payload: { title: "Retitled" } }),
  },
  "DELETE /api/standards/:slug/sections/:id": { role: "editor", build: async (w, t) => ({ method: "DELETE", url: `/api/standards/${w.standard.slug}/sections/${await worldSection(t, w)}` }) },
};

/** A role the entry allows, preferring one that is not an admin (admins pass most checks anyway). */
function allowedRole(entry: MatrixEntry): Exclude<Role, "anonymous" | "disabled"> | null {
  if (entry.allowed === "everyone") return null;
  const roles = entry.allowed.filter((r): r is Exclude<Role, "anonymous" | "disabled"> => r !== "anonymous" && r !== "disabled");
  return roles.find((r) => r !== "admin") ?? roles[0] ?? null;
}

describe.each(databaseKinds)("users whose address is not verified on %s", (kind) => {
  let t: TestApp;
  let w: World;
  beforeAll(async () => {
    t = await startTestApp(kind);
    w = await buildWorld(t.app, t.db);
  });
  afterAll(async () => t?.close());

  const setVerified = (userId: string, verified: boolean) =>
    t.db.updateTable("users").set({ email_verified_at: verified ? new Date() : null }).where("id", "=", userId).execute();

  /** Makes the request as `role` while their address is not verified; their address is verified again after. */
  async function asUnverified(role: Exclude<Role, "anonymous" | "disabled">, options: InjectOptions) {
    await setVerified(w.users[role].id, false);
    try {
      const before = await snapshotTables(t);
      const res = await t.app.inject({ ...options, headers: { ...(options.headers as Record<string, string>), ...w.users[role].auth } });
      return { res, before, after: await snapshotTables(t) };
    } finally {
      await setVerified(w.users[role].id, true);
    }
  }

  const matrix = { ...WORKFLOW_MATRIX, ...RELEASE_MATRIX };
  for (const [route, entry] of Object.entries(matrix)) {
    const role = allowedRole(entry);
    if (!role) continue;
    const reads = route.startsWith("GET ");
    it(`${route}: ${reads ? "still read" : "refused with 403 email_unverified, nothing stored"} by an unverified ${role}`, async () => {
      const { res, before, after } = await asUnverified(role, await entry.build(w, t, role));
      const what = `${route} as unverified ${role}: ${res.statusCode} ${res.body.slice(0, 200)}`;
      if (reads) {
        expect(res.statusCode, what).toBeLessThan(300);
        return;
      }
      expect(res.statusCode, what).toBe(403);
      expect(res.json().error.code, what).toBe("email_unverified");
      expect(res.json().error.message, what).toContain(w.users[role].email);
      expect(after, what).toBe(before);
      // The same request succeeds once the address is verified: the refusal was the address alone.
      const retry = await t.app.inject({ ...(await entry.build(w, t, role)), headers: w.users[role].auth });
      expect(retry.statusCode, `${route} as verified ${role}: ${retry.body.slice(0, 200)}`).toBeLessThan(300);
    });
  }

  for (const [route, { role, build }] of Object.entries(STANDARD_WRITES)) {
    it(`${route}: refused with 403 email_unverified by an unverified ${role}`, async () => {
      const { res, before, after } = await asUnverified(role as Exclude<Role, "anonymous" | "disabled">, await build(w, t));
      expect(res.statusCode, res.body).toBe(403);
      expect(res.json().error.code).toBe("email_unverified");
      expect(after).toBe(before);
    });
  }

  it("may still read, manage their own account, and sees write actions switched off", async () => {
    const reads: InjectOptions[] = [
      { method: "GET", url: "/api/me" },
      { method: "GET", url: "/api/users" },
      { method: "GET", url: `/api/standards/${w.standard.slug}/members` },
      { method: "GET", url: `/api/standards/${w.standard.slug}/sections` },
    ];
    for (const options of reads) {
      const { res } = await asUnverified("admin", options);
      expect(res.statusCode, `${options.url}: ${res.body.slice(0, 200)}`).toBe(200);
    }
    const { res: standard } = await asUnverified("editor", { method: "GET", url: `/api/standards/${w.standard.slug}` });
    expect(standard.json().permissions).toMatchObject({ editSections: false, propose: false, comment: false, publish: false, readDraftDiff: true, viewMembers: true });
    const verified = await t.app.inject({ method: "GET", url: `/api/standards/${w.standard.slug}`, headers: w.users.editor.auth });
    expect(verified.json().permissions).toMatchObject({ editSections: true, propose: true, comment: true, publish: true });
    // Their own account is theirs to manage.
    const { res: profile } = await asUnverified("contributor", { method: "PATCH", url: "/api/me", payload: { affiliation: "Unverified Org" } });
    expect(profile.statusCode).toBe(200);
    const { res: token } = await asUnverified("contributor", { method: "POST", url: "/api/tokens", payload: { name: "reading" } });
    expect(token.statusCode).toBe(201);
  });

  it("is told to verify only when verifying would be enough: other refusals stay 403 forbidden", async () => {
    const { res } = await asUnverified("contributor", { method: "POST", url: `/api/standards/${w.standard.slug}/sections`, payload: { label: unique("N"), title: "New" } });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe("forbidden");
    // A members-only standard is still missing to outsiders, verified or not.
    const { res: outsider } = await asUnverified("nonMember", { method: "POST", url: `/api/standards/${w.standard.slug}/proposals`, payload: { title: "X" } });
    expect(outsider.statusCode).toBe(404);
  });

  it("registers, is refused a comment, verifies from the mail, then comments", async () => {
    const email = `${unique("joiner")}@example.org`;
    const password = "a long enough password";
    await t.app.inject({ method: "POST", url: "/api/auth/register", payload: { email, displayName: "Joiner", password } });
    const login = await t.app.inject({ method: "POST", url: "/api/auth/login", payload: { email, password } });
    const cookie = `cw_session=${login.cookies.find((c) => c.name === "cw_session")!.value}`;
    const admin = w.users.admin.auth;
    const member = await t.app.inject({ method: "PUT", url: `/api/standards/${w.standard.slug}/members/${login.json().user.id}`, headers: admin, payload: { role: "contributor" } });
    expect(member.statusCode).toBe(200);
    const sectionId = await worldSection(t, w);
    const comment = (headers: Record<string, string>) =>
      t.app.inject({
        method: "POST",
        url: "/api/comments",
        headers: { ...headers, origin: "http://localhost:80" },
        payload: { target: { kind: "section", standard: w.standard.slug, section: sectionId }, body: "Hello from a newcomer." },
      });
    const refused = await comment({ cookie });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe("email_unverified");
    expect(refused.json().error.message).toBe(`Verify your address: open the link we mailed to ${email}, or ask for a new one.`);

    const verified = await t.app.inject({ method: "POST", url: "/api/auth/verify", payload: { token: linkToken(await onlyMailTo(t.db, email), t.config.publicUrl, "verify") } });
    expect(verified.statusCode).toBe(200);
    const session = `cw_session=${verified.cookies.find((c) => c.name === "cw_session")!.value}`;
    const posted = await comment({ cookie: session });
    expect(posted.statusCode).toBe(201);
  });

  it("may read a live section but its edits are refused (1008 email_unverified) and not stored", async () => {
    const base = await listenSync(t.app);
    const sectionId = await worldSection(t, w);
    const room = `draft.${sectionId}`;
    const editor = w.users.editor;
    await setVerified(editor.id, false);
    try {
      const socket = await rawSocket(base, room, { token: editor.token });
      await waitFor(() => socket.frames.some((f) => frameKind(f) === "sync:0"), "the server's sync step 1");
      const rows = await logRowCount(t.db, room);
      socket.send(frames.update(paragraphUpdate("unverified words")));
      const closed = await socket.closed;
      expect(closed.code).toBe(1008);
      expect(closed.reason).toMatch(/^email_unverified: /);
      expect(await logRowCount(t.db, room)).toBe(rows);
      expect(await storedBodyXml(t.db, room)).not.toContain("unverified words");
    } finally {
      await setVerified(editor.id, true);
    }
    // Verified, the same edit is taken.
    const socket = await rawSocket(base, room, { token: editor.token });
    await waitFor(() => socket.frames.some((f) => frameKind(f) === "sync:0"), "the server's sync step 1");
    socket.send(frames.update(paragraphUpdate("verified words")));
    await eventually(async () => (await storedBodyXml(t.db, room)).includes("verified words"), "the verified edit stored");
    socket.ws.close();
  });
});
