import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseKinds, makeUser, snapshotTables, startTestApp, unique, type TestApp } from "../helper";
import { hashSecret } from "../../src/domain/secrets";
import { loadConfig } from "../../src/config";
import { TestBrowser, TestOpenIdProvider, type ProviderAccount } from "../fixtures/openid-provider";

const CLIENT = { clientId: "codewright", clientSecret: "a client secret long enough for HS256 and more" };

describe.each(databaseKinds)("single sign-on through an OpenID provider on %s", (kind) => {
  let op: TestOpenIdProvider;
  let t: TestApp;
  let appUrl: string;
  let callbackUrl: string;

  beforeAll(async () => {
    op = await TestOpenIdProvider.start();
    t = await startTestApp(kind, { oidc: { issuer: op.issuer, ...CLIENT, name: "Test account" } });
    // The provider sends the browser back to the app: it listens on a real port, its public URL.
    await t.app.listen({ port: 0, host: "127.0.0.1" });
    appUrl = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    t.config.publicUrl = appUrl;
    callbackUrl = `${appUrl}/api/auth/oidc/callback`;
    op.register({ ...CLIENT, redirectUri: callbackUrl });
  });
  afterAll(async () => {
    await t?.close();
    await op?.close();
  });

  /** A user at the provider, with the claims given. */
  function providerUser(claims: ProviderAccount): string {
    const sub = unique("sub");
    op.accounts.set(sub, claims);
    return sub;
  }

  /** Starts a sign-in at the app and signs `sub` in at the provider; returns where the provider sends the browser back, not yet followed. */
  async function throughProvider(browser: TestBrowser, sub: string, returnTo?: string): Promise<{ callback: URL; authorize: URL }> {
    const startUrl = `${appUrl}/api/auth/oidc/start${returnTo === undefined ? "" : `?returnTo=${encodeURIComponent(returnTo)}`}`;
    const start = await browser.fetch(startUrl);
    expect(start.status).toBe(302);
    const authorize = TestBrowser.location(start, startUrl);
    const interaction = await browser.followUntil(authorize, (u) => u.pathname.startsWith("/interaction/"));
    const login = new URL(`${interaction.pathname}/login`, op.issuer);
    const submitted = await browser.fetch(login, { form: { login: sub } });
    const callback = await browser.followUntil(TestBrowser.location(submitted, login), (u) => u.href.startsWith(callbackUrl));
    return { callback, authorize };
  }

  /** Follows the provider's redirect back to the app. */
  async function complete(browser: TestBrowser, callback: URL): Promise<{ status: number; location: string; session: string | undefined }> {
    const res = await browser.fetch(callback);
    await res.arrayBuffer();
    const session = res.headers.getSetCookie().find((c) => c.startsWith("cw_session="));
    return { status: res.status, location: res.headers.get("location") ?? "", session };
  }

  async function signedInAs(browser: TestBrowser) {
    const res = await browser.fetch(`${appUrl}/api/me`);
    return res.status === 200 ? ((await res.json()) as { user: { id: string; email: string; displayName: string; emailVerified: boolean } }).user : null;
  }

  const count = async (table: "users" | "sessions" | "oidc_identities" | "oidc_flows") =>
    Number((await t.db.selectFrom(table).select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow()).n);

  it("discovers the provider on first use, and tries again when it was down", async () => {
    op.down = true;
    const before = await snapshotTables(t);
    const down = await new TestBrowser().fetch(`${appUrl}/api/auth/oidc/start`);
    expect(down.status).toBe(302);
    expect(down.headers.get("location")).toBe("/login?error=oidc_unavailable");
    expect(down.headers.getSetCookie()).toEqual([]);
    expect(await snapshotTables(t)).toBe(before);

    op.down = false;
    const up = await new TestBrowser().fetch(`${appUrl}/api/auth/oidc/start`);
    expect(up.status).toBe(302);
    expect(up.headers.get("location")!.startsWith(`${op.issuer}/`)).toBe(true);
  });

  it("creates a verified account for a new identity, with PKCE, state and nonce, and returns to the page asked", async () => {
    const email = `${unique("ada")}@example.org`;
    const sub = providerUser({ email, email_verified: true, name: "Ada Lovelace" });
    const browser = new TestBrowser();
    const { callback, authorize } = await throughProvider(browser, sub, "/standards/building-code?tab=proposals");

    for (const p of ["state", "nonce", "code_challenge"]) expect(authorize.searchParams.get(p), p).toMatch(/^[A-Za-z0-9_-]{32,}$/);
    expect(authorize.searchParams.get("code_challenge_method")).toBe("S256");
    expect(authorize.searchParams.get("scope")).toBe("openid email profile");
    expect(authorize.searchParams.get("redirect_uri")).toBe(callbackUrl);
    // The state is bound to this browser by a short-lived httpOnly cookie; the flow is stored by its hash only.
    const state = authorize.searchParams.get("state")!;
    expect(browser.cookie(new URL(appUrl).host, "cw_oidc_state")).toBe(state);
    const flows = await t.db.selectFrom("oidc_flows").selectAll().execute();
    expect(flows.some((f) => f.state_hash === state || f.nonce === state)).toBe(false);
    expect(flows.some((f) => f.return_to === "/standards/building-code?tab=proposals")).toBe(true);

    const users = await count("users");
    const done = await complete(browser, callback);
    expect(done.status).toBe(302);
    expect(done.location).toBe("/standards/building-code?tab=proposals");
    expect(done.session).toMatch(/HttpOnly/i);
    expect(done.session).toMatch(/SameSite=Lax/i);
    expect(browser.cookie(new URL(appUrl).host, "cw_oidc_state")).toBeUndefined();

    const me = await signedInAs(browser);
    expect(me).toMatchObject({ email, displayName: "Ada Lovelace", emailVerified: true });
    expect(await count("users")).toBe(users + 1);
    const row = await t.db.selectFrom("users").selectAll().where("id", "=", me!.id).executeTakeFirstOrThrow();
    expect(row.password_hash).toBeNull();
    const identity = await t.db.selectFrom("oidc_identities").selectAll().where("subject", "=", sub).executeTakeFirstOrThrow();
    expect(identity).toMatchObject({ issuer: op.issuer, user_id: me!.id });
    expect(await t.db.selectFrom("oidc_flows").selectAll().where("return_to", "=", "/standards/building-code?tab=proposals").execute()).toEqual([]);
  });

  it("signs a known identity in to its account again, whatever its email is now", async () => {
    const sub = providerUser({ email: `${unique("grace")}@example.org`, email_verified: true, name: "Grace Hopper" });
    const first = new TestBrowser();
    expect((await complete(first, (await throughProvider(first, sub)).callback)).status).toBe(302);
    const account = (await signedInAs(first))!;

    op.accounts.set(sub, { email: `${unique("moved")}@example.org`, email_verified: true, name: "Rear Admiral Hopper" });
    const users = await count("users");
    const identities = await count("oidc_identities");
    const second = new TestBrowser();
    const done = await complete(second, (await throughProvider(second, sub)).callback);
    expect(done.status).toBe(302);
    expect(done.location).toBe("/");
    expect((await signedInAs(second))?.id).toBe(account.id);
    expect(await count("users")).toBe(users);
    expect(await count("oidc_identities")).toBe(identities);
  });

  it("links an identity to the existing account with the address the provider verified, and marks it verified", async () => {
    const existing = await makeUser(t.db);
    await t.db.updateTable("users").set({ email_verified_at: null }).where("id", "=", existing.id).execute();
    const sub = providerUser({ email: existing.email.toUpperCase(), email_verified: true, name: "Someone else" });
    const users = await count("users");
    const browser = new TestBrowser();
    const done = await complete(browser, (await throughProvider(browser, sub)).callback);
    expect(done.status).toBe(302);
    const me = await signedInAs(browser);
    expect(me).toMatchObject({ id: existing.id, email: existing.email, displayName: existing.display_name, emailVerified: true });
    expect(await count("users")).toBe(users);
    expect(await t.db.selectFrom("oidc_identities").select("user_id").where("subject", "=", sub).executeTakeFirstOrThrow()).toEqual({ user_id: existing.id });
    // The password still works as before.
    const login = await t.app.inject({ method: "POST", url: "/api/auth/login", payload: { email: existing.email, password: "correct horse battery staple" } });
    expect(login.statusCode).toBe(200);
  });

  it("never links through an address the provider did not verify", async () => {
    const existing = await makeUser(t.db);
    const sub = providerUser({ email: existing.email, email_verified: false, name: "Mallory" });
    const browser = new TestBrowser();
    const before = await snapshotTables(t);
    const done = await complete(browser, (await throughProvider(browser, sub)).callback);
    expect(done).toEqual({ status: 302, location: "/login?error=email_taken", session: undefined });
    expect(await signedInAs(browser)).toBeNull();
    expect(await snapshotTables(t)).toBe(before);
  });

  it("makes an unverified account for a new identity whose address the provider did not verify", async () => {
    const email = `${unique("unverified")}@example.org`;
    const sub = providerUser({ email, email_verified: false, preferred_username: "quiet-reader" });
    const browser = new TestBrowser();
    const done = await complete(browser, (await throughProvider(browser, sub)).callback);
    expect(done.status).toBe(302);
    expect(await signedInAs(browser)).toMatchObject({ email, displayName: "quiet-reader", emailVerified: false });
  });

  it("refuses a callback whose state is not the one this browser started, and the real one still completes", async () => {
    const sub = providerUser({ email: `${unique("state")}@example.org`, email_verified: true });
    const browser = new TestBrowser();
    const { callback } = await throughProvider(browser, sub);
    const forged = new URL(callback);
    forged.searchParams.set("state", "forged-state-of-another-sign-in-0123456789");
    const before = await snapshotTables(t);
    const refused = await complete(browser, forged);
    expect(refused).toEqual({ status: 302, location: "/login?error=oidc_failed", session: undefined });
    expect(await signedInAs(browser)).toBeNull();
    expect(await snapshotTables(t)).toBe(before);

    // The state cookie went with the refusal (as a browser would have it): put it back to complete the real one.
    browser.setCookie(new URL(appUrl).host, "cw_oidc_state", callback.searchParams.get("state")!);
    expect((await complete(browser, callback)).status).toBe(302);
    expect(await signedInAs(browser)).not.toBeNull();
  });

  it("refuses a callback completed in another browser", async () => {
    const sub = providerUser({ email: `${unique("elsewhere")}@example.org`, email_verified: true });
    const { callback } = await throughProvider(new TestBrowser(), sub);
    const other = new TestBrowser();
    const before = await snapshotTables(t);
    expect(await complete(other, callback)).toEqual({ status: 302, location: "/login?error=oidc_failed", session: undefined });
    expect(await signedInAs(other)).toBeNull();
    expect(await snapshotTables(t)).toBe(before);
  });

  it("refuses a replayed callback: the flow and the code are used once", async () => {
    const sub = providerUser({ email: `${unique("replay")}@example.org`, email_verified: true });
    const browser = new TestBrowser();
    const { callback } = await throughProvider(browser, sub);
    const state = callback.searchParams.get("state")!;
    expect((await complete(browser, callback)).status).toBe(302);
    const sessions = await count("sessions");

    const again = new TestBrowser();
    again.setCookie(new URL(appUrl).host, "cw_oidc_state", state);
    const before = await snapshotTables(t);
    expect(await complete(again, callback)).toEqual({ status: 302, location: "/login?error=oidc_failed", session: undefined });
    expect(await signedInAs(again)).toBeNull();
    expect(await count("sessions")).toBe(sessions);
    expect(await snapshotTables(t)).toBe(before);
  });

  it("refuses a flow older than 10 minutes", async () => {
    const sub = providerUser({ email: `${unique("slow")}@example.org`, email_verified: true });
    const browser = new TestBrowser();
    const { callback } = await throughProvider(browser, sub);
    const stateHash = hashSecret(callback.searchParams.get("state")!);
    await t.db.updateTable("oidc_flows").set({ expires_at: new Date(Date.now() - 1000) }).where("state_hash", "=", stateHash).execute();
    const users = await count("users");
    const sessions = await count("sessions");
    expect(await complete(browser, callback)).toEqual({ status: 302, location: "/login?error=oidc_failed", session: undefined });
    expect(await count("users")).toBe(users);
    expect(await count("sessions")).toBe(sessions);
    expect(await t.db.selectFrom("oidc_flows").selectAll().where("state_hash", "=", stateHash).execute()).toEqual([]);
  });

  it("refuses when the user cancels at the provider", async () => {
    const browser = new TestBrowser();
    const startUrl = `${appUrl}/api/auth/oidc/start`;
    const before = await snapshotTables(t);
    const interaction = await browser.followUntil(TestBrowser.location(await browser.fetch(startUrl), startUrl), (u) => u.pathname.startsWith("/interaction/"));
    const abort = new URL(`${interaction.pathname}/abort`, op.issuer);
    const callback = await browser.followUntil(TestBrowser.location(await browser.fetch(abort, { form: {} }), abort), (u) => u.href.startsWith(callbackUrl));
    expect(callback.searchParams.get("error")).toBe("access_denied");
    expect(await complete(browser, callback)).toEqual({ status: 302, location: "/login?error=oidc_failed", session: undefined });
    expect(await snapshotTables(t)).toBe(before);
  });

  it("refuses an identity without an email address, and a disabled account", async () => {
    const anonymous = new TestBrowser();
    const before = await snapshotTables(t);
    expect(await complete(anonymous, (await throughProvider(anonymous, providerUser({ name: "No Mail" }))).callback)).toEqual({
      status: 302,
      location: "/login?error=oidc_failed",
      session: undefined,
    });
    expect(await snapshotTables(t)).toBe(before);

    const sub = providerUser({ email: `${unique("disabled")}@example.org`, email_verified: true });
    const first = new TestBrowser();
    await complete(first, (await throughProvider(first, sub)).callback);
    const account = (await signedInAs(first))!;
    await t.app.inject({ method: "PATCH", url: `/api/users/${account.id}`, headers: (await makeUser(t.db, { admin: true })).auth, payload: { disabled: true } });
    const second = new TestBrowser();
    expect(await complete(second, (await throughProvider(second, sub)).callback)).toEqual({ status: 302, location: "/login?error=forbidden", session: undefined });
  });

  it("keeps only a same-site path to return to", async () => {
    for (const returnTo of ["//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:alert(1)"]) {
      const sub = providerUser({ email: `${unique("return")}@example.org`, email_verified: true });
      const browser = new TestBrowser();
      expect((await complete(browser, (await throughProvider(browser, sub, returnTo)).callback)).location, returnTo).toBe("/");
    }
  });

  it.each(["closed", "invite"] as const)("with registration %s, signs existing accounts in but makes no new one", async (mode) => {
    const known = providerUser({ email: `${unique("known")}@example.org`, email_verified: true });
    const before = new TestBrowser();
    await complete(before, (await throughProvider(before, known)).callback);
    const existing = await makeUser(t.db);
    const linking = providerUser({ email: existing.email, email_verified: true });
    const newcomer = providerUser({ email: `${unique("newcomer")}@example.org`, email_verified: true });

    t.config.registration = mode;
    try {
      const refusedBrowser = new TestBrowser();
      const snapshot = await snapshotTables(t);
      expect(await complete(refusedBrowser, (await throughProvider(refusedBrowser, newcomer)).callback)).toEqual({
        status: 302,
        location: "/login?error=registration_closed",
        session: undefined,
      });
      expect(await snapshotTables(t)).toBe(snapshot);

      for (const sub of [known, linking]) {
        const browser = new TestBrowser();
        expect((await complete(browser, (await throughProvider(browser, sub)).callback)).status).toBe(302);
        expect(await signedInAs(browser)).not.toBeNull();
      }
    } finally {
      t.config.registration = "open";
    }
  });
});

describe.each(databaseKinds)("single sign-on without a provider on %s", (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(kind);
  });
  afterAll(async () => t?.close());

  it("answers 404 not_found on both routes", async () => {
    for (const url of ["/api/auth/oidc/start", "/api/auth/oidc/callback?code=x&state=y"]) {
      const res = await t.app.inject({ method: "GET", url });
      expect(res.statusCode, url).toBe(404);
      expect(res.json().error.code, url).toBe("not_found");
    }
  });

  it("describes both routes as redirects in the OpenAPI document", async () => {
    const paths = (await t.app.inject({ method: "GET", url: "/api/openapi.json" })).json().paths;
    expect(Object.keys(paths["/api/auth/oidc/start"].get.responses)).toEqual(expect.arrayContaining(["302", "404"]));
    expect(paths["/api/auth/oidc/start"].get.parameters.map((p: { name: string }) => p.name)).toEqual(["returnTo"]);
    expect(Object.keys(paths["/api/auth/oidc/callback"].get.responses)).toEqual(expect.arrayContaining(["302", "404"]));
  });
});

describe("single sign-on configuration", () => {
  const env = { OIDC_CLIENT_ID: "id", OIDC_CLIENT_SECRET: "secret" };

  it("reads the provider, with a default name, only when OIDC_ISSUER is set", () => {
    expect(loadConfig({}).oidc).toBeUndefined();
    expect(loadConfig({ ...env, OIDC_ISSUER: "https://id.example.org", OIDC_NAME: "IEEE account" }).oidc).toEqual({
      issuer: "https://id.example.org",
      clientId: "id",
      clientSecret: "secret",
      name: "IEEE account",
    });
    expect(loadConfig({ ...env, OIDC_ISSUER: "http://127.0.0.1:9000" }).oidc?.name).toBe("single sign-on");
  });

  it("refuses a provider without its client, or reached over plain http elsewhere than this machine", () => {
    expect(() => loadConfig({ OIDC_ISSUER: "https://id.example.org", OIDC_CLIENT_ID: "id" })).toThrow(/OIDC_CLIENT_SECRET/);
    expect(() => loadConfig({ ...env, OIDC_ISSUER: "http://id.example.org" })).toThrow(/OIDC_ISSUER must be an https/);
    expect(() => loadConfig({ ...env, OIDC_ISSUER: "not a url" })).toThrow(/OIDC_ISSUER must be a URL/);
  });
});
