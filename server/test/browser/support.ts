import { existsSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { describe, inject, it } from "vitest";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import type { Config } from "../../src/config";
import { startTestApp, TEST_PASSWORD, type TestApp, type TestUser } from "../helper";
import { CHROMIUM_PATH, CLIENT_DIST, SKIP_BROWSER } from "./build-client";

const NO_CHROMIUM =
  `No Chromium at ${CHROMIUM_PATH}, so the browser tests cannot run. Install it (apt-get install -y chromium), ` +
  "or set CHROMIUM_PATH to a Chromium build; SKIP_BROWSER=1 skips the browser tests instead.";

/**
 * `describe` for a suite that drives Chromium. Without Chromium the suite fails, saying how to
 * get it, rather than passing unseen; only SKIP_BROWSER=1 skips it.
 */
export function describeInBrowser(name: string, body: () => void): void {
  if (SKIP_BROWSER) describe.skip(name, body);
  else if (!existsSync(CHROMIUM_PATH)) {
    describe(name, () => {
      it("finds Chromium to run in", () => {
        throw new Error(NO_CHROMIUM);
      });
    });
  }
  else describe(name, body);
}

/** Headless Chromium (Debian's unless CHROMIUM_PATH names another) with the flags these tests run it with. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
  });
}

/**
 * A test app on PGlite serving the built web client on a free port, with its base URL; `overrides`
 * change its configuration (mail through a test SMTP server, say). Throws when the client could not be built.
 */
export async function serveClient(overrides: Partial<Config> = {}): Promise<{ testApp: TestApp; base: string }> {
  const buildProblem = inject("clientBuildProblem");
  if (buildProblem) throw new Error(buildProblem);
  const testApp = await startTestApp("pglite", { ...overrides, clientDir: CLIENT_DIST });
  await testApp.app.listen({ port: 0, host: "127.0.0.1" });
  return { testApp, base: `http://127.0.0.1:${(testApp.app.server.address() as AddressInfo).port}` };
}

async function fillSignIn(page: Page, user: TestUser): Promise<void> {
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill(TEST_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
}

const signedInBanner = (page: Page, user: TestUser) => page.getByRole("banner").getByRole("link", { name: `Signed in as ${user.display_name}` }).waitFor();

/** Fills in the sign-in page as `user` and sends it. */
export async function submitSignIn(page: Page, base: string, user: TestUser): Promise<void> {
  await page.goto(`${base}/login`);
  await fillSignIn(page, user);
}

/** Signs in through the sign-in page and waits until the banner names `user`. */
export async function signInThroughPage(page: Page, base: string, user: TestUser): Promise<void> {
  await submitSignIn(page, base, user);
  await signedInBanner(page, user);
}

/** Signs in the way a visitor does: from the home page's "Sign in" link; waits until the banner names `user`. */
export async function signInFromHomePage(page: Page, base: string, user: TestUser): Promise<void> {
  await page.goto(`${base}/`);
  await page.getByRole("banner").getByRole("link", { name: "Sign in" }).click();
  await page.waitForURL((url) => url.pathname === "/login");
  await fillSignIn(page, user);
  await signedInBanner(page, user);
}

/**
 * Chromium for one test file, with a context of its own (cookies and all) for every user signed
 * in. Uncaught errors of all its pages collect in `pageErrors`, each prefixed with the user's name.
 */
export class SignedInBrowsers {
  readonly pageErrors: string[] = [];
  readonly #contexts: BrowserContext[] = [];

  private constructor(
    readonly browser: Browser,
    readonly base: string,
  ) {}

  static async launch(base: string): Promise<SignedInBrowsers> {
    return new SignedInBrowsers(await launchChromium(), base);
  }

  /** A page for `user`, signed in through the sign-in page; `prepare` sets the page up (listeners, timeouts) before that. */
  async signedIn(user: TestUser, prepare?: (page: Page) => void): Promise<Page> {
    const context = await this.browser.newContext({ viewport: { width: 1280, height: 900 } });
    this.#contexts.push(context);
    const page = await context.newPage();
    page.on("pageerror", (error) => this.pageErrors.push(`${user.display_name}: ${error.message}`));
    prepare?.(page);
    await signInThroughPage(page, this.base, user);
    return page;
  }

  async close(): Promise<void> {
    for (const context of this.#contexts) await context.close();
    await this.browser.close();
  }
}
