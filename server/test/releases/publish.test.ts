import { stat } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { digestOf, verifyRelease, type Release } from "@codewright/shared";
import { addMember, databaseKinds, makeUser, type TestUser } from "../helper";
import { publishRelease } from "../../src/domain/releases/publish";
import { ReleaseSigner, SIGNING_KEY_FILE } from "../../src/domain/releases/signing";
import { importSample, releaseSchemaErrors, startReleaseApp, typeInto } from "./support";

describe.each(databaseKinds)("publishing releases (%s)", (kind) => {
  let t: Awaited<ReturnType<typeof startReleaseApp>>;
  let editor: TestUser;
  let contributor: TestUser;
  let outsider: TestUser;

  beforeAll(async () => {
    t = await startReleaseApp(kind);
    editor = await makeUser(t.db);
    contributor = await makeUser(t.db);
    outsider = await makeUser(t.db);
  });
  afterAll(() => t?.close());

  async function sample(opts: { isPublic?: boolean } = {}) {
    const s = await importSample(t.db, opts);
    await addMember(t.app, s.standard, editor, "editor");
    await addMember(t.app, s.standard, contributor, "contributor");
    return s;
  }
  const publish = (slug: string, body: unknown, headers: Record<string, string> = editor.auth) =>
    t.app.inject({ method: "POST", url: `/api/standards/${slug}/releases`, headers, payload: body as object });
  const get = (url: string, headers: Record<string, string> = {}) => t.app.inject({ method: "GET", url, headers });

  it("publishes the draft of a sample-like standard as a valid, verifiable release", async () => {
    const { standard, ids } = await sample();
    const res = await publish(standard.slug, { version: "1.0.0", notes: "First public release.\n\nSecond paragraph." });
    expect(res.statusCode, res.body).toBe(201);
    const summary = res.json();
    expect(summary).toMatchObject({ version: "1.0.0", previousVersion: null, notes: "First public release.\n\nSecond paragraph." });
    expect(summary.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(res.headers.location).toBe(`/api/standards/${standard.slug}/releases/1.0.0`);

    const doc = await get(`/api/standards/${standard.slug}/releases/1.0.0`);
    expect(doc.statusCode).toBe(200);
    expect(doc.headers["content-type"]).toMatch(/^application\/json/);
    const release = doc.json() as Release;
    expect(releaseSchemaErrors(release)).toBeNull();
    expect(release).toMatchObject({ format: "codewright.release/v2", kind: "edition", cycle: null, redlineFrom: null, standard: { slug: standard.slug, title: "Building Code for Medical Device Software Security" }, version: "1.0.0", changes: [], comments: [] });
    expect(release.digest).toBe(summary.digest);
    expect(await digestOf(release)).toBe(release.digest);

    // The outline, numbered, with bodies and plain text; a cross-reference reads as its target's number.
    expect(release.sections.map((s) => [s.number, s.label, s.title, s.children.map((c) => `${c.number} ${c.label}`)])).toEqual([
      ["1", "BC-1", "Avoid", ["1.1 BC-1.1", "1.2 BC-1.2"]],
      ["2", "BC-2", "Detect", ["2.1 BC-2.1", "2.2 BC-2.2"]],
    ]);
    const languages = release.sections[0]!.children[0]!;
    expect(languages.id).toBe(ids.get("BC-1.1"));
    expect(languages.text).toBe("New components are written in a memory-safe language.\n\nWhere a memory-safe language cannot be used, see 2.1.");
    expect(languages.content.content![1]!.type).toBe("note");

    // The bytes served are exactly the canonical bytes that were signed.
    const signature = (await get(`/api/standards/${standard.slug}/releases/1.0.0/signature`)).json();
    expect(signature).toMatchObject({ algorithm: "Ed25519" });
    const keys = (await get("/api/keys")).json();
    expect(await verifyRelease(release, signature, keys)).toEqual({ valid: true, digest: release.digest, kid: signature.kid });

    // One byte changed anywhere in the content is caught.
    const body = Buffer.from(doc.body);
    const at = doc.body.indexOf("memory-safe language.");
    body[at] = "M".charCodeAt(0);
    expect(await verifyRelease(JSON.parse(body.toString()), signature, keys)).toMatchObject({ valid: false, problem: "digest_mismatch" });
  });

  it("lists releases newest first, each naming the one before", async () => {
    const { standard, rooms } = await sample();
    expect((await get(`/api/standards/${standard.slug}/releases`)).json()).toEqual({ releases: [] });
    expect((await publish(standard.slug, { version: "2025" })).statusCode).toBe(201);
    await typeInto(t.db, rooms.get("BC-2.1")!, "Static analysis runs on every build", " and every merge");
    expect((await publish(standard.slug, { version: "2026", notes: "Analysis on merges." })).statusCode).toBe(201);
    expect((await publish(standard.slug, { version: "2026.1+errata" })).statusCode).toBe(201);

    const { releases } = (await get(`/api/standards/${standard.slug}/releases`)).json();
    expect(releases.map((r: { version: string; previousVersion: string | null }) => [r.version, r.previousVersion])).toEqual([
      ["2026.1+errata", "2026"],
      ["2026", "2025"],
      ["2025", null],
    ]);
    const errata = await get(`/api/standards/${standard.slug}/releases/2026.1%2Berrata`);
    expect(errata.statusCode).toBe(200);
    expect(errata.json().version).toBe("2026.1+errata");
    const second = (await get(`/api/standards/${standard.slug}/releases/2026`)).json() as Release;
    expect(second.previousVersion).toBe("2025");
    expect(second.notes).toBe("Analysis on merges.");
    expect(second.sections[1]!.children[0]!.text).toContain("runs on every build and every merge;");
    const first = (await get(`/api/standards/${standard.slug}/releases/2025`)).json() as Release;
    expect(first.sections[1]!.children[0]!.text).not.toContain("every merge");
    for (const r of [first, second]) expect(releaseSchemaErrors(r)).toBeNull();
  });

  it("serves releases as immutable, with the digest as ETag and 304 on a match", async () => {
    const { standard } = await sample();
    const { digest } = (await publish(standard.slug, { version: "1.0" })).json();
    const url = `/api/standards/${standard.slug}/releases/1.0`;
    const first = await get(url);
    expect(first.headers.etag).toBe(`"${digest}"`);
    expect(first.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    const again = await get(url, { "if-none-match": `"${digest}"` });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe("");
    expect((await get(url, { "if-none-match": '"sha256:other", W/"' + digest + '"' })).statusCode).toBe(304);
    expect((await get(url, { "if-none-match": '"sha256:other"' })).statusCode).toBe(200);
    expect((await get(`${url}/signature`, { "if-none-match": `"${digest}.sig"` })).statusCode).toBe(304);
  });

  it("refuses a version already published (409), a malformed or reserved one (400)", async () => {
    const { standard } = await sample();
    expect((await publish(standard.slug, { version: "1.0.0" })).statusCode).toBe(201);
    const again = await publish(standard.slug, { version: "1.0.0", notes: "again" });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe("version_taken");
    for (const version of ["", "1 0", "-1", "v/1", "a".repeat(65), "draft", "DRAFT", "1.0_0"]) {
      const res = await publish(standard.slug, { version });
      expect(res.statusCode, version).toBe(400);
      expect(["invalid_version", "invalid_request"]).toContain(res.json().error.code);
    }
    expect((await publish(standard.slug, { version: "bad version" })).json().error.code).toBe("invalid_version");
    expect((await get(`/api/standards/${standard.slug}/releases`)).json().releases).toHaveLength(1);
  });

  it("keeps releases in one line when editors publish at the same moment", async () => {
    const { standard } = await sample();
    const same = await Promise.all([publish(standard.slug, { version: "1.0" }), publish(standard.slug, { version: "1.0" })]);
    expect(same.map((r) => r.statusCode).sort()).toEqual([201, 409]);
    expect(same.find((r) => r.statusCode === 409)!.json().error.code).toBe("version_taken");

    const racing = await Promise.all(["2.0", "2.1", "2.2"].map((version) => publish(standard.slug, { version })));
    for (const res of racing) expect(res.statusCode, res.body).toBe(201);
    const { releases } = (await get(`/api/standards/${standard.slug}/releases`)).json();
    const chain = releases.map((r: { version: string; previousVersion: string | null }) => [r.version, r.previousVersion]);
    expect(chain).toHaveLength(4);
    for (let k = 0; k < chain.length - 1; k++) expect(chain[k][1]).toBe(chain[k + 1][0]);
    expect(chain[3]).toEqual(["1.0", null]);
  });

  it("lets editors publish, and no one else", async () => {
    const { standard } = await sample();
    expect((await publish(standard.slug, { version: "1" }, {})).statusCode).toBe(401);
    expect((await publish(standard.slug, { version: "1" }, contributor.auth)).statusCode).toBe(403);
    expect((await publish(standard.slug, { version: "1" }, outsider.auth)).statusCode).toBe(403);
    expect((await get(`/api/standards/${standard.slug}/releases`)).json().releases).toHaveLength(0);
    expect((await publish(standard.slug, { version: "1" })).statusCode).toBe(201);
  });

  it("shows a members-only standard's releases to its members only, kept out of shared caches", async () => {
    const { standard } = await sample({ isPublic: false });
    expect((await publish(standard.slug, { version: "1.0" })).statusCode).toBe(201);
    const url = `/api/standards/${standard.slug}/releases/1.0`;
    for (const path of ["", "/signature", "/markdown", "/html", "/oscal"]) {
      expect((await get(`${url}${path}`)).statusCode, path).toBe(404);
      expect((await get(`${url}${path}`, outsider.auth)).statusCode, path).toBe(404);
    }
    expect((await get(`/api/standards/${standard.slug}/releases`)).statusCode).toBe(404);
    const read = await get(url, contributor.auth);
    expect(read.statusCode).toBe(200);
    expect(read.headers["cache-control"]).toBe("private, max-age=31536000, immutable");
  });

  it("answers 404 for a release that does not exist", async () => {
    const { standard } = await sample();
    expect((await get(`/api/standards/${standard.slug}/releases/9.9`)).json().error.code).toBe("not_found");
    expect((await get(`/api/standards/no-such-standard/releases/1.0`)).statusCode).toBe(404);
  });

  it("takes the release from one consistent point while people type", async () => {
    const { standard, rooms } = await sample();
    const a = rooms.get("BC-1.1")!;
    const b = rooms.get("BC-2.2")!;
    // Each step types a numbered word into A, then into B, as two separate transactions.
    const typing = (async () => {
      for (let k = 1; k <= 15; k++) {
        await typeInto(t.db, a, "New components", ` a${k}`);
        await typeInto(t.db, b, "Parsers", ` b${k}`);
      }
    })();
    const versions: string[] = [];
    for (let k = 0; k < 4; k++) {
      const res = await publish(standard.slug, { version: `0.${k}` });
      expect(res.statusCode, res.body).toBe(201);
      versions.push(`0.${k}`);
    }
    await typing;
    for (const version of versions) {
      const release = (await get(`/api/standards/${standard.slug}/releases/${version}`)).json() as Release;
      const typedA = release.sections[0]!.children[0]!.text.match(/ a\d+/g) ?? [];
      const typedB = release.sections[1]!.children[1]!.text.match(/ b\d+/g) ?? [];
      // Words are inserted right after the anchor, so the newest comes first.
      expect(typedA.length - typedB.length, `${version}: ${typedA.join("")} / ${typedB.join("")}`).toBeGreaterThanOrEqual(0);
      expect(typedA.length - typedB.length).toBeLessThanOrEqual(1);
    }
  });

  it("leaves nothing behind when publishing fails midway", async () => {
    const { standard } = await sample();
    const row = await t.db.selectFrom("standards").selectAll().where("id", "=", standard.id).executeTakeFirstOrThrow();
    const signer = await ReleaseSigner.open(t.db, t.dataDir);
    const auditBefore = await t.db.selectFrom("audit_log").select("id").where("standard_id", "=", standard.id).execute();
    const failing = {
      changes: async () => [],
      comments: async () => {
        throw new Error("lost the connection");
      },
      listed: async () => {},
    };
    await expect(publishRelease(t.db, row, { version: "1.0" }, editor.id, signer, failing)).rejects.toThrow("lost the connection");
    expect(await t.db.selectFrom("releases").select("version").where("standard_id", "=", standard.id).execute()).toEqual([]);
    expect(await t.db.selectFrom("audit_log").select("id").where("standard_id", "=", standard.id).execute()).toEqual(auditBefore);

    // The records a later feature supplies go into the release, inside the same transaction,
    // and are told which changes the stored release lists.
    const listed: unknown[] = [];
    const release = await publishRelease(t.db, row, { version: "1.0" }, editor.id, signer, {
      changes: async () => [{ proposal: "p-1", title: "Clarify fuzzing", sections: ["s-1"] }],
      comments: async (_trx, _standard, previous) => [{ id: "c-1", section: null, disposition: "noted", response: `since ${previous ?? "the start"}` }],
      listed: async (_trx, _standard, version, changes) => void listed.push({ version, changes }),
    });
    expect(listed).toEqual([{ version: "1.0", changes: [{ proposal: "p-1", title: "Clarify fuzzing", sections: ["s-1"] }] }]);
    const doc = JSON.parse(release.document) as Release;
    expect(doc.changes).toEqual([{ proposal: "p-1", title: "Clarify fuzzing", sections: ["s-1"] }]);
    expect(doc.comments).toEqual([{ id: "c-1", section: null, disposition: "noted", response: "since the start" }]);
    expect(releaseSchemaErrors(doc)).toBeNull();
    const audit = await t.db.selectFrom("audit_log").selectAll().where("action", "=", "release.publish").where("subject_id", "=", `${standard.id}:1.0`).execute();
    expect(audit).toHaveLength(1);
  });

  it("keeps the signing key private, on disk, and the same across restarts", async () => {
    const first = await ReleaseSigner.open(t.db, t.dataDir);
    const second = await ReleaseSigner.open(t.db, t.dataDir);
    expect(second.kid).toBe(first.kid);
    const file = await stat(join(t.dataDir, SIGNING_KEY_FILE));
    expect(file.mode & 0o777).toBe(0o600);
    expect((await stat(join(t.dataDir, "keys"))).mode & 0o077).toBe(0);
    const { keys } = (await get("/api/keys")).json();
    expect(keys).toContainEqual({ kty: "OKP", crv: "Ed25519", x: first.publicJwk.x, kid: first.kid, alg: "EdDSA", use: "sig" });
    for (const key of keys) expect(Object.keys(key).sort()).toEqual(["alg", "crv", "kid", "kty", "use", "x"]);
    const stored = await t.db.selectFrom("signing_keys").selectAll().execute();
    expect(JSON.stringify(stored)).not.toMatch(/PRIVATE|"d":/);
  });

  it("serves the JSON Schema of both formats", async () => {
    for (const v of ["v1", "v2"]) {
      const res = await get(`/api/schemas/release-${v}.json`);
      expect(res.statusCode).toBe(200);
      expect(res.headers["content-type"]).toMatch(/^application\/schema\+json/);
      expect(res.json()).toMatchObject({ $schema: "http://json-schema.org/draft-07/schema#", properties: { format: { const: `codewright.release/${v}` } } });
    }
    expect((await get("/api/schemas/release-v2.json")).json()).toMatchObject({ required: expect.arrayContaining(["kind", "cycle", "redlineFrom"]) });
  });
});
