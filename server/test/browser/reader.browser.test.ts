import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import type { PMJSON, SectionDetail, SectionSummary } from "@codewright/shared";
import { importStandard } from "../../src/domain/importer";
import { makeUser, type TestApp, type TestUser } from "../helper";
import { describeInBrowser, launchChromium, serveClient, signInFromHomePage } from "./support";

const SAMPLE = resolve(import.meta.dirname, "../../seed/building-code.md");
const SLUG = "building-code";

// A small standard in the import format, for when the sample building code is not at hand.
const FALLBACK = `# Sample Building Code

A short standard for the reader test.

## Design {#BC-1}

Decide what to defend first.

### Threat modelling {#BC-1.1}

Keep a threat model; test it as [[BC-2.1]] says.

> **Note:** Any established method will do.

## Testing {#BC-2}

### Fuzzing {#BC-2.1}

Fuzz every parser that reads external input.
`;

/** The first node of `type` in a ProseMirror JSON tree, depth first. */
function findNode(node: PMJSON, type: string): PMJSON | undefined {
  if (node.type === type) return node;
  for (const child of node.content ?? []) {
    const found = findNode(child, type);
    if (found) return found;
  }
  return undefined;
}

describeInBrowser("reading a standard in the browser", () => {
  let testApp: TestApp;
  let browser: Browser;
  let base: string;
  let reader: TestUser;
  let title: string;
  let outline: SectionSummary[];
  // A section whose body cross-references another, and the section it refers to.
  let citing: SectionDetail;
  let cited: SectionSummary;

  beforeAll(async () => {
    ({ testApp, base } = await serveClient());

    const markdown = existsSync(SAMPLE) ? await readFile(SAMPLE, "utf8") : FALLBACK;
    title = (await importStandard(testApp.db, markdown, SLUG, null)).standard.title;
    reader = await makeUser(testApp.db, { name: "Rita Reader" });

    const list = await testApp.app.inject({ url: `/api/standards/${SLUG}/sections`, headers: reader.auth });
    outline = list.json<{ sections: SectionSummary[] }>().sections;
    for (const summary of outline) {
      const detail = (await testApp.app.inject({ url: `/api/standards/${SLUG}/sections/${summary.id}`, headers: reader.auth })).json<SectionDetail>();
      const xref = findNode(detail.content as PMJSON, "xref");
      const target = outline.find((s) => s.id === xref?.attrs?.section && s.id !== detail.id);
      if (target) {
        citing = detail;
        cited = target;
        break;
      }
    }
    expect(cited, "the standard has a cross-reference between two sections").toBeDefined();

    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await testApp?.close();
  });

  it("signs in, opens a section and follows a cross-reference to the current number", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const pageErrors: string[] = [];
    page.on("pageerror", (error) => pageErrors.push(error.message));
    try {
      await signInFromHomePage(page, base, reader);

      await page.getByRole("main").getByRole("link", { name: title, exact: true }).click();
      await page.waitForURL(`${base}/standards/${SLUG}`);
      await page.getByRole("heading", { level: 1, name: title }).waitFor();

      // A marker on the window survives only if navigation stays inside the single-page app.
      await page.evaluate(() => Object.assign(window, { stillTheSamePage: true }));

      const contents = page.getByRole("navigation", { name: "Contents" });
      await contents.locator(`a[href="/standards/${SLUG}/sections/${citing.id}"]`).click();
      await page.waitForURL(`${base}/standards/${SLUG}/sections/${citing.id}`);
      const heading = page.getByRole("heading", { level: 1 });
      await page.getByRole("heading", { level: 1, name: `${citing.number} ${citing.title}` }).waitFor();
      expect(await contents.locator('a[aria-current="page"]').getAttribute("href")).toBe(`/standards/${SLUG}/sections/${citing.id}`);

      const firstWords = findNode(citing.content as PMJSON, "text")!.text!.slice(0, 40);
      expect(await page.locator(".section-body").innerText()).toContain(firstWords);

      const xref = page.locator(`.section-body a.xref[data-section="${cited.id}"]`).first();
      expect(await xref.innerText()).toBe(cited.number);
      expect(await xref.getAttribute("title")).toContain(cited.label);
      await xref.click();

      await page.waitForURL(`${base}/standards/${SLUG}/sections/${cited.id}`);
      await page.getByRole("heading", { level: 1, name: `${cited.number} ${cited.title}` }).waitFor();
      expect(await heading.innerText()).toContain(cited.title);
      expect(await page.evaluate(() => (window as { stillTheSamePage?: boolean }).stillTheSamePage)).toBe(true);

      await page.goBack();
      await page.getByRole("heading", { level: 1, name: `${citing.number} ${citing.title}` }).waitFor();
      expect(pageErrors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it("on a phone, keeps the contents collapsed above the text until asked", async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    try {
      await page.goto(`${base}/standards/${SLUG}/sections/${citing.id}`);
      await page.getByRole("heading", { level: 1, name: `${citing.number} ${citing.title}` }).waitFor();
      const contents = page.locator("#standard-contents");
      expect(await contents.isVisible()).toBe(false);

      const toggle = page.getByRole("button", { name: "Contents" });
      expect(await toggle.getAttribute("aria-expanded")).toBe("false");
      await toggle.click();
      expect(await contents.isVisible()).toBe(true);

      await contents.locator(`a[href="/standards/${SLUG}/sections/${cited.id}"]`).click();
      await page.getByRole("heading", { level: 1, name: `${cited.number} ${cited.title}` }).waitFor();
      expect(await contents.isVisible()).toBe(false);
    } finally {
      await page.close();
    }
  });
});
