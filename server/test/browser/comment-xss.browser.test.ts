import { afterAll, beforeAll, expect, it } from "vitest";
import type { Page } from "playwright-core";
import type { CommentThread, SectionSummary } from "@codewright/shared";
import { importStandard } from "../../src/domain/importer";
import { addMember, makeUser, type TestApp, type TestUser } from "../helper";
import { describeInBrowser, serveClient, SignedInBrowsers } from "./support";

const SLUG = "comment-code";

const STANDARD = `# Comment Code

A standard for the comment tests.

## Input {#CC-1}

Every device shall validate its input.
`;

const IMG = "<img src=x onerror=window.__xss=1>";
const SCRIPT = "<script>window.__xss=2</script>";


describeInBrowser("comments in the browser", () => {
  let testApp: TestApp;
  let browsers: SignedInBrowsers;
  let base: string;
  let rita: TestUser;
  let eddie: TestUser;
  let admin: TestUser;
  let section: SectionSummary;
  const dialogs: string[] = [];

  beforeAll(async () => {
    ({ testApp, base } = await serveClient());

    const { standard } = await importStandard(testApp.db, STANDARD, SLUG, null);
    rita = await makeUser(testApp.db, { name: "Rita Reviewer" });
    eddie = await makeUser(testApp.db, { name: "Eddie Editor" });
    admin = await makeUser(testApp.db, { admin: true, name: "Ada Admin" });
    await addMember(testApp.app, standard, rita, "contributor");
    await addMember(testApp.app, standard, eddie, "editor");
    const list = await testApp.app.inject({ url: `/api/standards/${SLUG}/sections`, headers: rita.auth });
    section = list.json<{ sections: SectionSummary[] }>().sections.find((s) => s.label === "CC-1")!;

    browsers = await SignedInBrowsers.launch(base);
  });

  afterAll(async () => {
    await browsers?.close();
    await testApp?.close();
  });

  /** A signed-in page for `user` whose dialogs (an alert from injected script, say) are noted and dismissed. */
  const signedIn = (user: TestUser) =>
    browsers.signedIn(user, (page) =>
      page.on("dialog", (dialog) => {
        dialogs.push(dialog.message());
        void dialog.dismiss();
      }),
    );

  /** Selects `words` inside the first element matching `selector`, as a reader dragging over them would. */
  async function select(page: Page, selector: string, words: string) {
    await page.evaluate(
      ({ selector, words }) => {
        const root = document.querySelector(selector)!;
        const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode() as Text | null; node; node = walker.nextNode() as Text | null) {
          const at = node.data.indexOf(words);
          if (at < 0) continue;
          const range = document.createRange();
          range.setStart(node, at);
          range.setEnd(node, at + words.length);
          const selection = getSelection()!;
          selection.removeAllRanges();
          selection.addRange(range);
          return;
        }
        throw new Error(`"${words}" is not in ${selector}`);
      },
      { selector, words },
    );
  }

  const threads = async () =>
    (await testApp.app.inject({ url: `/api/comments?standard=${SLUG}&section=${section.id}`, headers: rita.auth })).json<{ comments: CommentThread[] }>().comments;
  /** The text under the page's comment highlights. */
  const highlighted = (page: Page) =>
    page.evaluate(() => ["comment-anchor", "comment-anchor-active"].flatMap((name) => [...((CSS.highlights.get(name) as Set<Range> | undefined) ?? [])].map((r) => r.toString())));

  async function openSection(page: Page) {
    await page.goto(`${base}/standards/${SLUG}/sections/${section.id}`);
    await page.locator(".section-body", { hasText: "its input." }).waitFor();
    await page.getByText("No comments yet.").or(page.locator(".thread").first()).waitFor();
  }

  it("keeps an XSS payload in a comment and its reply as text; only web links become links", async () => {
    const page = await signedIn(rita);
    await openSection(page);

    // Select a word, comment on it.
    await select(page, ".section-body p", "validate");
    await page.getByRole("button", { name: "Comment", exact: true }).click();
    const margin = page.getByRole("complementary", { name: "Comments" });
    await margin.locator("blockquote", { hasText: "validate" }).waitFor();
    const body = `${IMG} Validate against what? See https://example.org/spec. Not javascript:window.__xss=3`;
    await margin.getByRole("textbox", { name: "Comment" }).fill(body);
    await margin.getByRole("button", { name: "Comment", exact: true }).click();
    const card = margin.locator(".thread").first();
    await card.getByText(IMG, { exact: false }).waitFor();

    // A reply with a script element stays text too.
    await card.getByRole("button", { name: "Reply" }).click();
    await card.getByRole("textbox", { name: "Reply" }).fill(`${SCRIPT} agreed`);
    await card.getByRole("button", { name: "Reply", exact: true }).click();
    await card.getByText(`${SCRIPT} agreed`).waitFor();

    // The page reads both as text, and after a reload from the server too.
    for (const round of ["as posted", "after a reload"]) {
      if (round === "after a reload") {
        await openSection(page);
        await margin.locator(".thread").first().waitFor();
      }
      expect(await page.evaluate(() => (window as { __xss?: unknown }).__xss), round).toBeUndefined();
      expect(await card.locator(".comment-text").first().textContent(), round).toBe(body);
      await card.getByText(`${SCRIPT} agreed`).waitFor();
      expect(await margin.locator("img, script").count(), round).toBe(0);
      const links = card.locator(".comment-text a");
      expect(await links.count(), round).toBe(1);
      expect(await links.first().getAttribute("href")).toBe("https://example.org/spec");
      expect(await links.first().getAttribute("rel")).toContain("noopener");
    }
    expect(dialogs).toEqual([]);

    // The thread is anchored with Yjs relative positions and its quote, and highlighted.
    const [thread] = await threads();
    expect(thread!.anchor).toMatchObject({ quote: "validate", prefix: "Every device shall ", suffix: " its input.", start: expect.any(String), end: expect.any(String) });
    expect(thread!.body).toBe(body);
    await expect.poll(() => highlighted(page)).toEqual(["validate"]);
    expect(browsers.pageErrors).toEqual([]);
  });

  it("follows the anchored text through edits, shows it on deleted text, and resolves and reopens", async () => {
    const page = await signedIn(rita);
    const editor = await signedIn(eddie);
    await openSection(page);
    await expect.poll(() => highlighted(page)).toEqual(["validate"]);

    // The editor types before the anchored word: the anchor moves with its text.
    await editor.goto(`${base}/standards/${SLUG}/sections/${section.id}/edit`);
    const text = editor.locator(".section-editor-text[contenteditable='true']");
    await text.waitFor();
    await editor.getByText("Connected", { exact: true }).waitFor();
    await text.click();
    await editor.keyboard.press("Control+Home");
    await editor.keyboard.type("From 2027, ", { delay: 5 });
    await page.locator(".section-body", { hasText: "From 2027, Every device" }).waitFor();
    await expect.poll(async () => (await threads())[0]!.position).toEqual({ state: "active", from: 31, to: 39, text: "validate" });
    await openSection(page);
    await expect.poll(() => highlighted(page)).toEqual(["validate"]);

    // The editor deletes the word: the thread stays, on deleted text.
    await select(editor, ".section-editor-text", "validate ");
    await editor.keyboard.press("Backspace");
    await page.locator(".section-body", { hasText: "shall its input" }).waitFor();
    await expect.poll(async () => (await threads())[0]!.position).toEqual({ state: "deleted" });
    await openSection(page);
    const margin = page.getByRole("complementary", { name: "Comments" });
    const card = margin.locator(".thread").first();
    await card.getByText("On deleted text").waitFor();
    expect(await card.locator("del").textContent()).toBe("validate");
    expect(await highlighted(page)).toEqual([]);

    // Its author resolves it, then reopens it.
    await card.getByRole("button", { name: "Resolve" }).click();
    await margin.getByRole("button", { name: "Show 1 resolved" }).click();
    const resolved = margin.locator(".thread.resolved");
    await resolved.getByText(`Resolved by ${rita.display_name}`).waitFor();
    await resolved.getByRole("button", { name: "Reopen" }).click();
    await margin.locator(".thread:not(.resolved)").getByText("On deleted text").waitFor();
    expect((await threads())[0]!.state).toBe("open");
    expect(browsers.pageErrors).toEqual([]);
  });

  it("takes a public comment on a release section, and an editor records its disposition", async () => {
    const published = await testApp.app.inject({ method: "POST", url: `/api/standards/${SLUG}/releases`, headers: eddie.auth, payload: { version: "1.0", notes: "First." } });
    expect(published.statusCode).toBe(201);
    const created = await testApp.app.inject({ method: "POST", url: `/api/standards/${SLUG}/proposals`, headers: eddie.auth, payload: { title: "Define validation" } });
    const proposalId = created.json<{ id: string }>().id;
    const paula = await makeUser(testApp.db, { name: "Paula Public" });

    // A reader who is no member comments on a sentence of the release.
    const page = await signedIn(paula);
    await page.goto(`${base}/standards/${SLUG}/releases/1.0/sections/${section.id}`);
    await page.locator(".section-body", { hasText: "its input." }).waitFor();
    await page.getByText("No comments yet.").waitFor();
    await select(page, ".section-body p", "its input");
    await page.getByRole("button", { name: "Comment", exact: true }).click();
    const margin = page.getByRole("complementary", { name: "Comments" });
    await margin.getByRole("textbox", { name: "Comment" }).fill("Which inputs count?");
    await margin.getByRole("button", { name: "Comment", exact: true }).click();
    await margin.getByText("Which inputs count?").waitFor();
    await expect.poll(() => highlighted(page)).toEqual(["its input"]);
    expect(await margin.getByRole("button", { name: "Record disposition" }).count(), "readers do not dispose").toBe(0);

    // The editor records its disposition, linking the proposal that carries it out.
    const editor = await signedIn(eddie);
    await editor.goto(`${base}/standards/${SLUG}/releases/1.0/sections/${section.id}`);
    const editorMargin = editor.getByRole("complementary", { name: "Comments" });
    await editorMargin.getByRole("button", { name: "Record disposition" }).click();
    await editorMargin.getByRole("radio", { name: "Accepted with modification" }).check();
    await editorMargin.getByLabel("Response").fill("We will define the inputs in the next release.");
    await editorMargin.getByLabel("Carried out by optional").selectOption({ label: "Define validation" });
    await editorMargin.getByRole("button", { name: "Record disposition" }).click();
    await editorMargin.getByText("Accepted with modification").waitFor();
    await editorMargin.getByText("We will define the inputs in the next release.").waitFor();
    expect(await editorMargin.getByRole("link", { name: "The proposal that carries it out" }).getAttribute("href")).toBe(`/proposals/${proposalId}`);

    const [thread] = (await testApp.app.inject({ url: `/api/comments?standard=${SLUG}&version=1.0`, headers: eddie.auth })).json<{ comments: CommentThread[] }>().comments;
    expect(thread).toMatchObject({ target: { kind: "release_section", version: "1.0" }, anchor: { quote: "its input" }, disposition: { value: "accepted-with-modification", proposal: proposalId } });
    expect(browsers.pageErrors).toEqual([]);
  });

  it("offers no comment box on a release when the standard's public comments are closed", async () => {
    const closed = await testApp.app.inject({ method: "PATCH", url: `/api/standards/${SLUG}`, headers: admin.auth, payload: { publicCommentsOpen: false } });
    expect(closed.statusCode, closed.body).toBe(200);
    const olga = await makeUser(testApp.db, { name: "Olga Outsider" });
    const page = await signedIn(olga);
    await page.goto(`${base}/standards/${SLUG}/releases/1.0/sections/${section.id}`);
    await page.locator(".section-body", { hasText: "its input." }).waitFor();
    const margin = page.getByRole("complementary", { name: "Comments" });
    await margin.getByText("Public comments on this standard are closed.").waitFor();
    await select(page, ".section-body p", "its input");
    expect(await page.getByRole("button", { name: "Comment", exact: true }).count()).toBe(0);
    expect(await margin.getByRole("textbox", { name: "Comment" }).count()).toBe(0);
    expect(browsers.pageErrors).toEqual([]);
  });
});
