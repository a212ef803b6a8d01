import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { BODY_FIELD, type PMJSON } from "@codewright/shared";
import { bodyRepairs, type BodyRepaired } from "../../src/domain/section-body";
import { appendUpdates, loadRoomDoc } from "../../src/domain/room-log";
import { Staging } from "../../src/sync/validation";
import { databaseKinds, makeUser, snapshotTables, unique } from "../helper";
import { startReleaseApp } from "../releases/support";
import { bodyXml, connectClient, frames, listenSync, logRowCount, rawSocket, storedBodyXml, waitFor, type Client } from "../sync/helpers";
import { buildWorkflowWorld, type WorkflowWorld } from "../workflow/fixture";

/*
 * The schema's content rules (a note holds paragraphs, a list item starts with one, an xref names
 * its target) hold for every section body that is read, however the room came to hold it: updates
 * that break them are refused, and what honest concurrent deletions leave is repaired on read, so a
 * section always reads and a release can always be published.
 */

const text = (value: string) => ({ type: "text", text: value });
const paragraph = (value: string) => ({ type: "paragraph", content: [text(value)] });
/** A body of an introduction and a note of two paragraphs. */
const withNote: PMJSON = { type: "doc", content: [paragraph("Every device shall validate its input."), { type: "note", content: [paragraph("First remark."), paragraph("Second remark.")] }] } as PMJSON;

describe.each(databaseKinds)("section bodies and the schema's content rules (%s)", (kind) => {
  let t: Awaited<ReturnType<typeof startReleaseApp>>;
  let base: string;
  let w: WorkflowWorld;
  const clients: Client[] = [];
  const track = (c: Client) => (clients.push(c), c);
  const heard: BodyRepaired[] = [];
  let stopListening: () => void;

  beforeAll(async () => {
    t = await startReleaseApp(kind);
    base = await listenSync(t.app);
    stopListening = bodyRepairs.listen((event) => heard.push(event));
  });
  afterEach(() => {
    for (const c of clients.splice(0)) c.destroy();
  });
  afterAll(async () => {
    stopListening?.();
    await t?.close();
  });

  /** An update that `change` makes on the room's stored document. */
  async function updateOn(room: string, change: (body: Y.XmlFragment) => void): Promise<Uint8Array> {
    const doc = await loadRoomDoc(t.db, room);
    const before = Y.encodeStateVector(doc);
    doc.transact(() => change(doc.getXmlFragment(BODY_FIELD)));
    const update = Y.encodeStateAsUpdate(doc, before);
    doc.destroy();
    return update;
  }

  /** Sends `update` on a raw socket of `token`'s user; expects the 1003 refusal and nothing stored. */
  async function expectRefused(room: string, token: string, update: Uint8Array): Promise<void> {
    const raw = await rawSocket(base, room, { token });
    await waitFor(() => raw.frames.length > 0, "greeting");
    const rows = await logRowCount(t.db, room);
    const stored = await storedBodyXml(t.db, room);
    raw.send(frames.update(update));
    const closed = await raw.closed;
    expect(closed.code).toBe(1003);
    expect(closed.reason).toMatch(/^malformed_message/);
    await waitFor(() => (t.app.sync.roomStats(room)?.pending ?? 0) === 0, "settled");
    expect(await logRowCount(t.db, room)).toBe(rows);
    expect(await storedBodyXml(t.db, room)).toBe(stored);
  }

  it("keeps a note that two editors emptied at the same moment, reads the section without it, publishes, exports and diffs", async () => {
    w = await buildWorkflowWorld(t);
    const section = await w.ok(w.users.editor, "POST", `/api/standards/${w.standard.slug}/sections`, { label: unique("N"), title: "Validate input", content: withNote });
    const first = await w.ok(w.users.editor, "POST", `/api/standards/${w.standard.slug}/releases`, { version: "1.0.0" });
    expect(first.version).toBe("1.0.0");

    // Two editors, both offline, each delete a different paragraph of the note.
    const one = track(connectClient(base, section.room, { token: w.users.editor.token }));
    const two = track(connectClient(base, section.room, { token: w.users.editor.token }));
    await one.synced();
    await two.synced();
    one.provider.disconnect();
    two.provider.disconnect();
    const noteOf = (c: Client) => c.doc.getXmlFragment(BODY_FIELD).get(1) as Y.XmlElement;
    noteOf(one).delete(0, 1);
    noteOf(two).delete(1, 1);
    expect(noteOf(one).length).toBe(1);
    expect(noteOf(two).length).toBe(1);
    const repairsBefore = bodyRepairs.count;
    heard.length = 0;
    one.provider.connect();
    two.provider.connect();

    // Both deletions are kept (refusing either would lock its editor out): the note is empty everywhere.
    await waitFor(() => one.provider.synced && two.provider.synced && bodyXml(one.doc) === bodyXml(two.doc) && bodyXml(one.doc).includes("<note></note>"), "both merged");
    await waitFor(() => t.app.sync.roomStats(section.room)?.pending === 0, "stored");
    expect(await storedBodyXml(t.db, section.room)).toContain("<note></note>");
    expect([...one.closes, ...two.closes].filter((c) => c.code !== 1000 && c.code !== 1005)).toEqual([]);

    // The section reads, without the note; the repair is counted and told with its room.
    const read = await w.call(w.users.contributor, "GET", `/api/standards/${w.standard.slug}/sections/${section.id}`);
    expect(read.status, JSON.stringify(read.body)).toBe(200);
    expect(read.body.content).toEqual({ type: "doc", content: [paragraph("Every device shall validate its input.")] });
    expect(read.body.text).toBe("Every device shall validate its input.");
    expect(bodyRepairs.count).toBeGreaterThan(repairsBefore);
    expect(heard[0]).toEqual({ room: section.room, repairs: [{ kind: "empty_container", type: "note" }] });

    // A release publishes, and its exports and the diff against the last one work.
    const published = await w.call(w.users.editor, "POST", `/api/standards/${w.standard.slug}/releases`, { version: "1.1.0" });
    expect(published.status, JSON.stringify(published.body)).toBe(201);
    const releases = `/api/standards/${w.standard.slug}/releases/1.1.0`;
    const html = await t.app.inject({ url: `${releases}/html`, headers: w.users.contributor.auth });
    expect(html.statusCode, html.body).toBe(200);
    expect(html.body).toContain("Every device shall validate its input.");
    expect(html.body).not.toContain("Second remark.");
    const markdown = await t.app.inject({ url: `${releases}/markdown`, headers: w.users.contributor.auth });
    expect(markdown.statusCode, markdown.body).toBe(200);
    expect(markdown.body).toContain("Every device shall validate its input.");
    const diff = await w.call(w.users.contributor, "GET", `/api/standards/${w.standard.slug}/diff?from=1.0.0&to=1.1.0`);
    expect(diff.status, JSON.stringify(diff.body)).toBe(200);
    expect(JSON.stringify(diff.body)).toContain("Second remark.");
    expect((await w.call(w.users.contributor, "GET", `/api/standards/${w.standard.slug}/diff?from=1.1.0&to=draft`)).status).toBe(200);

    // The room still takes edits from both.
    const intro = (one.doc.getXmlFragment(BODY_FIELD).get(0) as Y.XmlElement).get(0) as Y.XmlText;
    intro.insert(intro.length, " Always.");
    await waitFor(() => bodyXml(two.doc).includes("Always."), "the other editor sees the edit");
    expect([...one.closes, ...two.closes].filter((c) => c.code === 1003)).toEqual([]);
  });

  it("refuses an empty note, a list item without its paragraph or an xref without its target in a contributor's own proposal", async () => {
    w = await buildWorkflowWorld(t);
    const { a } = w.sections;
    const id = await w.propose();
    const { room } = await w.ok(w.users.author, "POST", `/api/proposals/${id}/sections/${a.id}/fork`);
    const breakers: ((body: Y.XmlFragment) => void)[] = [
      (body) => body.push([new Y.XmlElement("note")]),
      (body) => {
        const item = new Y.XmlElement("list_item");
        const list = new Y.XmlElement("bullet_list");
        list.insert(0, [item]);
        body.push([list]);
      },
      (body) => {
        const p = new Y.XmlElement("paragraph");
        p.insert(0, [new Y.XmlElement("xref")]);
        body.push([p]);
      },
    ];
    for (const change of breakers) await expectRefused(room, w.users.author.token, await updateOn(room, change));
    const detail = await w.call(w.users.author, "GET", `/api/proposals/${id}/diff`);
    expect(detail.status).toBe(200);
  });

  it("accepts a proposal whose fork holds a note emptied by concurrent deletions, and the draft reads afterwards", async () => {
    w = await buildWorkflowWorld(t);
    const section = await w.ok(w.users.editor, "POST", `/api/standards/${w.standard.slug}/sections`, { label: unique("N"), title: "Noted", content: withNote });
    const id = await w.propose();
    const { room } = await w.ok(w.users.author, "POST", `/api/proposals/${id}/sections/${section.id}/fork`);
    // Two authors' concurrent deletions, stored as the sync server stores them.
    const one = await loadRoomDoc(t.db, room);
    const two = await loadRoomDoc(t.db, room);
    const deleteIn = (doc: Y.Doc, index: number) => {
      const before = Y.encodeStateVector(doc);
      (doc.getXmlFragment(BODY_FIELD).get(1) as Y.XmlElement).delete(index, 1);
      return Y.encodeStateAsUpdate(doc, before);
    };
    const updates = [deleteIn(one, 0), deleteIn(two, 1)];
    for (const d of [one, two]) d.destroy();
    await appendUpdates(t.db, room, updates.map((data) => ({ data, authorId: w.users.author.id })));
    expect(await storedBodyXml(t.db, room)).toContain("<note></note>");

    const diff = await w.call(w.users.contributor, "GET", `/api/proposals/${id}/diff`);
    expect(diff.status, JSON.stringify(diff.body)).toBe(200);
    const preview = await w.call(w.users.editor, "GET", `/api/proposals/${id}/preview`);
    expect(preview.status, JSON.stringify(preview.body)).toBe(200);
    await w.ok(w.users.author, "POST", `/api/proposals/${id}/submit`);
    await w.ok(w.users.voter, "PUT", `/api/proposals/${id}/vote`, { vote: "approve" });
    const accepted = await w.call(w.users.editor, "POST", `/api/proposals/${id}/accept`, { note: "Agreed." });
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
    expect(accepted.body.state).toBe("accepted");

    const read = await w.call(w.users.contributor, "GET", `/api/standards/${w.standard.slug}/sections/${section.id}`);
    expect(read.status, JSON.stringify(read.body)).toBe(200);
    expect(read.body.content).toEqual({ type: "doc", content: [paragraph("Every device shall validate its input.")] });
    const published = await w.call(w.users.editor, "POST", `/api/standards/${w.standard.slug}/releases`, { version: "2.0.0" });
    expect(published.status, JSON.stringify(published.body)).toBe(201);
  });

  describe("bidirectional controls over HTTP", () => {
    const body = (value: string) => ({ type: "doc", content: [paragraph(value)] });
    const code = (value: string) => ({ type: "doc", content: [{ type: "code_block", content: [text(value)] }] });

    it.each([
      ["a paragraph", body("access \u202egranted")],
      ["a code block", code("ok = 1 \u2066// no\u2069")],
      ["a link title", { type: "doc", content: [{ type: "paragraph", content: [{ type: "text", text: "x", marks: [{ type: "link", attrs: { href: "https://example.org/", title: "a\u202bb" } }] }] }] }],
    ])("refuses a section whose body holds them in %s with 400, storing nothing", async (_, content) => {
      w = await buildWorkflowWorld(t);
      let before = await snapshotTables(t);
      const res = await w.call(w.users.editor, "POST", `/api/standards/${w.standard.slug}/sections`, { label: unique("B"), title: "Bidi", content });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe("invalid_content");
      expect(await snapshotTables(t)).toBe(before);
      const id = await w.propose();
      before = await snapshotTables(t);
      const added = await w.call(w.users.author, "POST", `/api/proposals/${id}/sections`, { label: unique("B"), title: "Bidi", content });
      expect(added.status).toBe(400);
      expect(added.body.error.code).toBe("invalid_content");
      expect(await snapshotTables(t)).toBe(before);
    });

    it("refuses an import whose body holds them with 400 and the line", async () => {
      const admin = await makeUser(t.db, { admin: true });
      const before = await snapshotTables(t);
      const res = await t.app.inject({
        method: "POST",
        url: "/api/standards/import",
        headers: admin.auth,
        payload: { slug: unique("bidi").toLowerCase(), markdown: "# Bidi\n\n## Group {#G-1}\n\nAccess \u202egranted.\n" },
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe("invalid_markdown");
      expect(res.json().error.message).toMatch(/bidirectional/);
      expect(await snapshotTables(t)).toBe(before);
    });
  });
});

describe("which insertions into a list item the sync server refuses", () => {
  /** A room holding one list item of paragraphs `texts`, a staging replica on it, and a client's copy. */
  function roomWithItem(...texts: string[]) {
    const author = new Y.Doc({ gc: false });
    const item = new Y.XmlElement("list_item");
    const list = new Y.XmlElement("bullet_list");
    author.getXmlFragment(BODY_FIELD).push([list]);
    list.insert(0, [item]);
    item.insert(0, texts.map((t) => {
      const p = new Y.XmlElement("paragraph");
      p.insert(0, [new Y.XmlText(t)]);
      return p;
    }));
    const stored: Uint8Array[] = [Y.encodeStateAsUpdate(author)];
    const staging = new Staging(() => Y.mergeUpdates(stored), () => [], 1 << 20);
    const client = () => {
      const doc = new Y.Doc({ gc: false });
      Y.applyUpdate(doc, Y.mergeUpdates(stored));
      const itemOf = () => ((doc.getXmlFragment(BODY_FIELD).get(0) as Y.XmlElement).get(0) as Y.XmlElement);
      return { doc, itemOf };
    };
    const stage = (update: Uint8Array) => {
      const result = staging.stage(update);
      if (result.kind === "accepted") stored.push(result.update);
      return result.kind;
    };
    return { client, stage };
  }
  const quote = () => {
    const q = new Y.XmlElement("blockquote");
    const p = new Y.XmlElement("paragraph");
    p.insert(0, [new Y.XmlText("quoted")]);
    q.insert(0, [p]);
    return q;
  };
  const edit = (doc: Y.Doc, change: () => void) => {
    const before = Y.encodeStateVector(doc);
    change();
    return Y.encodeStateAsUpdate(doc, before);
  };

  it("refuses a block inserted before the item's first paragraph", () => {
    const room = roomWithItem("first");
    const { doc, itemOf } = room.client();
    expect(() => room.stage(edit(doc, () => itemOf().insert(0, [quote()])))).toThrow(/list_item must hold paragraph block\*/);
  });

  it("accepts an honest insertion that a concurrent deletion of the first paragraph leaves first", () => {
    const room = roomWithItem("first", "second");
    const one = room.client();
    const two = room.client();
    // One deletes the first paragraph; the other, at the same moment, adds a quote after it.
    expect(room.stage(edit(one.doc, () => one.itemOf().delete(0, 1)))).toBe("accepted");
    expect(room.stage(edit(two.doc, () => two.itemOf().insert(1, [quote()])))).toBe("accepted");
  });

  it("accepts deletions that leave the item without a paragraph", () => {
    const room = roomWithItem("only");
    const { doc, itemOf } = room.client();
    expect(room.stage(edit(doc, () => itemOf().delete(0, 1)))).toBe("accepted");
  });
});
