import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ReleaseDiff } from "@codewright/shared";
import { addMember, databaseKinds, makeUser, type TestUser } from "../helper";
import { importSample, releaseSchemaErrors, startReleaseApp, typeInto } from "./support";

describe.each(databaseKinds)("diffs between versions (%s)", (kind) => {
  let t: Awaited<ReturnType<typeof startReleaseApp>>;
  let editor: TestUser;
  let contributor: TestUser;
  let outsider: TestUser;
  let slug: string;
  let ids: Map<string, string>;
  let rooms: Map<string, string>;

  const api = (method: "GET" | "POST" | "PATCH" | "DELETE", url: string, headers: Record<string, string> = {}, payload?: object) =>
    t.app.inject({ method, url, headers, payload });
  const diff = (query: string, headers: Record<string, string> = {}) => api("GET", `/api/standards/${slug}/diff?${query}`, headers);

  beforeAll(async () => {
    t = await startReleaseApp(kind);
    editor = await makeUser(t.db);
    contributor = await makeUser(t.db);
    outsider = await makeUser(t.db);
    const sample = await importSample(t.db);
    ({ ids, rooms } = sample);
    slug = sample.standard.slug;
    await addMember(t.app, sample.standard, editor, "editor");
    await addMember(t.app, sample.standard, contributor, "contributor");
    const sections = `/api/standards/${slug}/sections`;

    const appendix = await api("POST", sections, editor.auth, { label: "BC-9", title: "Appendix" });
    expect(appendix.statusCode).toBe(201);
    expect((await api("POST", `/api/standards/${slug}/releases`, editor.auth, { version: "1.0" })).statusCode).toBe(201);

    // Between 1.0 and 1.1: an edit, a retitle, a relabel, a move, an addition and a deletion.
    await typeInto(t.db, rooms.get("BC-1.1")!, "New components are written", " and maintained");
    const patch = async (label: string, body: object) => expect((await api("PATCH", `${sections}/${ids.get(label)}`, editor.auth, body)).statusCode).toBe(200);
    await patch("BC-2.2", { title: "Fuzz every parser" });
    await patch("BC-2.1", { label: "BC-2.1a" });
    await patch("BC-1.2", { parentId: ids.get("BC-2"), position: 0 });
    const added = await api("POST", sections, editor.auth, { label: "BC-1.3", title: "Avoid undefined behaviour", parentId: ids.get("BC-1") });
    expect(added.statusCode).toBe(201);
    ids.set("BC-1.3", added.json().id);
    ids.set("BC-9", appendix.json().id);
    expect((await api("DELETE", `${sections}/${appendix.json().id}`, editor.auth)).statusCode).toBe(200);
    expect((await api("POST", `/api/standards/${slug}/releases`, editor.auth, { version: "1.1" })).statusCode).toBe(201);
    const latest = await api("GET", `/api/standards/${slug}/releases/1.1`);
    expect(releaseSchemaErrors(latest.json())).toBeNull();
  });
  afterAll(() => t?.close());

  it("reports every kind of change between two releases, matched by stable id", async () => {
    const res = await diff("from=1.0&to=1.1");
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as ReleaseDiff;
    expect(body.from).toBe("1.0");
    expect(body.to).toBe("1.1");
    expect(body.summary).toEqual({ added: 1, removed: 1, moved: 1, renumbered: 3, retitled: 1, relabelled: 1, modified: 1, unchanged: 2 });
    const label = new Map([...ids].map(([l, id]) => [id, l]));
    expect(body.sections.map((s) => [label.get(s.id), s.status, s.before?.number ?? null, s.after?.number ?? null])).toEqual([
      ["BC-1", ["unchanged"], "1", "1"],
      ["BC-1.1", ["modified"], "1.1", "1.1"],
      ["BC-1.3", ["added"], null, "1.2"],
      ["BC-2", ["unchanged"], "2", "2"],
      ["BC-1.2", ["moved", "renumbered"], "1.2", "2.1"],
      ["BC-2.1", ["renumbered", "relabelled"], "2.1", "2.2"],
      ["BC-2.2", ["renumbered", "retitled"], "2.2", "2.3"],
      ["BC-9", ["removed"], "3", null],
    ]);
    const byLabel = new Map(body.sections.map((s) => [label.get(s.id), s]));
    expect(byLabel.get("BC-2.1")).toMatchObject({ before: { label: "BC-2.1" }, after: { label: "BC-2.1a" }, changes: [] });
    expect(byLabel.get("BC-2.2")).toMatchObject({ before: { title: "Test with fuzzing" }, after: { title: "Fuzz every parser" } });
    // Word changes block by block: the typed words, and the note's reference now reading the target's new number.
    expect(byLabel.get("BC-1.1")!.changes).toEqual([
      { op: "equal", text: "New components are written ", block: 0, kind: "paragraph" },
      { op: "insert", text: "and maintained ", block: 0, kind: "paragraph" },
      { op: "equal", text: "in a memory-safe language.", block: 0, kind: "paragraph" },
      { op: "equal", text: "Where a memory-safe language cannot be used, see ", block: 1, kind: "note" },
      { op: "delete", text: "2.1", block: 1, kind: "note" },
      { op: "insert", text: "2.2", block: 1, kind: "note" },
      { op: "equal", text: ".", block: 1, kind: "note" },
    ]);
    expect(byLabel.get("BC-9")!.changes).toEqual([]);
    expect(byLabel.get("BC-1.3")!.changes).toEqual([]);
  });

  it("diffs a release against the live draft, for members only", async () => {
    await typeInto(t.db, rooms.get("BC-2.2")!, "Parsers of external data", " and of files");
    for (const who of [editor, contributor]) {
      const res = await diff("from=1.1&to=draft", who.auth);
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json() as ReleaseDiff;
      expect(body.to).toBe("draft");
      expect(body.summary).toMatchObject({ modified: 1, added: 0, removed: 0, moved: 0, unchanged: 6 });
      const changed = body.sections.find((s) => s.status.includes("modified"))!;
      expect(changed.id).toBe(ids.get("BC-2.2"));
      expect(changed.changes.filter((o) => o.op !== "equal")).toEqual([{ op: "insert", text: "and of files ", block: 0, kind: "paragraph" }]);
    }
    expect((await diff("from=draft&to=1.0", editor.auth)).json().from).toBe("draft");
    expect((await diff("from=1.1&to=draft")).statusCode).toBe(401);
    expect((await diff("from=1.1&to=draft", outsider.auth)).statusCode).toBe(403);
  });

  it("is public for the releases of a public standard, and answers plainly for what does not exist", async () => {
    expect((await diff("from=1.0&to=1.1")).statusCode).toBe(200);
    const same = (await diff("from=1.1&to=1.1")).json() as ReleaseDiff;
    expect(same.summary.unchanged).toBe(same.sections.length);
    expect((await diff("from=1.0&to=9.9")).json().error.code).toBe("not_found");
    expect((await diff("from=1.0")).statusCode).toBe(400);
    expect((await api("GET", `/api/standards/no-such-standard/diff?from=1.0&to=1.1`)).statusCode).toBe(404);
  });

  it("hides a members-only standard's diffs from others", async () => {
    await t.db.updateTable("standards").set({ is_public: false }).where("slug", "=", slug).execute();
    try {
      expect((await diff("from=1.0&to=1.1")).statusCode).toBe(404);
      expect((await diff("from=1.0&to=1.1", outsider.auth)).statusCode).toBe(404);
      expect((await diff("from=1.0&to=1.1", contributor.auth)).statusCode).toBe(200);
    } finally {
      await t.db.updateTable("standards").set({ is_public: true }).where("slug", "=", slug).execute();
    }
  });
});
