import { describe, expect, it } from "vitest";
import { databaseKinds, freshDatabase, testConfig } from "../helper";
import { prepareData, SAMPLE_SLUG } from "../../src/platform";
import { ReleaseSigner } from "../../src/domain/releases/signing";

describe.each(databaseKinds)("first start on %s", (kind) => {
  it("lets processes starting together make one admin and load the sample once", async () => {
    const database = await freshDatabase(kind);
    try {
      const config = testConfig({ seed: "sample", adminEmail: "first@example.org", adminPassword: "a long first password" });
      const signer = await ReleaseSigner.open(database.db, config.dataDir);
      const results = await Promise.all([prepareData(database, config, () => {}, signer), prepareData(database, config, () => {}, signer)]);
      expect(results.filter((r) => r.firstAdmin !== null)).toHaveLength(1);
      expect(results.filter((r) => r.seeded !== null)).toHaveLength(1);
      const admins = await database.db.selectFrom("users").select("email").where("is_admin", "=", true).execute();
      expect(admins).toEqual([{ email: "first@example.org" }]);
      const standards = await database.db.selectFrom("standards").select("slug").execute();
      expect(standards).toHaveLength(1);
      // Published once, so a newcomer lands on released text and may comment on it.
      const releases = await database.db.selectFrom("releases").innerJoin("standards", "standards.id", "releases.standard_id").select(["slug", "version", "published_by"]).execute();
      expect(releases).toEqual([{ slug: SAMPLE_SLUG, version: "1.0.0", published_by: null }]);
    } finally {
      await database.close();
    }
  });

  it("prints no password when one is configured, and a fresh random one otherwise", async () => {
    const a = await freshDatabase(kind);
    const b = await freshDatabase(kind);
    try {
      const config = testConfig({ seed: "none", adminEmail: undefined, adminPassword: undefined });
      const first = await prepareData(a, config, () => {});
      const second = await prepareData(b, config, () => {});
      expect(first.firstAdmin?.generatedPassword).toMatch(/^[A-Za-z0-9_-]{20}$/);
      expect(second.firstAdmin?.generatedPassword).not.toBe(first.firstAdmin?.generatedPassword);
      expect((await prepareData(a, config, () => {})).firstAdmin).toBeNull();
    } finally {
      await a.close();
      await b.close();
    }
  });
});
