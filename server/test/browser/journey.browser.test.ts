import { afterAll, beforeAll, expect, it } from "vitest";
import type { Page } from "playwright-core";
import type { ProposalDetail, Release, SectionDetail, SectionSummary } from "@codewright/shared";
import { importStandard } from "../../src/domain/importer";
import { addMember, makeUser, type TestApp, type TestUser } from "../helper";
import { describeInBrowser, serveClient, SignedInBrowsers } from "./support";

const SLUG = "journey-code";

const STANDARD = `# Journey Code

A standard for the revision journey.

## Design {#JC-1}

Decide what to defend first.

## Testing {#JC-2}

Fuzz every parser that reads external input.
`;

describeInBrowser("the revision journey in the browser", () => {
  let testApp: TestApp;
  let browsers: SignedInBrowsers;
  let base: string;
  let ada: TestUser;
  let bob: TestUser;
  let vera: TestUser;
  let eddie: TestUser;
  let section: SectionSummary;

  beforeAll(async () => {
    ({ testApp, base } = await serveClient());

    const { standard } = await importStandard(testApp.db, STANDARD, SLUG, null);
    ada = await makeUser(testApp.db, { name: "Ada Author" });
    bob = await makeUser(testApp.db, { name: "Bob Coauthor" });
    vera = await makeUser(testApp.db, { name: "Vera Voter" });
    eddie = await makeUser(testApp.db, { name: "Eddie Editor" });
    await addMember(testApp.app, standard, ada, "contributor");
    await addMember(testApp.app, standard, bob, "contributor");
    await addMember(testApp.app, standard, vera, "contributor", true);
    await addMember(testApp.app, standard, eddie, "editor", true);
    const list = await testApp.app.inject({ url: `/api/standards/${SLUG}/sections`, headers: ada.auth });
    section = list.json<{ sections: SectionSummary[] }>().sections.find((s) => s.label === "JC-2")!;

    browsers = await SignedInBrowsers.launch(base);
  });

  afterAll(async () => {
    await browsers?.close();
    await testApp?.close();
  });

  const editorOf = (page: Page) => page.getByRole("textbox", { name: `Text of ${section.number} ${section.title}` }).and(page.locator('[contenteditable="true"]'));

  /** Waits until the proposal's editor is live and types `words` as a new paragraph at its end. */
  async function appendParagraph(page: Page, words: string) {
    await editorOf(page).waitFor();
    await page.getByText("Connected", { exact: true }).waitFor();
    await page.locator(".section-editor-text").click();
    await page.keyboard.press("Control+End");
    await page.keyboard.press("Enter");
    await page.keyboard.type(words, { delay: 5 });
  }

  const proposal = async (id: string) => (await testApp.app.inject({ url: `/api/proposals/${id}`, headers: eddie.auth })).json<ProposalDetail>();

  it("proposes, co-edits live, submits, votes, accepts, shows the change in the draft and lists it in a new release", async () => {
    const adaPage = await browsers.signedIn(ada);
    const bobPage = await browsers.signedIn(bob);
    const veraPage = await browsers.signedIn(vera);
    const eddiePage = await browsers.signedIn(eddie);

    // 1. Ada proposes a change from the section: a new draft proposal opens it in the editor.
    await adaPage.goto(`${base}/standards/${SLUG}/sections/${section.id}`);
    await adaPage.getByRole("heading", { level: 1, name: `${section.number} ${section.title}` }).waitFor();
    await adaPage.getByRole("button", { name: "Propose a change" }).click();
    await adaPage.waitForURL(/\/proposals\/[0-9a-f-]{36}\/sections\/[0-9a-f-]{36}\/edit$/);
    const proposalId = new URL(adaPage.url()).pathname.split("/")[2]!;
    const proposalUrl = `${base}/proposals/${proposalId}`;
    await editorOf(adaPage).waitFor();

    // She invites Bob as co-author from the proposal's page.
    await adaPage.getByRole("link", { name: `Change to ${section.number} ${section.title}` }).click();
    await adaPage.waitForURL(proposalUrl);
    await adaPage.getByRole("heading", { level: 1, name: `Change to ${section.number} ${section.title}` }).waitFor();
    await adaPage.getByRole("button", { name: "Invite a co-author" }).click();
    await adaPage.getByLabel("Invite a member as co-author").selectOption({ label: bob.display_name });
    await adaPage.getByRole("button", { name: "Invite", exact: true }).click();
    await adaPage.getByRole("list", { name: "Authors" }).getByText(bob.display_name).waitFor();

    // 2. Both edit the section live and see each other's words.
    const fromAda = "Ada adds that fuzzing runs on every build.";
    const fromBob = "Bob adds that crashes become regression tests.";
    await adaPage.goto(`${proposalUrl}/sections/${section.id}/edit`);
    await bobPage.goto(`${proposalUrl}/sections/${section.id}/edit`);
    await appendParagraph(adaPage, fromAda);
    await appendParagraph(bobPage, fromBob);
    await adaPage.locator(".section-editor-text", { hasText: fromBob }).waitFor();
    await bobPage.locator(".section-editor-text", { hasText: fromAda }).waitFor();

    // The diff against the base shows both; Ada submits the proposal for review.
    await adaPage.goto(proposalUrl);
    const changes = adaPage.getByRole("tabpanel");
    await changes.getByText(fromAda).waitFor();
    await changes.getByText(fromBob).waitFor();
    await adaPage.getByRole("button", { name: "Submit for review" }).click();
    await adaPage.getByText("Open for review", { exact: true }).first().waitFor();
    expect((await proposal(proposalId)).state).toBe("open");

    // 3. Vera votes; the tally shows it against the threshold.
    await veraPage.goto(proposalUrl);
    const votes = veraPage.getByRole("complementary", { name: "Review" });
    await votes.getByRole("radio", { name: "Approve", exact: true }).check();
    await votes.getByRole("button", { name: "Vote", exact: true }).click();
    await votes.getByText("Your vote is recorded.", { exact: false }).waitFor();
    await votes.getByText("Passes", { exact: true }).waitFor();
    await votes.getByText("100% approve").waitFor();

    // 4. Eddie accepts it: the proposal is merged into the draft, and Ada's activity page hears of it live.
    await adaPage.goto(`${base}/activity`);
    await adaPage.getByText("Live", { exact: true }).waitFor();
    await eddiePage.goto(proposalUrl);
    await eddiePage.getByRole("button", { name: "Accept and merge" }).click();
    await eddiePage.getByRole("heading", { name: `Accepted by ${eddie.display_name}` }).waitFor();
    expect((await proposal(proposalId)).state).toBe("accepted");
    await adaPage.getByRole("list").getByText("accepted your proposal").waitFor();

    // 5. The draft section shows the change.
    await eddiePage.goto(`${base}/standards/${SLUG}/sections/${section.id}`);
    await eddiePage.locator(".section-body", { hasText: fromAda }).waitFor();
    await eddiePage.locator(".section-body", { hasText: fromBob }).waitFor();
    const draft = (await testApp.app.inject({ url: `/api/standards/${SLUG}/sections/${section.id}`, headers: eddie.auth })).json<SectionDetail>();
    expect(JSON.stringify(draft.content)).toContain(fromAda);

    // 6. Eddie publishes a release through the release form; its page lists the proposal.
    await eddiePage.goto(`${base}/standards/${SLUG}/releases`);
    await eddiePage.getByLabel("Version").fill("1.0.0");
    await eddiePage.getByLabel("Notes (optional)").fill("With the journey's change.");
    await eddiePage.getByRole("button", { name: "Publish release" }).click();
    await eddiePage.getByRole("link", { name: "Read release 1.0.0" }).click();
    await eddiePage.waitForURL(`${base}/standards/${SLUG}/releases/1.0.0`);
    const merged = eddiePage.getByRole("region", { name: "Proposals merged in this release" });
    await merged.getByText(`Change to ${section.number} ${section.title}`).waitFor();
    const release = (await testApp.app.inject({ url: `/api/standards/${SLUG}/releases/1.0.0`, headers: eddie.auth })).json<Release>();
    expect(release.changes.map((c) => c.proposal)).toEqual([proposalId]);

    // The timeline tells the story, and nobody's page threw.
    await adaPage.goto(proposalUrl);
    const timeline = adaPage.getByRole("complementary", { name: "Review" });
    for (const words of ["started the proposal", `invited ${bob.display_name} as co-author`, "submitted it for review", "approved", "accepted it and merged it into the draft"]) {
      await timeline.getByText(words, { exact: false }).first().waitFor();
    }
    expect(browsers.pageErrors).toEqual([]);
  });
});
