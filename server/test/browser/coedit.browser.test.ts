import { afterAll, beforeAll, expect, it } from "vitest";
import type { Page } from "playwright-core";
import type { SectionDetail, SectionSummary } from "@codewright/shared";
import { importStandard } from "../../src/domain/importer";
import { addMember, makeUser, type TestApp, type TestUser } from "../helper";
import { describeInBrowser, serveClient, SignedInBrowsers } from "./support";

const SLUG = "coedit-code";

const STANDARD = `# Co-editing Code

A standard for the co-editing test.

## Design {#CE-1}

Decide what to defend first.

## Testing {#CE-2}

Fuzz every parser that reads external input.
`;

describeInBrowser("co-editing a section in the browser", () => {
  let testApp: TestApp;
  let browsers: SignedInBrowsers;
  let base: string;
  let ada: TestUser;
  let bob: TestUser;
  let rita: TestUser;
  let section: SectionSummary;
  let design: SectionSummary;
  // One signed-in browser each, shared by the tests below.
  let adaPage: Page;
  let bobPage: Page;
  let ritaPage: Page;

  beforeAll(async () => {
    ({ testApp, base } = await serveClient());

    const { standard } = await importStandard(testApp.db, STANDARD, SLUG, null);
    ada = await makeUser(testApp.db, { name: "Ada Editor" });
    bob = await makeUser(testApp.db, { name: "Bob Editor" });
    // Not a member: the standard is public, so she reads it and its rooms.
    rita = await makeUser(testApp.db, { name: "Rita Reader" });
    await addMember(testApp.app, standard, ada, "editor");
    await addMember(testApp.app, standard, bob, "editor");
    const list = await testApp.app.inject({ url: `/api/standards/${SLUG}/sections`, headers: ada.auth });
    const sections = list.json<{ sections: SectionSummary[] }>().sections;
    section = sections.find((s) => s.label === "CE-2")!;
    design = sections.find((s) => s.label === "CE-1")!;

    browsers = await SignedInBrowsers.launch(base);
    // Three browsers and a server share the machine: allow for a slow one.
    const patient = (page: Page) => page.context().setDefaultTimeout(45_000);
    adaPage = await browsers.signedIn(ada, patient);
    bobPage = await browsers.signedIn(bob, patient);
    ritaPage = await browsers.signedIn(rita, patient);
  }, 240_000);

  afterAll(async () => {
    await browsers?.close();
    await testApp?.close();
  });

  /** Opens the section, switches to edit mode and waits until the live text can be typed in. */
  async function openEditor(page: Page) {
    await page.goto(`${base}/standards/${SLUG}/sections/${section.id}`);
    await page.getByRole("navigation", { name: "Mode" }).getByRole("link", { name: "Edit" }).click();
    await page.waitForURL(`${base}/standards/${SLUG}/sections/${section.id}/edit`);
    const text = page.getByRole("textbox", { name: `Text of ${section.number} ${section.title}` });
    await text.and(page.locator('[contenteditable="true"]')).waitFor();
    await page.getByText("Connected", { exact: true }).waitFor();
    return text;
  }

  /** Types `words` as a new paragraph at the end of the text. */
  async function appendParagraph(page: Page, words: string) {
    await page.locator(".section-editor-text").click();
    await page.keyboard.press("Control+End");
    await page.keyboard.press("Enter");
    await page.keyboard.type(words);
  }

  const editorText = (page: Page, words: string) => page.locator(".section-editor-text", { hasText: words });
  const caretOf = (page: Page, user: TestUser) => page.locator(".ProseMirror-yjs-cursor", { hasText: user.display_name });

  it("two editors see each other's text and named carets, a reader follows live, and the text is stored", { timeout: 180_000 }, async () => {
    await openEditor(adaPage);
    await openEditor(bobPage);

    await ritaPage.goto(`${base}/standards/${SLUG}/sections/${section.id}`);
    await ritaPage.getByText("Live · read-only", { exact: true }).waitFor();
    expect(await ritaPage.getByRole("navigation", { name: "Mode" }).count(), "a reader gets no edit mode").toBe(0);

    const fromAda = "Ada keeps corpora in version control.";
    const fromBob = "Bob turns crashes into regression tests.";
    await appendParagraph(adaPage, fromAda);
    await appendParagraph(bobPage, fromBob);

    // Each sees the other's words and caret, labelled with the name the server stamped.
    await editorText(adaPage, fromBob).waitFor();
    await editorText(bobPage, fromAda).waitFor();
    await caretOf(adaPage, bob).waitFor();
    await caretOf(bobPage, ada).waitFor();
    expect(await caretOf(adaPage, ada).count(), "no caret of one's own").toBe(0);

    // The presence list names the other editor.
    await adaPage.locator(".presence").getByText(bob.display_name).waitFor();

    // The reader sees both as they arrive, with nowhere to type.
    await ritaPage.locator(".section-body", { hasText: fromAda }).waitFor();
    await ritaPage.locator(".section-body", { hasText: fromBob }).waitFor();
    expect(await ritaPage.locator('[contenteditable="true"]').count()).toBe(0);
    await ritaPage.locator(".presence").getByText(ada.display_name).waitFor();

    // Undo takes back only one's own typing.
    await adaPage.keyboard.press("Control+z");
    await editorText(bobPage, fromAda).waitFor({ state: "detached" });
    expect(await editorText(adaPage, fromBob).count()).toBe(1);
    await adaPage.keyboard.press("Control+Shift+z");
    await editorText(bobPage, fromAda).waitFor();

    // A cross-reference found by a word of its target's title, chosen with the keyboard.
    await adaPage.getByRole("button", { name: "Cross-reference" }).click();
    await adaPage.getByRole("combobox", { name: /Find a section/ }).fill("desi");
    await adaPage.getByRole("option", { name: /Design/, selected: true }).waitFor();
    await adaPage.keyboard.press("Enter");
    const xref = ritaPage.locator(`.section-body a.xref[data-section="${design.id}"]`);
    await xref.waitFor();
    expect(await xref.innerText()).toBe(design.number);

    // After a reload the text comes back from the server; the API reads the same.
    await adaPage.reload();
    const reloaded = adaPage.getByRole("textbox", { name: `Text of ${section.number} ${section.title}` });
    await reloaded.and(adaPage.locator('[contenteditable="true"]')).waitFor();
    expect(await reloaded.innerText()).toContain(fromAda);
    expect(await reloaded.innerText()).toContain(fromBob);
    const stored = (await testApp.app.inject({ url: `/api/standards/${SLUG}/sections/${section.id}`, headers: rita.auth })).json<SectionDetail>();
    expect(stored.text).toContain(fromAda);
    expect(stored.text).toContain(fromBob);
    expect(JSON.stringify(stored.content)).toContain(`"section":"${design.id}"`);
    expect(browsers.pageErrors).toEqual([]);
  });

  it("keeps writing offline, counts the unsaved changes and merges them on reconnect", { timeout: 180_000 }, async () => {
    await openEditor(adaPage);
    await openEditor(bobPage);

    await bobPage.context().setOffline(true);
    await bobPage.getByText(/^Offline/).waitFor();
    const offline = "Written while offline.";
    await appendParagraph(bobPage, offline);
    await bobPage.getByText(/^Offline · \d+ unsaved changes?$/).waitFor();

    const online = "Written meanwhile online.";
    await appendParagraph(adaPage, online);

    await bobPage.context().setOffline(false);
    await bobPage.getByText("Connected", { exact: true }).waitFor();
    await editorText(adaPage, offline).waitFor();
    await editorText(bobPage, online).waitFor();
    expect(browsers.pageErrors).toEqual([]);
  });
});
