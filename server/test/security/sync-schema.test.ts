import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { BODY_FIELD } from "@codewright/shared";
import { databaseKinds } from "../helper";
import { connectClient, frameKind, frames, logRowCount, makeSection, rawSocket, storedBodyXml, waitFor } from "../sync/helpers";
import { syncSuite } from "./sync-suite";

/**
 * A stock Yjs client can write any Yjs content, not only what the editor makes. Content outside the
 * section schema must be refused before it reaches a room: stored, it would make the section
 * unreadable (every read, diff and release of the standard parses the body with the schema).
 */
describe.each(databaseKinds)("sync updates outside the section schema (%s)", (kind) => {
  const suite = syncSuite(kind);

  /** An update made by `change` on a copy of the room's stored document. */
  async function updateOn(room: string, change: (body: Y.XmlFragment, doc: Y.Doc) => void): Promise<Uint8Array> {
    const doc = new Y.Doc({ gc: false });
    const rows = await suite.t.db.selectFrom("room_updates").select("data").where("room", "=", room).orderBy("seq").execute();
    for (const r of rows) Y.applyUpdate(doc, r.data);
    const before = Y.encodeStateVector(doc);
    doc.transact(() => change(doc.getXmlFragment(BODY_FIELD), doc));
    const update = Y.encodeStateAsUpdate(doc, before);
    doc.destroy();
    return update;
  }

  const paragraphWith = (text: string) => {
    const p = new Y.XmlElement("paragraph");
    p.insert(0, [new Y.XmlText(text)]);
    return p;
  };

  const cases: [string, (body: Y.XmlFragment, doc: Y.Doc) => void][] = [
    ["an unknown node type", (body) => body.push([new Y.XmlElement("script")])],
    ["a node where the schema allows none (a paragraph in a paragraph)", (body) => (body.get(0) as Y.XmlElement).insert(0, [paragraphWith("nested")])],
    ["text directly in the body", (body) => body.push([new Y.XmlText("loose text")])],
    [
      "an unknown attribute",
      (body) => {
        const p = paragraphWith("styled");
        p.setAttribute("onclick", "alert(1)");
        body.push([p]);
      },
    ],
    ["an invalid attribute value", (body) => {
      const list = new Y.XmlElement("ordered_list");
      list.setAttribute("order", "one" as unknown as string);
      const item = new Y.XmlElement("list_item");
      item.insert(0, [paragraphWith("first")]);
      list.insert(0, [item]);
      body.push([list]);
    }],
    ["an unknown mark", (body) => {
      const p = paragraphWith("marked");
      body.push([p]);
      (p.get(0) as Y.XmlText).format(0, 3, { blink: {} });
    }],
    ["a link to a javascript: address", (body) => {
      const p = paragraphWith("click me");
      body.push([p]);
      (p.get(0) as Y.XmlText).format(0, 5, { link: { href: "javascript:alert(1)", title: null } });
    }],
    ["a mark where the node allows none (bold in a code block)", (body) => {
      const code = new Y.XmlElement("code_block");
      code.insert(0, [new Y.XmlText("make all")]);
      body.push([code]);
      (code.get(0) as Y.XmlText).format(0, 4, { strong: {} });
    }],
    ["a map where the body holds elements", (body) => body.push([new Y.Map() as unknown as Y.XmlElement])],
    // Content rules: each would make the section unreadable without a repair.
    ["an empty note", (body) => body.push([new Y.XmlElement("note")])],
    ["an empty list", (body) => body.push([new Y.XmlElement("ordered_list")])],
    ["an empty blockquote", (body) => body.push([new Y.XmlElement("blockquote")])],
    ["a list item without a paragraph", (body) => {
      const quote = new Y.XmlElement("blockquote");
      quote.insert(0, [paragraphWith("quoted")]);
      const item = new Y.XmlElement("list_item");
      item.insert(0, [quote]);
      const list = new Y.XmlElement("bullet_list");
      list.insert(0, [item]);
      body.push([list]);
    }],
    ["an xref without attributes", (body) => (body.get(0) as Y.XmlElement).insert(1, [new Y.XmlElement("xref")])],
    ["a block before the first paragraph of a list item", (body) => {
      const item = new Y.XmlElement("list_item");
      item.insert(0, [paragraphWith("item")]);
      const list = new Y.XmlElement("bullet_list");
      list.insert(0, [item]);
      body.push([list]);
      const quote = new Y.XmlElement("blockquote");
      quote.insert(0, [paragraphWith("first")]);
      item.insert(0, [quote]);
    }],
    // Bidirectional controls ("Trojan Source"): in text, code, a link title, an xref label.
    ["a bidirectional override in text", (body) => body.push([paragraphWith("access \u202egranted")])],
    ["a bidirectional isolate in a code block", (body) => {
      const code = new Y.XmlElement("code_block");
      code.insert(0, [new Y.XmlText("ok = 1 \u2066// no\u2069")]);
      body.push([code]);
    }],
    ["a bidirectional control in a link title", (body) => {
      const p = paragraphWith("click me");
      body.push([p]);
      (p.get(0) as Y.XmlText).format(0, 5, { link: { href: "https://example.org/", title: "a\u202bb" } });
    }],
    ["a bidirectional control in an xref label", (body) => {
      const xref = new Y.XmlElement("xref");
      xref.setAttribute("section", "s1");
      xref.setAttribute("label", "BC\u2067-1");
      (body.get(0) as Y.XmlElement).insert(1, [xref]);
    }],
  ];

  for (const [what, change] of cases) {
    it(`refuses ${what} with 1003 and leaves the section readable`, async () => {
      const room = await makeSection(suite.t.db, suite.standard, "Readable text.");
      const section = await suite.t.db.selectFrom("sections").select("id").where("room", "=", room).executeTakeFirstOrThrow();
      const watcher = connectClient(suite.base, room, { token: suite.editor.token });
      suite.clients.push(watcher);
      await watcher.synced();
      const rows = await logRowCount(suite.t.db, room);
      const stored = await storedBodyXml(suite.t.db, room);

      const raw = await rawSocket(suite.base, room, { token: suite.editor.token });
      raw.send(frames.update(await updateOn(room, change)));
      // A sync step 1 after it: an answer before any close means the update was taken.
      raw.send(frames.syncStep1(new Y.Doc()));
      let answered = false;
      const closed = await Promise.race([
        raw.closed,
        waitFor(() => (answered = raw.frames.some((f) => frameKind(f) === "sync:1")), "an answer", 30_000).then(() => null),
      ]);
      expect(answered, "the update was accepted").toBe(false);
      expect(closed!.code).toBe(1003);
      expect(closed!.reason).toMatch(/^malformed_message/);
      await waitFor(() => suite.t.app.sync.roomStats(room)?.pending === 0, "settled");
      expect(await logRowCount(suite.t.db, room)).toBe(rows);
      expect(await storedBodyXml(suite.t.db, room)).toBe(stored);
      const read = await suite.t.app.inject({ url: `/api/standards/${suite.standard.slug}/sections/${section.id}`, headers: suite.editor.auth });
      expect(read.statusCode, read.body).toBe(200);
    });
  }

  it("accepts what the editor writes: nested blocks, lists, marks, safe links and cross-references", async () => {
    const room = await makeSection(suite.t.db, suite.standard, "Readable text.");
    const section = await suite.t.db.selectFrom("sections").select("id").where("room", "=", room).executeTakeFirstOrThrow();
    const raw = await rawSocket(suite.base, room, { token: suite.editor.token });
    const update = await updateOn(room, (body) => {
      const note = new Y.XmlElement("note");
      note.insert(0, [paragraphWith("A note.")]);
      const list = new Y.XmlElement("ordered_list");
      list.setAttribute("order", 3 as unknown as string);
      const item = new Y.XmlElement("list_item");
      item.insert(0, [paragraphWith("an item")]);
      list.insert(0, [item]);
      const p = paragraphWith("see the site and ");
      const xref = new Y.XmlElement("xref");
      xref.setAttribute("section", section.id);
      xref.setAttribute("label", "BC-1");
      p.insert(1, [xref, new Y.XmlElement("hard_break")]);
      body.push([note, list, p]);
      const text = p.get(0) as Y.XmlText;
      text.format(0, 3, { strong: {}, em: {} });
      text.format(8, 4, { link: { href: "https://example.org/", title: null } });
    });
    raw.send(frames.update(update));
    await waitFor(() => suite.t.app.sync.roomStats(room)?.lastSeq === "2", "stored");
    expect(raw.ws.readyState).toBe(raw.ws.OPEN);
    raw.ws.close();
    const read = await suite.t.app.inject({ url: `/api/standards/${suite.standard.slug}/sections/${section.id}`, headers: suite.editor.auth });
    expect(read.statusCode, read.body).toBe(200);
    expect(JSON.stringify(read.json().content)).toContain("https://example.org/");
  });
});
