import { XMLParser, XMLValidator } from "fast-xml-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addMember, databaseKinds, makeStandard, makeUser, startTestApp, type TestApp, type TestUser } from "../helper";

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@", isArray: (name) => name === "entry" || name === "link" });

describe.each(databaseKinds)("the releases feed on %s", (kind) => {
  let t: TestApp;
  let editor: TestUser;
  beforeAll(async () => {
    t = await startTestApp(kind);
    editor = await makeUser(t.db, { name: "Editor" });
  });
  afterAll(async () => t?.close());

  async function standard(isPublic: boolean, title = "A test standard") {
    const s = await makeStandard(t.db, { isPublic });
    await t.db.updateTable("standards").set({ title }).where("id", "=", s.id).execute();
    await addMember(t.app, s, editor, "editor");
    return s;
  }
  async function publish(slug: string, version: string, notes: string) {
    const res = await t.app.inject({ method: "POST", url: `/api/standards/${slug}/releases`, headers: editor.auth, payload: { version, notes } });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { version: string; publishedAt: string };
  }
  const feed = (slug: string, user?: TestUser) => t.app.inject({ method: "GET", url: `/api/standards/${slug}/releases.atom`, headers: user ? user.auth : {} });

  it("lists the releases of a public standard, newest first, with version, title, notes, link and published time", async () => {
    const s = await standard(true, "Building <code> & “more”");
    const v1 = await publish(s.slug, "1.0.0", "First release.\n\nIt <script>alert(1)</script> has ]]> two paragraphs.");
    const v2 = await publish(s.slug, "1.1.0", "Second.");
    const res = await feed(s.slug);
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toBe("application/atom+xml; charset=utf-8");
    expect(res.headers["cache-control"]).toBe("public, max-age=300");
    expect(XMLValidator.validate(res.body)).toBe(true);

    const doc = parser.parse(res.body);
    const base = t.config.publicUrl;
    expect(doc.feed["@xmlns"]).toBe("http://www.w3.org/2005/Atom");
    expect(doc.feed.title).toBe("Building <code> & “more”: releases");
    expect(doc.feed.updated).toBe(v2.publishedAt);
    expect(doc.feed.link).toEqual(
      expect.arrayContaining([
        { "@rel": "alternate", "@href": `${base}/standards/${s.slug}/releases` },
        { "@rel": "self", "@href": `${base}/api/standards/${s.slug}/releases.atom` },
      ]),
    );
    const entries = doc.feed.entry as Record<string, any>[];
    expect(entries.map((e) => e.link[0]["@href"])).toEqual([`${base}/standards/${s.slug}/releases/1.1.0`, `${base}/standards/${s.slug}/releases/1.0.0`]);
    const [second, first] = entries;
    expect(first!.id).toBe(`${base}/standards/${s.slug}/releases/1.0.0`);
    // Titles and notes are type="html": escaped HTML, so readers show them as text.
    expect(first!.title).toMatchObject({ "@type": "html", "#text": "Building &lt;code&gt; &amp; “more” 1.0.0" });
    expect(first!.summary["@type"]).toBe("html");
    expect(first!.summary["#text"]).toBe("<p>First release.</p><p>It &lt;script&gt;alert(1)&lt;/script&gt; has ]]&gt; two paragraphs.</p>");
    expect(first!.published).toBe(v1.publishedAt);
    expect(first!.updated).toBe(v1.publishedAt);
    expect(second!.summary["#text"]).toBe("<p>Second.</p>");
    expect(second!.published).toBe(v2.publishedAt);
  });

  it("is a valid feed with no entries before the first release", async () => {
    const s = await standard(true);
    const res = await feed(s.slug);
    expect(res.statusCode).toBe(200);
    const doc = parser.parse(res.body);
    expect(doc.feed.title).toBe("A test standard: releases");
    expect(doc.feed.entry).toBeUndefined();
  });

  it("is readable exactly when the standard is: a members-only feed is missing to outsiders", async () => {
    const s = await standard(false);
    await publish(s.slug, "1.0.0", "Inside.");
    const member = await makeUser(t.db);
    await addMember(t.app, s, member, "contributor");
    const outsider = await makeUser(t.db);
    for (const user of [undefined, outsider]) {
      const res = await feed(s.slug, user);
      expect(res.statusCode).toBe(404);
      expect(res.json().error.code).toBe("not_found");
      expect(res.body).not.toContain("Inside.");
    }
    const res = await feed(s.slug, member);
    expect(res.statusCode).toBe(200);
    expect(res.headers["cache-control"]).toBe("private, max-age=300");
    expect(parser.parse(res.body).feed.entry).toHaveLength(1);
    // The same answer as for a standard that does not exist.
    const missing = await feed("no-such-standard");
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe("not_found");
  });
});
