import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addMember, databaseKinds, makeUser, type TestUser } from "../helper";
import { importSample, startReleaseApp } from "./support";

describe.each(databaseKinds)("a published release cannot change (%s)", (kind) => {
  let t: Awaited<ReturnType<typeof startReleaseApp>>;
  let admin: TestUser;
  let slug: string;
  let standardId: string;
  let url: string;
  let original: { body: string; etag: string | undefined; signature: string };

  beforeAll(async () => {
    t = await startReleaseApp(kind);
    admin = await makeUser(t.db, { admin: true });
    const { standard } = await importSample(t.db);
    slug = standard.slug;
    standardId = standard.id;
    await addMember(t.app, standard, admin, "editor");
    const res = await t.app.inject({ method: "POST", url: `/api/standards/${slug}/releases`, headers: admin.auth, payload: { version: "1.0.0", notes: "n" } });
    expect(res.statusCode).toBe(201);
    url = `/api/standards/${slug}/releases/1.0.0`;
    const doc = await t.app.inject({ url });
    original = { body: doc.body, etag: doc.headers.etag as string, signature: (await t.app.inject({ url: `${url}/signature` })).body };
  });
  afterAll(() => t?.close());

  async function unchanged() {
    const doc = await t.app.inject({ url });
    expect(doc.statusCode).toBe(200);
    expect(doc.body).toBe(original.body);
    expect(doc.headers.etag).toBe(original.etag);
    expect((await t.app.inject({ url: `${url}/signature` })).body).toBe(original.signature);
  }

  it("has no route that changes or deletes it, even for an admin", async () => {
    for (const method of ["PUT", "PATCH", "DELETE", "POST"] as const) {
      for (const path of [url, `${url}/signature`]) {
        const res = await t.app.inject({ method, url: path, headers: admin.auth, payload: { notes: "rewritten", version: "1.0.0" } });
        expect(res.statusCode, `${method} ${path}`).toBe(404);
      }
    }
    const again = await t.app.inject({ method: "POST", url: `/api/standards/${slug}/releases`, headers: admin.auth, payload: { version: "1.0.0", notes: "rewritten" } });
    expect(again.statusCode).toBe(409);
    await unchanged();
  });

  it("is guarded by the database against UPDATE, DELETE and TRUNCATE", async () => {
    const attempts = [
      sql`update releases set notes = 'rewritten' where standard_id = ${standardId}`,
      sql`update releases set document = replace(document, 'memory-safe', 'memory-unsafe')`,
      sql`delete from releases where standard_id = ${standardId}`,
      sql`truncate releases`,
      sql`update signing_keys set public_jwk = '{}'`,
      sql`delete from signing_keys`,
      sql`truncate signing_keys cascade`,
      // A standard that has releases cannot be deleted either: that would take them with it.
      sql`delete from standards where id = ${standardId}`,
    ];
    for (const attempt of attempts) {
      await expect(attempt.execute(t.db)).rejects.toThrow(/append-only|foreign key|violates/);
    }
    await unchanged();
    expect((await t.app.inject({ url: "/api/keys" })).json().keys.length).toBeGreaterThan(0);
  });

  it("refuses rows that break the format's rules at the database too", async () => {
    const row = await t.db.selectFrom("releases").selectAll().where("standard_id", "=", standardId).executeTakeFirstOrThrow();
    const copy = { ...row, version: "1.0.1", sequence: 2, previous_version: "1.0.0" };
    await expect(t.db.insertInto("releases").values({ ...copy, version: "draft" }).execute()).rejects.toThrow(/check/);
    await expect(t.db.insertInto("releases").values({ ...copy, version: "bad version" }).execute()).rejects.toThrow(/check/);
    await expect(t.db.insertInto("releases").values({ ...copy, previous_version: "0.9" }).execute()).rejects.toThrow(/foreign key/);
    await expect(t.db.insertInto("releases").values({ ...copy, sequence: 1, previous_version: null }).execute()).rejects.toThrow(/unique|duplicate/);
    await unchanged();
  });
});
