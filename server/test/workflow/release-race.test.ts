import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrations } from "@codewright/migrations";
import { databaseKinds, startTestApp, type TestApp } from "../helper";
import { buildWorkflowWorld, editRoom, textOf } from "./fixture";

const ROUNDS = 16;
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(databaseKinds)("accepting while publishing on %s", (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(kind);
  });
  afterAll(async () => t?.close());

  it("lists every merged proposal once, in the first release that holds its text", async () => {
    const w = await buildWorkflowWorld(t, { isPublic: true });
    const marks = new Map<string, string>();
    const slug = w.standard.slug;
    for (let round = 0; round < ROUNDS; round++) {
      const mark = `Round ${round} says so.`;
      const id = await w.propose(`Change ${round}`);
      const { room } = await w.ok(w.users.author, "POST", `/api/proposals/${id}/sections/${w.sections.a.id}/fork`);
      await editRoom(t.db, room, w.users.author.id, (body) => textOf(body, 0).insert(0, `${mark} `));
      await w.ok(w.users.author, "POST", `/api/proposals/${id}/submit`);
      await w.ok(w.users.voter, "PUT", `/api/proposals/${id}/vote`, { vote: "approve" });
      marks.set(id, mark);
      // The publish starts up to 40 ms after the accept, or just before it.
      const lead = Math.random() * 40;
      const [accepted, published] = await Promise.all([
        (async () => {
          if (round % 4 === 3) await pause(Math.random() * 10);
          return w.call(w.users.editor, "POST", `/api/proposals/${id}/accept`, {});
        })(),
        (async () => {
          if (round % 4 !== 3) await pause(lead);
          return w.call(w.users.editor, "POST", `/api/standards/${slug}/releases`, { version: `1.0.${round}` });
        })(),
      ]);
      expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
      expect(published.status, JSON.stringify(published.body)).toBe(201);
    }
    await w.ok(w.users.editor, "POST", `/api/standards/${slug}/releases`, { version: "2.0.0" });

    const versions = [...Array.from({ length: ROUNDS }, (_, i) => `1.0.${i}`), "2.0.0"];
    const releases = await Promise.all(versions.map((v) => w.ok(null, "GET", `/api/standards/${slug}/releases/${v}`)));
    for (const [id, mark] of marks) {
      const holding = releases.filter((r) => JSON.stringify(r.sections).includes(mark));
      const listing = releases.filter((r) => r.changes.some((c: { proposal: string }) => c.proposal === id));
      expect(holding.length, `${mark} is in the last release`).toBeGreaterThan(0);
      // Text, once merged, stays: the first release holding it is the one that lists it, and only it.
      expect(
        listing.map((r) => r.version),
        `${mark}: first held by ${holding[0].version}`,
      ).toEqual([holding[0].version]);
    }

    // Which release lists what is also read back from the releases themselves, as for releases
    // published before the listing was stored.
    const stored = () => t.db.selectFrom("release_changes").selectAll().where("standard_id", "=", w.standard.id).orderBy("proposal_id").execute();
    const before = await stored();
    expect(before).toHaveLength(ROUNDS);
    const migration = migrations["0007_release_changes"]!;
    await migration.down!(t.db);
    await migration.up(t.db);
    expect(await stored()).toEqual(before);
  });
});
