import { afterAll, beforeAll, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import type { CommentThread, NotificationList, ProposalDetail, SectionSummary } from "@codewright/shared";
import { importStandard } from "../../src/domain/importer";
import { addMember, makeUser, testConfig, TEST_PASSWORD, type TestApp, type TestUser } from "../helper";
import { linksIn, startSmtpServer, type TestSmtpServer } from "../mail";
import { describeInBrowser, launchChromium, serveClient, SignedInBrowsers } from "./support";

const SLUG = "participation-code";

const STANDARD = `# Participation Code

A standard that readers help revise.

## Input {#PC-1}

Every device shall validate its input.
`;

const NEW_PASSWORD = "a brand new and long passphrase";

describeInBrowser("joining and keeping informed in the browser", () => {
  let testApp: TestApp;
  let smtp: TestSmtpServer;
  let base: string;
  let browsers: SignedInBrowsers;
  let browser: Browser;
  let eddie: TestUser;
  let section: SectionSummary;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    smtp = await startSmtpServer();
    // Mail goes to the test's SMTP server; queues run when drained, so each step is deterministic.
    ({ testApp, base } = await serveClient({ ...smtp.config(), background: { ...testConfig().background, pollMs: 0 } }));
    const { standard } = await importStandard(testApp.db, STANDARD, SLUG, null);
    eddie = await makeUser(testApp.db, { name: "Eddie Editor" });
    await addMember(testApp.app, standard, eddie, "editor", true);
    const list = await testApp.app.inject({ url: `/api/standards/${SLUG}/sections`, headers: eddie.auth });
    section = list.json<{ sections: SectionSummary[] }>().sections.find((s) => s.label === "PC-1")!;
    const published = await testApp.app.inject({ method: "POST", url: `/api/standards/${SLUG}/releases`, headers: eddie.auth, payload: { version: "1.0", notes: "First." } });
    expect(published.statusCode, published.body).toBe(201);

    browsers = await SignedInBrowsers.launch(base);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browsers?.close();
    await browser?.close();
    await testApp?.close();
    await smtp?.close();
  });

  /** A page in a browser context of its own, signed in as nobody, whose uncaught errors are noted. */
  async function visitor(): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    page.on("pageerror", (error) => pageErrors.push(error.message));
    return page;
  }

  /** The mailed link containing `path`, made to point at this test's server (mail links use PUBLIC_URL). */
  async function mailedLink(to: string, path: string): Promise<URL> {
    await testApp.app.background.drain();
    const mail = await smtp.waitFor(to, { match: (m) => linksIn(m, path).length > 0 });
    const [link] = linksIn(mail, path);
    const url = new URL(link!);
    return new URL(`${url.pathname}${url.search}${url.hash}`, base);
  }

  const banner = (page: Page) => page.getByRole("banner");
  const main = (page: Page) => page.getByRole("main");

  it("registers on the sign-up page, verifies from the mail the SMTP server received, and comments on the release", async () => {
    const email = `nora-${Date.now()}@example.org`;
    const page = await visitor();

    // From the sign-in page to the sign-up page.
    await page.goto(`${base}/login`);
    await main(page).getByRole("link", { name: "Create one" }).click();
    await page.waitForURL(`${base}/signup`);
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Your name").fill("Nora Newcomer");
    await page.getByLabel("Password", { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel("Password again").fill(NEW_PASSWORD);
    await page.getByRole("button", { name: "Create my account" }).click();
    await main(page).getByRole("heading", { name: "Check your email" }).waitFor();
    await main(page).getByText(email).waitFor();

    // Signed in before verifying, she may read; the banner says what to do.
    await page.goto(`${base}/login`);
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(NEW_PASSWORD);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await banner(page).getByRole("link", { name: "Signed in as Nora Newcomer" }).waitFor();
    await banner(page).getByText("Verify your address.").waitFor();
    await banner(page).getByRole("button", { name: "Resend link" }).waitFor();

    // The link from the mail verifies the address; the token leaves the address bar.
    const link = await mailedLink(email, "/verify#");
    expect(link.pathname).toBe("/verify");
    await page.goto(link.href);
    await main(page).getByRole("heading", { name: "Your address is verified" }).waitFor();
    expect(new URL(page.url()).hash).toBe("");
    expect(await banner(page).getByText("Verify your address.").count()).toBe(0);

    // Opened again (from another page: a link differing only in its fragment would not load the page again), the used link says what to do next.
    await page.goto(`${base}/standards`);
    await page.goto(link.href);
    await main(page).getByRole("heading", { name: "This link no longer works" }).waitFor();
    await main(page).getByText("nothing more to do", { exact: false }).waitFor();

    // Verified, she comments on the published release.
    await page.goto(`${base}/standards/${SLUG}/releases/1.0/sections/${section.id}`);
    await page.locator(".section-body", { hasText: "its input." }).waitFor();
    const margin = page.getByRole("complementary", { name: "Comments" });
    await margin.getByRole("button", { name: "Comment on the section" }).click();
    await margin.getByRole("textbox", { name: "Comment" }).fill("Which inputs count as external?");
    await margin.getByRole("button", { name: "Comment", exact: true }).click();
    await margin.getByText("Which inputs count as external?").waitFor();

    const threads = (await testApp.app.inject({ url: `/api/comments?standard=${SLUG}&version=1.0`, headers: eddie.auth })).json<{ comments: CommentThread[] }>().comments;
    expect(threads.map((t) => [t.author.displayName, t.body])).toEqual([["Nora Newcomer", "Which inputs count as external?"]]);
    expect(pageErrors).toEqual([]);
  });

  it("resets a forgotten password from the mail, and says what to do with a used link", async () => {
    const rita = await makeUser(testApp.db, { name: "Rita Reset" });
    const page = await visitor();

    await page.goto(`${base}/login`);
    await main(page).getByRole("link", { name: "Forgot your password?" }).click();
    await page.waitForURL(`${base}/forgot`);
    await page.getByLabel("Email").fill(rita.email);
    await page.getByRole("button", { name: "Send me a link" }).click();
    await main(page).getByRole("heading", { name: "Check your email" }).waitFor();

    const link = await mailedLink(rita.email, "/reset#");
    expect(link.pathname).toBe("/reset");
    await page.goto(link.href);
    await main(page).getByRole("heading", { name: "Choose a new password" }).waitFor();
    await page.getByLabel("New password", { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel("New password again").fill(NEW_PASSWORD);
    await page.getByRole("button", { name: "Change password" }).click();
    await main(page).getByText("Password changed; sign in").waitFor();
    expect(new URL(page.url()).hash).toBe("");

    // The old password no longer works; the new one signs in from the page's link.
    const old = await testApp.app.inject({ method: "POST", url: "/api/auth/login", payload: { email: rita.email, password: TEST_PASSWORD } });
    expect(old.statusCode).toBe(401);
    await main(page).getByRole("link", { name: "Sign in" }).click();
    await page.waitForURL(`${base}/login`);
    await page.getByLabel("Email").fill(rita.email);
    await page.getByLabel("Password").fill(NEW_PASSWORD);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await banner(page).getByRole("link", { name: "Signed in as Rita Reset" }).waitFor();

    // The same link again: used up, and the page says to ask for a new one.
    await page.goto(link.href);
    await page.getByLabel("New password", { exact: true }).fill("yet another long passphrase");
    await page.getByLabel("New password again").fill("yet another long passphrase");
    await page.getByRole("button", { name: "Change password" }).click();
    await main(page).getByRole("heading", { name: "This link no longer works" }).waitFor();
    await main(page).getByRole("link", { name: "Ask for a new link" }).waitFor();

    // Single sign-on that came back without signing in says so on the sign-in page.
    const signedOut = await visitor();
    await signedOut.goto(`${base}/login?error=oidc_failed`);
    await main(signedOut).getByText("did not work, so you are not signed in", { exact: false }).waitFor();
    expect(pageErrors).toEqual([]);
  });

  it("watches a proposal, and the header's unread count rises live when another user decides it", async () => {
    const standard = await testApp.db.selectFrom("standards").select(["id", "slug"]).where("slug", "=", SLUG).executeTakeFirstOrThrow();
    const ada = await makeUser(testApp.db, { name: "Ada Author" });
    const wanda = await makeUser(testApp.db, { name: "Wanda Watcher" });
    await addMember(testApp.app, standard, ada, "contributor");
    await addMember(testApp.app, standard, wanda, "contributor");
    const created = await testApp.app.inject({ method: "POST", url: `/api/standards/${SLUG}/proposals`, headers: ada.auth, payload: { title: "Validate every input" } });
    const proposalId = created.json<{ id: string }>().id;
    const submitted = await testApp.app.inject({ method: "POST", url: `/api/proposals/${proposalId}/submit`, headers: ada.auth });
    expect(submitted.statusCode, submitted.body).toBe(200);
    await testApp.app.background.drain();

    // Wanda watches the proposal from its page.
    const page = await browsers.signedIn(wanda);
    await page.goto(`${base}/proposals/${proposalId}`);
    await main(page).getByRole("heading", { level: 1, name: "Validate every input" }).waitFor();
    await main(page).getByRole("button", { name: "Watch this proposal", pressed: false }).click();
    await main(page).getByRole("button", { name: "Watching this proposal", pressed: true }).waitFor();
    const state = await testApp.app.inject({ url: `/api/me/watches/proposal/${proposalId}`, headers: wanda.auth });
    expect(state.json()).toEqual({ watching: true });
    await banner(page).getByRole("link", { name: "Notifications", exact: true }).waitFor();

    // From now on the page reads no list of notifications: the count can only come from the stream.
    const reads: string[] = [];
    page.on("request", (request) => {
      const url = new URL(request.url());
      if (url.pathname === "/api/me/notifications") reads.push(url.search);
    });

    // Eddie accepts it through the API; Wanda's header hears of it without a reload.
    const accepted = await testApp.app.inject({ method: "POST", url: `/api/proposals/${proposalId}/accept`, headers: eddie.auth, payload: { note: "Agreed at the meeting." } });
    expect(accepted.json<ProposalDetail>().state).toBe("accepted");
    await testApp.app.background.drain();
    await banner(page).getByRole("link", { name: "Notifications (1 unread)" }).waitFor();
    expect(reads).toEqual([]);
    expect(new URL(page.url()).pathname).toBe(`/proposals/${proposalId}`);

    // The inbox lists it unread; opening it marks it read, and the count goes.
    await banner(page).getByRole("link", { name: "Notifications (1 unread)" }).click();
    await page.waitForURL(`${base}/notifications`);
    const list = main(page).getByRole("list", { name: "Notifications, newest first" });
    const item = list.getByRole("listitem").filter({ hasText: "Validate every input" });
    await item.getByText("Unread", { exact: true }).waitFor();
    await item.getByRole("link", { name: /Eddie Editor accepted/ }).click();
    await page.waitForURL(`${base}/proposals/${proposalId}`);
    await banner(page).getByRole("link", { name: "Notifications", exact: true }).waitFor();
    const inbox = (await testApp.app.inject({ url: "/api/me/notifications", headers: wanda.auth })).json<NotificationList>();
    expect([inbox.unread, inbox.notifications.map((n) => [n.event, n.read])]).toEqual([0, [["proposal.decided", true]]]);

    // The account page lists what she watches, and unwatches it.
    await page.goto(`${base}/account`);
    const watches = main(page).getByRole("region", { name: "What you watch" });
    await watches.getByRole("link", { name: "Validate every input" }).waitFor();
    await watches.getByRole("button", { name: "Unwatch Validate every input" }).click();
    await watches.getByText("You watch nothing yet.").waitFor();
    expect((await testApp.app.inject({ url: `/api/me/watches/proposal/${proposalId}`, headers: wanda.auth })).json()).toEqual({ watching: false });
    expect(browsers.pageErrors).toEqual([]);
  });

  it("sets an affiliation and the email preference on the account page, and shows the affiliation beside the name", async () => {
    const standard = await testApp.db.selectFrom("standards").select(["id", "slug"]).where("slug", "=", SLUG).executeTakeFirstOrThrow();
    const ada = await makeUser(testApp.db, { name: "Ada Lovelace" });
    await addMember(testApp.app, standard, ada, "contributor");
    const created = await testApp.app.inject({ method: "POST", url: `/api/standards/${SLUG}/proposals`, headers: ada.auth, payload: { title: "Rotate signing keys" } });
    const proposalId = created.json<{ id: string }>().id;

    const page = await browsers.signedIn(ada);
    await page.goto(`${base}/account`);
    const profile = main(page).getByRole("region", { name: "Name and affiliation" });
    await profile.getByLabel("Affiliation (optional)").fill("Acme Medical");
    await profile.getByRole("button", { name: "Save" }).click();
    await profile.getByText("Saved. You appear as Ada Lovelace (Acme Medical).").waitFor();

    const email = main(page).getByRole("region", { name: "Email notifications" });
    await expect.poll(() => email.getByRole("radio", { name: "A daily digest" }).isChecked()).toBe(true);
    await email.getByRole("radio", { name: "No email" }).check();
    await email.getByRole("button", { name: "Save preference" }).click();
    await email.getByText("Saved.", { exact: true }).waitFor();
    expect((await testApp.app.inject({ url: "/api/me/preferences", headers: ada.auth })).json()).toEqual({ email: "off" });

    await page.goto(`${base}/proposals/${proposalId}`);
    await main(page).getByText("Started by Ada Lovelace (Acme Medical)").waitFor();
    await main(page).getByRole("list", { name: "Authors" }).getByText("Ada Lovelace (Acme Medical)").waitFor();
    expect(browsers.pageErrors).toEqual([]);
  });
});
