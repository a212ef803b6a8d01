import { afterAll, beforeAll, expect, it } from "vitest";
import type { Page } from "playwright-core";
import type { Cycle, ProposalDetail, SectionSummary } from "@codewright/shared";
import { importStandard } from "../../src/domain/importer";
import { addMember, makeUser, type TestApp, type TestUser } from "../helper";
import { describeInBrowser, serveClient, SignedInBrowsers } from "./support";

const SLUG = "cycle-code";

const STANDARD = `# Cycle Code

A standard revised in a cycle.

## Exits {#CC-1}

Every floor has two exits.

## Alarms {#CC-2}

Alarms sound on every floor.
`;

const MINUTE = 60_000;

describeInBrowser("a revision cycle in the browser", () => {
  let testApp: TestApp;
  let browsers: SignedInBrowsers;
  let base: string;
  let eddie: TestUser;
  let rita: TestUser;
  let section: SectionSummary;
  let cycle: Cycle;

  beforeAll(async () => {
    ({ testApp, base } = await serveClient());
    const { standard } = await importStandard(testApp.db, STANDARD, SLUG, null);
    eddie = await makeUser(testApp.db, { name: "Eddie Editor" });
    // A reader with a verified address who is no member of the standard.
    rita = await makeUser(testApp.db, { name: "Rita Reader" });
    await addMember(testApp.app, standard, eddie, "editor", true);
    const list = await testApp.app.inject({ url: `/api/standards/${SLUG}/sections`, headers: eddie.auth });
    section = list.json<{ sections: SectionSummary[] }>().sections.find((s) => s.label === "CC-2")!;

    const published = await testApp.app.inject({ method: "POST", url: `/api/standards/${SLUG}/releases`, headers: eddie.auth, payload: { version: "1.0.0" } });
    expect(published.statusCode).toBe(201);
    // Real time: input is open now; committee and ballot follow. The windows are moved closer later.
    const now = Date.now();
    const created = await testApp.app.inject({
      method: "POST",
      url: `/api/standards/${SLUG}/cycles`,
      headers: eddie.auth,
      payload: {
        title: "2027 edition",
        baseVersion: "1.0.0",
        stages: [
          { kind: "input", opensAt: new Date(now - MINUTE).toISOString(), closesAt: new Date(now + 60 * MINUTE).toISOString() },
          { kind: "committee", opensAt: new Date(now + 60 * MINUTE).toISOString(), closesAt: new Date(now + 120 * MINUTE).toISOString() },
          { kind: "ballot", opensAt: new Date(now + 120 * MINUTE).toISOString(), closesAt: new Date(now + 180 * MINUTE).toISOString() },
        ],
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    cycle = created.json<{ cycle: Cycle }>().cycle;
    expect(cycle.currentStage).toBe("input");

    browsers = await SignedInBrowsers.launch(base);
  });

  afterAll(async () => {
    await browsers?.close();
    await testApp?.close();
  });

  const editorOf = (page: Page) => page.getByRole("textbox", { name: `Text of ${section.number} ${section.title}` }).and(page.locator('[contenteditable="true"]'));
  const proposal = async (id: string) => (await testApp.app.inject({ url: `/api/proposals/${id}`, headers: eddie.auth })).json<ProposalDetail & { cycle: string | null }>();

  it("lets a reader propose a change during input, and the editor act on it in committee", async () => {
    const ritaPage = await browsers.signedIn(rita);
    const eddiePage = await browsers.signedIn(eddie);
    // The reader is on a phone.
    await ritaPage.setViewportSize({ width: 390, height: 844 });

    // 1. The standard's page says public input is open, and links to the cycle.
    await ritaPage.goto(`${base}/standards/${SLUG}`);
    const cycles = ritaPage.getByRole("region", { name: "Revision cycles" });
    await cycles.getByText("Public input is open until", { exact: false }).waitFor();
    await cycles.getByRole("link", { name: "2027 edition" }).first().waitFor();

    // 2. On a section of the base release she proposes a change, with its substantiation and her affiliation.
    await ritaPage.goto(`${base}/standards/${SLUG}/releases/1.0.0/sections/${section.id}`);
    await ritaPage.getByRole("heading", { level: 1, name: `${section.number} ${section.title}` }).waitFor();
    await ritaPage.getByRole("button", { name: "Propose a change" }).click();
    await ritaPage.getByLabel("Substantiation").fill("Deaf occupants miss sound-only alarms.");
    await ritaPage.getByLabel("Affiliation").fill("Hearing Access League");
    await ritaPage.getByRole("button", { name: "Write the change" }).click();
    await ritaPage.waitForURL(/\/proposals\/[0-9a-f-]{36}\/sections\/[0-9a-f-]{36}\/edit$/);
    const proposalId = new URL(ritaPage.url()).pathname.split("/")[2]!;
    const proposalUrl = `${base}/proposals/${proposalId}`;

    // She writes the change in the live editor.
    const words = "Alarms also flash a visible light.";
    await editorOf(ritaPage).waitFor();
    await ritaPage.getByText("Connected", { exact: true }).waitFor();
    await ritaPage.locator(".section-editor-text").click();
    await ritaPage.keyboard.press("Control+End");
    await ritaPage.keyboard.press("Enter");
    await ritaPage.keyboard.type(words, { delay: 5 });

    // Its page shows the change; she submits it as input to the cycle.
    await ritaPage.goto(proposalUrl);
    await ritaPage.getByRole("tabpanel").getByText(words).waitFor();
    await ritaPage.getByRole("button", { name: "Submit for review" }).click();
    await ritaPage.getByText("Open for review", { exact: true }).first().waitFor();
    const submitted = await proposal(proposalId);
    expect(submitted.state).toBe("open");
    expect(submitted.cycle).toBe(cycle.id);
    expect(submitted.rationale).toBe("Deaf occupants miss sound-only alarms.");
    expect(submitted.author.affiliation).toBe("Hearing Access League");

    // 3. The committee's window is brought close (in real time) so that it opens soon after input closes.
    const soon = new Date(Date.now() + 10_000).toISOString();
    for (const [stage, body] of [
      [cycle.stages.find((s) => s.kind === "input")!, { closesAt: soon, reason: "Input ends early." }],
      [cycle.stages.find((s) => s.kind === "committee")!, { opensAt: soon, reason: "The committee meets as soon as input ends." }],
    ] as const) {
      const moved = await testApp.app.inject({ method: "PATCH", url: `/api/cycles/${cycle.id}/stages/${stage.id}`, headers: eddie.auth, payload: body });
      expect(moved.statusCode, moved.body).toBe(200);
    }

    // 4. The editor opens the cycle page and moves past input; committee opens when its window begins.
    await eddiePage.goto(`${base}/cycles/${cycle.id}`);
    await eddiePage.getByRole("heading", { level: 1, name: "2027 edition" }).waitFor();
    const now = eddiePage.getByRole("region", { name: "Now" });
    await now.getByText("Public input is open.").waitFor();
    await eddiePage.getByRole("region", { name: "Window changes" }).getByText("The committee meets as soon as input ends.").waitFor();
    await eddiePage.getByRole("button", { name: "Advance to the next stage" }).click();
    // Committee opens when its window begins (in about ten seconds); the page then shows it.
    await expect
      .poll(async () => (await testApp.app.inject({ url: `/api/cycles/${cycle.id}`, headers: eddie.auth })).json<{ cycle: Cycle }>().cycle.currentStage, { timeout: 60_000 })
      .toBe("committee");
    await eddiePage.reload();
    await now.getByText("Committee action is open.").waitFor({ timeout: 30_000 });
    // What blocks the next stage links to the input.
    const blocker = now.getByRole("link", { name: /has no committee action yet/ });
    await blocker.click();
    await eddiePage.waitForURL(proposalUrl);

    // 5. The editor records the committee's action with its statement; the page shows it.
    const statement = "Visible alarms are already required by section 4; no change is needed.";
    await eddiePage.getByRole("radio", { name: /^Reject/ }).check();
    await eddiePage.getByLabel("Committee statement").fill(statement);
    await eddiePage.getByRole("button", { name: "Record the action" }).click();
    // The committee's section shows the statement (the proposal's timeline records the decision too).
    await eddiePage.getByRole("region", { name: "Committee action: Rejected" }).getByText(statement).waitFor();
    const action = await testApp.app.inject({ url: `/api/proposals/${proposalId}/committee-action`, headers: eddie.auth });
    expect(action.statusCode).toBe(200);
    expect(action.body).toContain(statement);

    // The reader sees the action on her proposal too; the cycle counts it.
    await ritaPage.goto(proposalUrl);
    await ritaPage.getByRole("region", { name: "Committee action: Rejected" }).getByText(statement).waitFor();
    await eddiePage.goto(`${base}/cycles/${cycle.id}`);
    await eddiePage.getByRole("region", { name: "Counts" }).getByText("Rejected", { exact: true }).waitFor();
    const after = (await testApp.app.inject({ url: `/api/cycles/${cycle.id}`, headers: eddie.auth })).json<{ cycle: Cycle }>().cycle;
    expect(after.counts.inputsByAction.reject).toBe(1);
    expect(browsers.pageErrors).toEqual([]);
  });
});
