import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { databaseKinds, startTestApp, type TestApp } from "../helper";
import { bodyXml, connectClient, listenSync, refusedStatus, waitFor, type Client } from "../sync/helpers";
import { buildWorkflowWorld, roomText, type WorkflowWorld } from "./fixture";

/** Appends `text` to the first paragraph of the client's body. */
function type(client: Client, text: string): void {
  const t = (client.doc.getXmlFragment("body").get(0) as Y.XmlElement).get(0) as Y.XmlText;
  t.insert(t.length, text);
}

describe.each(databaseKinds)("proposal rooms, live, on %s", (kind) => {
  let t: TestApp;
  let w: WorkflowWorld;
  let base: string;
  const clients: Client[] = [];
  const track = (c: Client) => (clients.push(c), c);
  beforeAll(async () => {
    t = await startTestApp(kind);
    base = await listenSync(t.app);
    w = await buildWorkflowWorld(t);
  });
  afterEach(() => {
    for (const c of clients.splice(0)) c.destroy();
  });
  afterAll(async () => t?.close());

  it("forks a section when an author opens it, co-edits live, freezes on submit, and merges into the live draft", async () => {
    const { a } = w.sections;
    const id = await w.propose();
    await w.ok(w.users.author, "POST", `/api/proposals/${id}/co-authors`, { userId: w.users.coAuthor.id });
    const room = `proposal.${id}.${a.id}`;

    // Nobody forked it yet: readers find no room; the author's opening forks it from the base.
    expect(await refusedStatus(base, room, { token: w.users.voter.token })).toBe(404);
    const author = track(connectClient(base, room, { token: w.users.author.token }));
    await author.synced();
    expect(bodyXml(author.doc)).toContain("Every device shall validate its input.");
    expect(await t.db.selectFrom("proposal_rooms").select("room").where("room", "=", room).executeTakeFirst()).toBeDefined();

    const coAuthor = track(connectClient(base, room, { token: w.users.coAuthor.token }));
    await coAuthor.synced();
    type(author, " Malformed input is rejected.");
    await waitFor(() => bodyXml(coAuthor.doc).includes("Malformed input is rejected."), "co-author sees the author's edit");
    type(coAuthor, " And logged.");
    await waitFor(() => bodyXml(author.doc).includes("And logged."), "author sees the co-author's edit");

    // A member who is not an author reads but cannot write.
    const reader = track(connectClient(base, room, { token: w.users.voter.token }, { reconnect: false }));
    await reader.synced();
    expect(bodyXml(reader.doc)).toContain("And logged.");
    type(reader, " Sneaky.");
    await waitFor(() => reader.closes.some((c) => c.code === 1008), "a reader's write refused");

    // Submitting freezes the text: the authors' connections are closed and come back read-only.
    await waitFor(() => t.app.sync.roomStats(room)?.pending === 0, "edits stored");
    await w.ok(w.users.author, "POST", `/api/proposals/${id}/submit`);
    await waitFor(() => author.closes.length > 0, "author's connection closed on submit");
    await waitFor(() => author.provider.synced && author.provider.wsconnected, "author reconnected");
    type(author, " Too late.");
    await waitFor(() => author.closes.some((c) => c.code === 1008), "a write to an open proposal refused");
    expect(await roomText(t.db, room)).toBe("Every device shall validate its input. Malformed input is rejected. And logged.");

    // Someone reads the draft section live while an editor accepts: they see the merge.
    const draftReader = track(connectClient(base, a.room, { token: w.users.contributor.token }));
    await draftReader.synced();
    await w.ok(w.users.voter, "PUT", `/api/proposals/${id}/vote`, { vote: "approve" });
    await w.ok(w.users.editor, "POST", `/api/proposals/${id}/accept`, {});
    await waitFor(() => bodyXml(draftReader.doc).includes("Malformed input is rejected. And logged."), "the draft's reader sees the merge");
    expect(bodyXml(draftReader.doc)).not.toContain("Too late.");
    expect(bodyXml(draftReader.doc)).not.toContain("Sneaky.");
  });

  it("refuses proposal rooms that name nothing", async () => {
    const id = await w.propose();
    expect(await refusedStatus(base, `proposal.${id}.00000000-0000-4000-8000-000000000000`, { token: w.users.author.token })).toBe(404);
    expect(await refusedStatus(base, `proposal.00000000-0000-4000-8000-000000000000.${w.sections.a.id}`, { token: w.users.author.token })).toBe(404);
    expect(await refusedStatus(base, `proposal.${id}.${w.sections.a.id}`, { token: w.users.nonMember.token })).toBe(404);
  });
});
