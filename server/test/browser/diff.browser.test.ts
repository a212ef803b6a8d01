import { afterAll, beforeAll, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import * as Y from "yjs";
import { BODY_FIELD } from "@codewright/shared";
import { importStandard } from "../../src/domain/importer";
import { appendUpdates, loadRoomDoc } from "../../src/domain/room-log";
import { addMember, makeUser, type TestApp, type TestUser } from "../helper";
import { describeInBrowser, launchChromium, serveClient, signInFromHomePage } from "./support";

const SLUG = "device-code";

const STANDARD = `# Device Security Code

Practices that keep exploitable errors out of device software.

## Avoid {#BC-1}

Practices that prevent errors from being written.

### Use memory-safe languages {#BC-1.1}

New components are written in a memory-safe language.

### Validate inputs {#BC-1.2}

Every input from outside the component is checked:

- length of every buffer
- range of every integer

## Detect {#BC-2}

### Test with fuzzing {#BC-2.1}

Fuzz every parser that reads external input for a day before each release.
`;

/** Replaces the first `before` in a section's draft body with `after`, as an editor typing would, through the room's log. */
async function retype(testApp: TestApp, room: string, before: string, after: string): Promise<void> {
  const doc = await loadRoomDoc(testApp.db, room);
  const stateBefore = Y.encodeStateVector(doc);
  const found = findText(doc.getXmlFragment(BODY_FIELD), before);
  if (!found) throw new Error(`"${before}" is not in room ${room}`);
  doc.transact(() => {
    found.node.delete(found.index, before.length);
    found.node.insert(found.index, after);
  });
  await appendUpdates(testApp.db, room, [{ data: Y.encodeStateAsUpdate(doc, stateBefore), authorId: null }]);
  doc.destroy();
}

function findText(parent: Y.XmlFragment | Y.XmlElement, needle: string): { node: Y.XmlText; index: number } | null {
  for (const child of parent.toArray()) {
    if (child instanceof Y.XmlText) {
      const index = child.toString().indexOf(needle);
      if (index >= 0) return { node: child, index };
    } else if (child instanceof Y.XmlElement) {
      const found = findText(child, needle);
      if (found) return found;
    }
  }
  return null;
}

describeInBrowser("reading releases and their diff in the browser", () => {
  let testApp: TestApp;
  let browser: Browser;
  let base: string;
  let editor: TestUser;
  // Section ids by label.
  let ids: Map<string, string>;

  const api = (method: "GET" | "POST" | "PATCH", url: string, payload?: object) => testApp.app.inject({ method, url, headers: editor.auth, payload });
  const publish = async (version: string, notes: string) => {
    const res = await api("POST", `/api/standards/${SLUG}/releases`, { version, notes });
    expect(res.statusCode, res.body).toBe(201);
  };

  beforeAll(async () => {
    ({ testApp, base } = await serveClient());

    const { standard } = await importStandard(testApp.db, STANDARD, SLUG, null);
    const rows = await testApp.db.selectFrom("sections").select(["id", "label", "room"]).where("standard_id", "=", standard.id).execute();
    ids = new Map(rows.map((r) => [r.label, r.id]));
    const rooms = new Map(rows.map((r) => [r.label, r.room]));
    editor = await makeUser(testApp.db, { name: "Edna Editor" });
    await addMember(testApp.app, standard, editor, "editor");

    await publish("1.0", "The first release.");
    // Between 1.0 and 1.1: a word replaced, a section retitled, and a section moved into another group.
    await retype(testApp, rooms.get("BC-2.1")!, "external", "untrusted");
    const sections = `/api/standards/${SLUG}/sections`;
    expect((await api("PATCH", `${sections}/${ids.get("BC-1.1")}`, { title: "Prefer memory-safe languages" })).statusCode).toBe(200);
    expect((await api("PATCH", `${sections}/${ids.get("BC-1.2")}`, { parentId: ids.get("BC-2"), position: 0 })).statusCode).toBe(200);
    await publish("1.1", "Fuzzing covers untrusted input.\nInput validation moves to Detect.");

    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await testApp?.close();
  });

  /** A page that collects uncaught errors, closed after `use`. */
  async function withPage(use: (page: Page, errors: string[]) => Promise<void>) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    try {
      await use(page, errors);
    } finally {
      await page.close();
    }
  }

  const activeId = (page: Page) => page.evaluate(() => document.activeElement?.id ?? null);

  it("shows an anonymous reader the changed words, the counts, moves and renumbering, and walks the changes", async () => {
    await withPage(async (page, errors) => {
      await page.goto(`${base}/standards/${SLUG}/releases`);
      await page.getByRole("heading", { level: 1, name: "Releases" }).waitFor();
      expect(await page.getByRole("form", { name: "Publish a release" }).count()).toBe(0);
      await page.getByRole("link", { name: "Changes since 1.0" }).click();
      await page.waitForURL(`${base}/standards/${SLUG}/diff?from=1.0&to=1.1`);
      await page.getByRole("heading", { level: 1, name: "Changes from 1.0 to 1.1" }).waitFor();

      // The replaced word: struck out and inserted, in the fuzzing section's paragraph.
      const fuzzing = page.locator(`#change-${ids.get("BC-2.1")}-0`);
      await fuzzing.waitFor();
      expect(await fuzzing.locator("del").allInnerTexts()).toEqual(["external"]);
      expect(await fuzzing.locator("ins").allInnerTexts()).toEqual(["untrusted"]);
      expect(await fuzzing.innerText()).toContain("Fuzz every parser that reads");

      const summary = page.getByRole("list", { name: "Summary of changes" });
      const count = async (status: string) => (await summary.locator(`[data-status="${status}"] strong`).innerText()).trim();
      expect({
        added: await count("added"),
        removed: await count("removed"),
        moved: await count("moved"),
        renumbered: await count("renumbered"),
        retitled: await count("retitled"),
        modified: await count("modified"),
        unchanged: await count("unchanged"),
      }).toEqual({ added: "0", removed: "0", moved: "1", renumbered: "2", retitled: "1", modified: "1", unchanged: "2" });

      // A move reads as a move, a renumbering as a renumbering: not as a deletion and an addition.
      const moved = page.locator(`#change-${ids.get("BC-1.2")}`);
      expect(await moved.innerText()).toContain("Moved from 1.2 to 2.1");
      expect(await page.locator(`#change-${ids.get("BC-2.1")}`).innerText()).toContain("Renumbered 2.1 → 2.2");
      expect(await page.locator(`#change-${ids.get("BC-1.1")}`).innerText()).toContain("Retitled; was “Use memory-safe languages”");
      expect(await page.locator("del").filter({ hasText: "Validate inputs" }).count()).toBe(0);
      // Unchanged sections are left out by default, and anonymous readers are not offered the draft.
      expect(await page.locator(`#change-${ids.get("BC-1")}`).count()).toBe(0);
      expect(await page.locator('#diff-from option[value="draft"]').count()).toBe(0);

      // Next and previous change, by button and by the j and k keys, move the focus.
      await page.getByRole("button", { name: "Next change" }).click();
      expect(await activeId(page)).toBe(`change-${ids.get("BC-1.1")}`);
      await page.keyboard.press("j");
      expect(await activeId(page)).toBe(`change-${ids.get("BC-1.2")}`);
      await page.keyboard.press("j");
      await page.keyboard.press("j");
      expect(await activeId(page)).toBe(`change-${ids.get("BC-2.1")}-0`);
      await page.getByText("Change 4 of 4").waitFor();
      await page.keyboard.press("j");
      await page.getByText("That was the last change.").waitFor();
      await page.keyboard.press("k");
      expect(await activeId(page)).toBe(`change-${ids.get("BC-2.1")}`);

      // Side by side: the address keeps the choice, and the words are marked on their own sides.
      await page.getByRole("radio", { name: "Side by side" }).check();
      await page.waitForURL(`${base}/standards/${SLUG}/diff?from=1.0&to=1.1&layout=split`);
      const row = page.locator(`#change-${ids.get("BC-2.1")}-0`);
      expect(await row.locator('[role="cell"]').nth(0).locator("del").innerText()).toBe("external");
      expect(await row.locator('[role="cell"]').nth(1).locator("ins").innerText()).toBe("untrusted");

      // All sections, and the permalink survives a reload.
      await page.getByLabel("Changed sections only").uncheck();
      await page.waitForURL(`${base}/standards/${SLUG}/diff?from=1.0&to=1.1&layout=split&all=1`);
      await page.reload();
      await page.locator(`#change-${ids.get("BC-1")}`).waitFor();
      expect(await page.locator(`#change-${ids.get("BC-1")}`).innerText()).toContain("Unchanged");
      expect(errors).toEqual([]);
    });
  });

  it("reads a release section by its stable address and downloads the release", async () => {
    await withPage(async (page, errors) => {
      await page.goto(`${base}/standards/${SLUG}/releases/1.1`);
      await page.getByRole("heading", { level: 1, name: "Device Security Code" }).waitFor();
      expect(await page.getByText("Input validation moves to Detect.").count()).toBe(1);

      const contents = page.getByRole("navigation", { name: "Contents" });
      await contents.locator(`a[href="/standards/${SLUG}/releases/1.1/sections/${ids.get("BC-2.1")}"]`).click();
      await page.waitForURL(`${base}/standards/${SLUG}/releases/1.1/sections/${ids.get("BC-2.1")}`);
      await page.getByRole("heading", { level: 1, name: "2.2 Test with fuzzing" }).waitFor();
      expect(await page.locator(".section-body").innerText()).toContain("reads untrusted input");

      // The same section in the earlier release, at its own address, still reads as published then.
      await page.goto(`${base}/standards/${SLUG}/releases/1.0/sections/${ids.get("BC-2.1")}`);
      await page.getByRole("heading", { level: 1, name: "2.1 Test with fuzzing" }).waitFor();
      expect(await page.locator(".section-body").innerText()).toContain("reads external input");

      await page.goto(`${base}/standards/${SLUG}/releases/1.1`);
      const json = page.getByRole("link", { name: "JSON of 1.1" });
      const [download] = await Promise.all([page.waitForEvent("download"), json.click()]);
      expect(download.suggestedFilename()).toBe(`${SLUG}-1.1.json`);
      expect(await download.failure()).toBeNull();

      const downloads = page.getByRole("list", { name: "Downloads" }).getByRole("link");
      const hrefs = await downloads.evaluateAll((links) => links.map((a) => (a as HTMLAnchorElement).href));
      expect(hrefs).toHaveLength(5);
      for (const href of hrefs) {
        const res = await page.request.get(href);
        expect(res.status(), href).toBe(200);
      }
      const release = (await (await page.request.get(hrefs[0]!)).json()) as { version: string };
      expect(release.version).toBe("1.1");
      expect(errors).toEqual([]);
    });
  });

  it("lets an editor publish a release from the list, with the version checked and the server's refusal shown", async () => {
    await withPage(async (page, errors) => {
      await signInFromHomePage(page, base, editor);

      await page.goto(`${base}/standards/${SLUG}/releases`);
      const form = page.getByRole("form", { name: "Publish a release" });
      await form.waitFor();
      const version = form.getByLabel("Version");

      await version.fill("1.2 final");
      await form.getByRole("button", { name: "Publish release" }).click();
      await form.getByText("A version starts with a letter or digit").waitFor();
      expect(await version.getAttribute("aria-invalid")).toBe("true");

      // Someone else publishes 1.2 meanwhile: the server refuses it, and the form says why.
      await publish("1.2", "");
      await version.fill("1.2");
      await form.getByRole("button", { name: "Publish release" }).click();
      await form.getByText("The release was not published").waitFor();
      expect(await form.getByRole("alert").innerText()).toContain("already published");

      await version.fill("1.3");
      await form.getByLabel("Notes").fill("Editorial fixes.");
      await form.getByRole("button", { name: "Publish release" }).click();
      await form.getByText("Release 1.3 is published").waitFor();
      const list = page.getByRole("list", { name: "Releases, newest first" });
      expect(await list.getByRole("heading", { level: 2 }).first().innerText()).toBe("1.3");
      expect(await list.getByText("Editorial fixes.").count()).toBe(1);

      // Members may compare with the draft.
      await page.goto(`${base}/standards/${SLUG}/diff?from=1.3&to=draft`);
      await page.getByRole("heading", { level: 1, name: "Changes from 1.3 to the draft" }).waitFor();
      await page.locator('#diff-from option[value="draft"]').waitFor({ state: "attached" });
      expect(errors).toEqual([]);
    });
  });
});
