import { afterAll, beforeAll, expect, it } from "vitest";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { addMember, makeUser, type TestApp, type TestUser } from "../helper";
import { describeInBrowser, launchChromium, serveClient, submitSignIn } from "./support";

/**
 * Stored XSS in every user-visible text field the API takes (comments have their own browser test):
 * each field holds markup that would run script if a page inserted it as HTML. Every page that shows
 * a field must show it as text: no script runs, no element is injected, no CSP violation is even
 * attempted, and the payload reads back verbatim.
 */

const SLUG = "hostile-code";

/** A payload that names the field it sits in, so each page's check knows what to find. */
const payload = (field: string) => `${field} <img src=x onerror=window.__xss=1> <script>window.__xss=2</script> "><svg onload=window.__xss=3> javascript:window.__xss=4`;

const FIELDS = {
  adminName: payload("Admin name"),
  editorName: payload("Editor name"),
  standardTitle: payload("Standard title"),
  description: payload("Standard description"),
  sectionTitle: payload("Section title"),
  retitled: payload("Section retitled"),
  body: payload("Section body"),
  linkTitle: payload("Link title"),
  notes: payload("Release notes"),
  proposalTitle: payload("Proposal title"),
  rationale: payload("Proposal rationale"),
  tokenName: payload("Token name"),
};

describeInBrowser("stored XSS payloads in the browser", () => {
  let t: TestApp;
  let browser: Browser;
  let base: string;
  let admin: TestUser;
  let editor: TestUser;
  let sectionId: string;
  let proposalId: string;
  const contexts: BrowserContext[] = [];
  const refused: string[] = [];

  beforeAll(async () => {
    ({ testApp: t, base } = await serveClient());
    admin = await makeUser(t.db, { admin: true });
    editor = await makeUser(t.db);

    /** Sends a request through the API (so its validation applies); returns the JSON answer. */
    const api = async (user: TestUser, method: "POST" | "PATCH", url: string, payload: object, expected = [200, 201]) => {
      const res = await t.app.inject({ method, url, headers: user.auth, payload });
      expect(expected, `${method} ${url}: ${res.body}`).toContain(res.statusCode);
      return res.json();
    };

    await api(admin, "PATCH", `/api/users/${admin.id}`, { displayName: FIELDS.adminName });
    await api(admin, "PATCH", `/api/users/${editor.id}`, { displayName: FIELDS.editorName });
    admin.display_name = FIELDS.adminName;
    editor.display_name = FIELDS.editorName;
    await api(admin, "POST", "/api/standards", { slug: SLUG, title: FIELDS.standardTitle, description: FIELDS.description, isPublic: true });
    await addMember(t.app, { id: (await t.db.selectFrom("standards").select("id").where("slug", "=", SLUG).executeTakeFirstOrThrow()).id, slug: SLUG }, editor, "editor", true);

    const content = (href: string) => ({
      type: "doc",
      content: [{ type: "paragraph", content: [{ type: "text", text: FIELDS.body }, { type: "text", text: " a link", marks: [{ type: "link", attrs: { href, title: FIELDS.linkTitle } }] }] }],
    });
    const sections = `/api/standards/${SLUG}/sections`;
    // What the API refuses outright: script addresses in links, markup in labels.
    for (const href of ["javascript:window.__xss=5", " JaVaScRiPt:window.__xss=5", "data:text/html,<script>window.__xss=5</script>", "vbscript:x"]) {
      await api(admin, "POST", sections, { label: "BAD-1", title: "Bad link", content: content(href) }, [400]);
      refused.push(`link to ${href.trim().slice(0, 11)}`);
    }
    await api(admin, "POST", sections, { label: "<img src=x>", title: "Bad label" }, [400]);
    refused.push("markup in a label");
    sectionId = (await api(admin, "POST", sections, { label: "XSS-1", title: FIELDS.sectionTitle, content: content("https://example.org/") })).id;

    await api(admin, "POST", `/api/standards/${SLUG}/releases`, { version: "1.0.0", notes: FIELDS.notes });
    await api(admin, "PATCH", `${sections}/${sectionId}`, { title: FIELDS.retitled });
    await api(admin, "POST", `/api/standards/${SLUG}/releases`, { version: "1.1.0", notes: FIELDS.notes });
    proposalId = (await api(editor, "POST", `/api/standards/${SLUG}/proposals`, { title: FIELDS.proposalTitle, rationale: FIELDS.rationale })).id;

    browser = await launchChromium();
  });

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await t?.close();
  });

  interface Watched {
    page: Page;
    errors: string[];
  }

  async function signedIn(user: TestUser): Promise<Watched> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    contexts.push(context);
    // Any attempt to run injected script shows up as a CSP violation, even though the CSP stops it.
    await context.addInitScript(() => {
      document.addEventListener("securitypolicyviolation", (e) => {
        const w = window as unknown as { __csp?: string[] };
        (w.__csp ??= []).push(`${e.violatedDirective} ${e.blockedURI}`);
      });
    });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    page.on("dialog", (dialog) => {
      errors.push(`dialog: ${dialog.message()}`);
      void dialog.dismiss();
    });
    await submitSignIn(page, base, user);
    await page.getByRole("banner").getByText(user.display_name, { exact: false }).first().waitFor();
    return { page, errors };
  }

  /** Checks the page after its fields appeared: nothing ran, nothing was injected, every field reads as text. */
  async function expectInert({ page, errors }: Watched, path: string, fields: string[]) {
    const seen = await page.evaluate(() => {
      const w = window as unknown as { __xss?: unknown; __csp?: string[] };
      const onHandlers = [...document.querySelectorAll("*")].flatMap((el) => [...el.attributes].filter((a) => a.name.startsWith("on")).map((a) => `${el.tagName} ${a.name}`));
      return {
        xss: w.__xss ?? null,
        csp: w.__csp ?? [],
        injected: document.querySelectorAll('img[src="x"], svg[onload], iframe, object, embed').length,
        scripts: [...document.scripts].filter((s) => s.textContent?.includes("__xss")).length,
        scriptLinks: document.querySelectorAll('a[href^="javascript:" i], a[href^="data:" i], a[href^="vbscript:" i]').length,
        onHandlers,
        text: document.body.innerText,
      };
    });
    expect(seen.xss, path).toBeNull();
    expect(seen.csp, path).toEqual([]);
    expect(seen.injected, path).toBe(0);
    expect(seen.scripts, path).toBe(0);
    expect(seen.scriptLinks, path).toBe(0);
    expect(seen.onHandlers, path).toEqual([]);
    for (const field of fields) expect(seen.text, `${path} shows "${field.slice(0, 24)}…" as text`).toContain(field);
    expect(errors, path).toEqual([]);
  }

  async function visit(watched: Watched, path: string, fields: string[]) {
    await watched.page.goto(`${base}${path}`);
    for (const field of fields) await watched.page.getByText(field, { exact: false }).first().waitFor({ timeout: 30_000 });
    await expectInert(watched, path, fields);
  }

  it("shows every field as text on every page that shows it", async () => {
    const watched = await signedIn(admin);
    const pages: [string, string[]][] = [
      ["/", [FIELDS.standardTitle, FIELDS.adminName]],
      [`/standards/${SLUG}`, [FIELDS.standardTitle, FIELDS.description, FIELDS.retitled]],
      [`/standards/${SLUG}/sections/${sectionId}`, [FIELDS.retitled, FIELDS.body]],
      [`/standards/${SLUG}/releases`, [FIELDS.notes]],
      [`/standards/${SLUG}/releases/1.0.0`, [FIELDS.notes, FIELDS.sectionTitle]],
      [`/standards/${SLUG}/releases/1.0.0/sections/${sectionId}`, [FIELDS.sectionTitle, FIELDS.body]],
      [`/standards/${SLUG}/diff?from=1.0.0&to=1.1.0`, [FIELDS.retitled]],
      ["/admin/users", [FIELDS.adminName, FIELDS.editorName]],
      [`/admin/standards/${SLUG}/members`, [FIELDS.editorName]],
      ["/account", [FIELDS.adminName]],
      [`/standards/${SLUG}/proposals`, [FIELDS.proposalTitle]],
      [`/proposals/${proposalId}`, [FIELDS.proposalTitle, FIELDS.rationale, FIELDS.editorName]],
    ];
    for (const [path, fields] of pages) await visit(watched, path, fields);
    // A token's name shows once, beside its secret, when it is made in the page.
    await watched.page.goto(`${base}/account`);
    await watched.page.getByLabel("Token name").fill(FIELDS.tokenName);
    await watched.page.getByRole("button", { name: "Create token" }).click();
    await watched.page.getByText(FIELDS.tokenName, { exact: false }).first().waitFor({ timeout: 30_000 });
    await expectInert(watched, "/account (a new token)", [FIELDS.tokenName]);
    // The link's title is an attribute, never markup.
    await watched.page.goto(`${base}/standards/${SLUG}/sections/${sectionId}`);
    const link = watched.page.locator(".section-body a", { hasText: "a link" });
    await link.waitFor();
    expect(await link.getAttribute("href")).toBe("https://example.org/");
    expect(await link.getAttribute("title")).toBe(FIELDS.linkTitle);
    await expectInert(watched, "the section's link", []);
    expect(refused).toHaveLength(5);
  });

  it("keeps the release's HTML export inert when opened in the browser", async () => {
    const watched = await signedIn(admin);
    const path = `/api/standards/${SLUG}/releases/1.0.0/html`;
    await watched.page.goto(`${base}${path}`);
    await expectInert(watched, path, [FIELDS.standardTitle, FIELDS.notes, FIELDS.sectionTitle, FIELDS.body]);
  });

  it("shows a hostile name in the live editor's presence as text", async () => {
    const mine = await signedIn(admin);
    const theirs = await signedIn(editor);
    const path = `/standards/${SLUG}/sections/${sectionId}/edit`;
    for (const w of [mine, theirs]) {
      await w.page.goto(`${base}${path}`);
      await w.page.locator("[contenteditable='true']").first().waitFor();
      await w.page.getByText("Connected", { exact: true }).waitFor();
    }
    // The other editor types, so their cursor and name show in this page.
    await theirs.page.locator("[contenteditable='true']").first().click();
    await theirs.page.keyboard.press("Control+End");
    await theirs.page.keyboard.type(" typed", { delay: 5 });
    await mine.page.getByText(FIELDS.editorName, { exact: false }).first().waitFor({ timeout: 30_000 });
    await expectInert(mine, `${path} (presence)`, [FIELDS.editorName]);
    await expectInert(theirs, `${path} (own page)`, []);
  });
});
