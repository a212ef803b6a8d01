import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Release } from "@codewright/shared";
import { addMember, databaseKinds, makeUser, type TestUser } from "../helper";
import { createSection } from "../../src/domain/sections";
import { releaseToMarkdown, escapeMarkdown } from "../../src/domain/releases/export-markdown";
import { releaseToOscal } from "../../src/domain/releases/export-oscal";
import { importSample, oscalSchemaErrors, startReleaseApp, typeInto } from "./support";

describe.each(databaseKinds)("other formats of a release (%s)", (kind) => {
  let t: Awaited<ReturnType<typeof startReleaseApp>>;
  let editor: TestUser;
  let slug: string;
  const base = () => `/api/standards/${slug}/releases`;

  beforeAll(async () => {
    t = await startReleaseApp(kind);
    editor = await makeUser(t.db);
    const { standard, rooms, ids } = await importSample(t.db);
    slug = standard.slug;
    await addMember(t.app, standard, editor, "editor");
    const publish = (version: string, notes: string) => t.app.inject({ method: "POST", url: base(), headers: editor.auth, payload: { version, notes } });
    expect((await publish("1.0.0", "First release.")).statusCode).toBe(201);
    // Hostile text in a title and a body must come out as text in every format.
    const row = await t.db.selectFrom("standards").selectAll().where("id", "=", standard.id).executeTakeFirstOrThrow();
    await t.db.transaction().execute((trx) =>
      createSection(
        trx,
        row,
        {
          label: "BC-2.3",
          title: `Escape <script>alert("x")</script> & *stars*`,
          parentId: ids.get("BC-2")!,
          content: {
            type: "doc",
            content: [
              { type: "paragraph", content: [{ type: "text", text: "Reject <img src=x onerror=alert(1)> and # headings; 1. lists" }] },
              {
                type: "paragraph",
                content: [
                  { type: "text", text: "Read ", marks: [] },
                  { type: "text", text: "the guide", marks: [{ type: "link", attrs: { href: "https://example.org/a b?x=1&y=<2>", title: 'say "hi"' } }] },
                  { type: "text", text: " and " },
                  { type: "text", text: "use `tick`", marks: [{ type: "code" }] },
                  { type: "text", text: " with " },
                  { type: "text", text: "care ", marks: [{ type: "strong" }] },
                  { type: "text", text: "always", marks: [{ type: "strong" }, { type: "em" }] },
                  { type: "text", text: "." },
                ],
              },
              { type: "note", content: [{ type: "paragraph", content: [{ type: "text", text: "Informative only." }] }] },
            ],
          },
        },
        editor.id,
      ),
    );
    await typeInto(t.db, rooms.get("BC-1.2")!, "Every input", " (every one)");
    expect((await publish("1.1.0", "Second release.\n\nWith <b>notes</b>.")).statusCode).toBe(201);
  });
  afterAll(() => t?.close());

  it("exports Markdown with numbered, labelled headings and escaped text", async () => {
    const res = await t.app.inject({ url: `${base()}/1.1.0/markdown` });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toBe("text/markdown; charset=utf-8");
    expect(res.headers["content-disposition"]).toBe(`inline; filename="${slug}-1.1.0.md"`);
    const md = res.body;
    expect(md).toMatch(/^# Building Code for Medical Device Software Security\n/);
    expect(md).toContain("Follows version 1.0.0.");
    expect(md).toContain("## 1 Avoid {#BC-1}");
    expect(md).toContain("### 1.1 Use memory\\-safe languages {#BC-1.1}".replace("\\-", "-"));
    expect(md).toContain("> **Note:** Where a memory-safe language cannot be used, see [2.1](#BC-2.1).");
    expect(md).toContain("- length of every buffer\n- range of every integer\n- format of every string");
    expect(md).toContain("```\nmake analyse\n```");
    expect(md).toContain("Parsers of external data are fuzzed for **at least** 24 hours before each release, as *BC\\-1.2* requires.".replace("\\-", "-"));
    expect(md).toContain("### 2.3 Escape \\<script\\>alert(\"x\")\\</script\\> \\& \\*stars\\* {#BC-2.3}");
    expect(md).toContain("Reject \\<img src=x onerror=alert(1)\\> and # headings; 1. lists");
    expect(md).toContain('Read [the guide](<https://example.org/a%20b?x=1&y=%3C2%3E> "say \\"hi\\"") and `` use `tick` `` with **care *always***.');
    expect(md).not.toMatch(/(^|[^\\])<(script|img)/);
    expect(escapeMarkdown("# not a heading\n1. not a list\n- not an item")).toBe("\\# not a heading\\\n1\\. not a list\\\n\\- not an item");
  });

  it("exports a printable HTML page in which every text is escaped", async () => {
    const res = await t.app.inject({ url: `${base()}/1.1.0/html` });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toBe("text/html; charset=utf-8");
    const html = res.body;
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain("@media print");
    expect(html).toContain("Escape &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; *stars*");
    expect(html).toContain("Reject &lt;img src=x onerror=alert(1)&gt;");
    expect(html).toContain("<p>Second release.</p>\n<p>With &lt;b&gt;notes&lt;/b&gt;.</p>");
    expect(html).toContain('<a href="https://example.org/a b?x=1&amp;y=&lt;2&gt;" title="say &quot;hi&quot;">the guide</a>');
    expect(html).toContain('<aside class="note"><p class="note-label">Note</p><p>Informative only.</p></aside>');
    expect(html).toMatch(/see <a class="xref" href="#section-[0-9a-f-]+">2\.1<\/a>/);
    expect(html).not.toMatch(/<script|<img|onerror=alert\(1\)>/);
    // Only the page's own inline style: nothing is loaded from elsewhere.
    expect(html).not.toMatch(/<link|<script|<img|@import/);
  });

  it("exports OSCAL catalogs that validate against NIST's schema", async () => {
    for (const version of ["1.0.0", "1.1.0"]) {
      const res = await t.app.inject({ url: `${base()}/${version}/oscal` });
      expect(res.statusCode).toBe(200);
      expect(oscalSchemaErrors(res.json()), version).toBeNull();
    }
    const { catalog } = (await t.app.inject({ url: `${base()}/1.1.0/oscal` })).json();
    expect(catalog.metadata).toMatchObject({ version: "1.1.0", "oscal-version": "1.2.1", title: "Building Code for Medical Device Software Security" });
    expect(catalog.metadata.remarks).toBe("Second release.\n\nWith \\<b\\>notes\\</b\\>.");
    expect(catalog.metadata.links).toContainEqual(expect.objectContaining({ rel: "predecessor-version", href: `${t.config.publicUrl}${base()}/1.0.0/oscal` }));
    expect(catalog.metadata.links).toContainEqual(expect.objectContaining({ rel: "alternate", href: `${t.config.publicUrl}${base()}/1.1.0` }));
    expect(catalog.groups.map((g: { id: string; title: string }) => [g.id, g.title])).toEqual([
      ["BC-1", "Avoid"],
      ["BC-2", "Detect"],
    ]);
    const [avoid, detect] = catalog.groups;
    expect(avoid.parts).toEqual([{ id: "BC-1_ovw", name: "overview", prose: "Practices that prevent errors from being written." }]);
    expect(detect.parts).toBeUndefined();
    const languages = avoid.controls[0];
    expect(languages).toMatchObject({ id: "BC-1.1", class: "element", title: "Use memory-safe languages" });
    expect(languages.props).toEqual([
      { name: "label", value: "BC-1.1" },
      { name: "sort-id", value: "001.001" },
    ]);
    expect(languages.parts).toEqual([
      { id: "BC-1.1_smt", name: "statement", prose: "New components are written in a memory-safe language." },
      { id: "BC-1.1_gdn", name: "guidance", prose: "Where a memory-safe language cannot be used, see [2.1](#BC-2.1)." },
    ]);
    expect(avoid.controls[1].parts[0].prose).toContain("Every input (every one) from outside");
    expect(detect.controls.map((c: { id: string }) => c.id)).toEqual(["BC-2.1", "BC-2.2", "BC-2.3"]);

    // The back matter names the signed document with the SHA-256 of the bytes served.
    const doc = await t.app.inject({ url: `${base()}/1.1.0` });
    const { createHash } = await import("node:crypto");
    expect(catalog["back-matter"].resources[0].rlinks[0].hashes[0]).toEqual({ algorithm: "SHA-256", value: createHash("sha256").update(doc.body).digest("hex") });

    // The same release always exports the same catalog.
    expect((await t.app.inject({ url: `${base()}/1.1.0/oscal` })).json()).toEqual({ catalog });
    const first = (await t.app.inject({ url: `${base()}/1.0.0/oscal` })).json().catalog;
    expect(first.uuid).not.toBe(catalog.uuid);
    expect(first.metadata.links.some((l: { rel: string }) => l.rel === "predecessor-version")).toBe(false);
  });

  it("exports deeply nested, empty and unusual releases as valid OSCAL and Markdown", async () => {
    const leaf = (id: string, label: string, number: string, children: Release["sections"] = []): Release["sections"][number] => ({
      id,
      label,
      number,
      title: "  ",
      content: { type: "doc", content: [{ type: "paragraph" }] },
      text: "",
      children,
    });
    const release: Release = {
      format: "codewright.release/v1",
      standard: { slug: "s", title: "Ünïcode — “quoted” title" },
      version: "0.1.0-rc.1+build",
      publishedAt: "2026-02-28T23:59:59.999Z",
      previousVersion: null,
      notes: "",
      sections: [leaf("a", "A", "1", [leaf("b", "A.b", "1.1", [leaf("c", "A_c-1", "1.1.1", [leaf("d", "x", "1.1.1.1", [leaf("e", "y", "1.1.1.1.1", [leaf("f", "z", "1.1.1.1.1.1")])])])])])],
      changes: [],
      comments: [],
      digest: `sha256:${"0".repeat(64)}`,
    };
    const { catalog } = releaseToOscal(release, "{}", { release: "https://example.org/r" });
    expect(oscalSchemaErrors({ catalog })).toBeNull();
    expect(releaseToMarkdown(release)).toContain("###### 1.1.1.1.1.1");
    const empty = releaseToOscal({ ...release, sections: [] }, "{}", { release: "https://example.org/r" });
    expect(oscalSchemaErrors(empty)).toBeNull();
  });

  it("caches exports like the release itself", async () => {
    const res = await t.app.inject({ url: `${base()}/1.0.0/markdown` });
    expect(res.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect((await t.app.inject({ url: `${base()}/1.0.0/markdown`, headers: { "if-none-match": res.headers.etag as string } })).statusCode).toBe(304);
  });
});
