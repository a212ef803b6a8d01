import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import type { Kysely } from "kysely";
import type { Database } from "../../src/db/database";
import { appendToRooms, appendUpdates } from "../../src/domain/room-log";
import { SharedLogWriter } from "../../src/sync/persistence";
import { databaseKinds, makeUser, startTestApp, unique, type TestApp, type TestUser } from "../helper";
import { paragraphUpdate } from "./helpers";

async function rowsOf(db: Kysely<Database>, room: string) {
  const rows = await db.selectFrom("room_updates").select(["seq", "data", "author_id"]).where("room", "=", room).orderBy("seq").execute();
  return rows.map((r) => ({ seq: String(r.seq), data: Buffer.from(r.data).toString("hex"), author: r.author_id }));
}

const hex = (u: Uint8Array) => Buffer.from(u).toString("hex");

describe.each(databaseKinds)("appending to the room log (%s)", (kind) => {
  let t: TestApp;
  let author: TestUser;

  beforeAll(async () => {
    t = await startTestApp(kind);
    author = await makeUser(t.db);
  });

  afterAll(async () => {
    await t?.close();
  });

  it("appends to several rooms in one statement, each in sequence, and reports rows it had not seen", async () => {
    const [fresh, used, behind] = [unique("draft.fresh"), unique("draft.used"), unique("draft.behind")];
    await appendUpdates(t.db, used, [{ data: paragraphUpdate("u1"), authorId: null }]);
    await appendUpdates(t.db, behind, [
      { data: paragraphUpdate("b1"), authorId: null },
      { data: paragraphUpdate("b2"), authorId: author.id },
    ]);
    const updates = { f1: paragraphUpdate("f1"), f2: paragraphUpdate("f2"), u2: paragraphUpdate("u2"), b3: paragraphUpdate("b3") };

    const result = await appendToRooms(t.db, [
      { room: used, knownSeq: 1n, updates: [{ data: updates.u2, authorId: author.id }] },
      { room: fresh, knownSeq: 0n, updates: [{ data: updates.f1, authorId: null }, { data: updates.f2, authorId: author.id }] },
      // This room has seen only its first row: the second comes back as `earlier`.
      { room: behind, knownSeq: 1n, updates: [{ data: updates.b3, authorId: null }] },
    ]);

    expect(result.get(fresh)).toEqual({ seqs: [1n, 2n], earlier: [] });
    expect(result.get(used)).toEqual({ seqs: [2n], earlier: [] });
    expect(result.get(behind)!.seqs).toEqual([3n]);
    expect(result.get(behind)!.earlier.map((r) => r.seq)).toEqual([2n]);
    expect(result.get(behind)!.earlier[0]!.authorId).toBe(author.id);

    expect(await rowsOf(t.db, fresh)).toEqual([
      { seq: "1", data: hex(updates.f1), author: null },
      { seq: "2", data: hex(updates.f2), author: author.id },
    ]);
    expect((await rowsOf(t.db, used)).map((r) => r.seq)).toEqual(["1", "2"]);
    expect((await rowsOf(t.db, behind)).at(-1)).toEqual({ seq: "3", data: hex(updates.b3), author: null });
    const counter = await t.db.selectFrom("rooms").select("next_seq").where("room", "=", fresh).executeTakeFirstOrThrow();
    expect(String(counter.next_seq)).toBe("3");
  });

  it("stores nothing in any room when one part fails", async () => {
    const [a, b] = [unique("draft.a"), unique("draft.b")];
    await appendUpdates(t.db, a, [{ data: paragraphUpdate("a1"), authorId: null }]);
    const before = { a: await rowsOf(t.db, a), b: await rowsOf(t.db, b) };
    await expect(
      appendToRooms(t.db, [
        { room: a, knownSeq: 1n, updates: [{ data: paragraphUpdate("a2"), authorId: null }] },
        // No such user: the foreign key refuses this row, and with it the whole statement.
        { room: b, knownSeq: 0n, updates: [{ data: paragraphUpdate("b1"), authorId: randomUUID() }] },
      ]),
    ).rejects.toThrow();
    expect(await rowsOf(t.db, a)).toEqual(before.a);
    expect(await rowsOf(t.db, b)).toEqual(before.b);
    const counter = await t.db.selectFrom("rooms").select("next_seq").where("room", "=", a).executeTakeFirstOrThrow();
    expect(String(counter.next_seq)).toBe("2");
  });

  it("refuses a room named twice", async () => {
    const room = unique("draft.twice");
    const part = { room, knownSeq: 0n, updates: [{ data: paragraphUpdate("x"), authorId: null }] };
    await expect(appendToRooms(t.db, [part, part])).rejects.toThrow(RangeError);
    expect(await rowsOf(t.db, room)).toEqual([]);
  });

  describe("the shared writer", () => {
    it("stores the batches of rooms storing at once in one statement, one row per author, and fails them together", async () => {
      const writer = new SharedLogWriter(t.db);
      const rooms = [unique("draft.w"), unique("draft.w"), unique("draft.w")];
      const [x, y, z] = [paragraphUpdate("x"), paragraphUpdate("y"), paragraphUpdate("z")];
      const stored = await Promise.all([
        writer.store(rooms[0]!, 0n, [{ update: x, authorId: null }]),
        writer.store(rooms[1]!, 0n, [
          { update: y, authorId: author.id },
          { update: z, authorId: null },
        ]),
        writer.store(rooms[2]!, 0n, [{ update: z, authorId: author.id }]),
      ]);
      expect(stored.map((s) => ({ lastSeq: s.lastSeq, rows: s.rows, earlier: s.earlier.length }))).toEqual([
        { lastSeq: 1n, rows: 1, earlier: 0 },
        { lastSeq: 2n, rows: 2, earlier: 0 },
        { lastSeq: 1n, rows: 1, earlier: 0 },
      ]);
      expect(await rowsOf(t.db, rooms[1]!)).toEqual([
        { seq: "1", data: hex(y), author: author.id },
        { seq: "2", data: hex(z), author: null },
      ]);

      // A batch that cannot be stored is refused, and nothing of it is in the log.
      const missingUser = randomUUID();
      const outcomes = await Promise.allSettled([
        writer.store(rooms[0]!, 1n, [{ update: paragraphUpdate("refused"), authorId: missingUser }]),
        writer.store(rooms[2]!, 1n, [{ update: paragraphUpdate("fine"), authorId: null }]),
      ]);
      expect(outcomes[0]!.status).toBe("rejected");
      expect((await rowsOf(t.db, rooms[0]!)).length).toBe(1);
      // Both were stored in one statement, so the other batch fails with it.
      expect(outcomes[1]!.status).toBe("rejected");
      expect((await rowsOf(t.db, rooms[2]!)).length).toBe(1);

      // And the writer goes on: the next batch is stored.
      const next = await writer.store(rooms[2]!, 1n, [{ update: paragraphUpdate("later"), authorId: null }]);
      expect(next.lastSeq).toBe(2n);
    });
  });
});
