import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "../../src/db/connect";
import { migrateToLatest } from "../../src/db/migrate";
import type { StandardRow } from "../../src/db/tables/standards";
import { makeStandard, makeUser, type TestUser } from "../helper";
import { appendParagraph, bodyXml, connectClient, eventually, makeSection, storedBodyXml, waitFor, type Client } from "./helpers";
import { scratchPostgres, startServerProcess, type ServerProcess } from "./processes";

describe.skipIf(!process.env.TEST_DATABASE_URL)("two server processes sharing PostgreSQL", { timeout: 60_000 }, () => {
  let scratch: Awaited<ReturnType<typeof scratchPostgres>>;
  let database: DatabaseHandle;
  let one: ServerProcess;
  let two: ServerProcess;
  let standard: StandardRow;
  let admin: TestUser;
  let editor: TestUser;
  let other: TestUser;
  const clients: Client[] = [];
  const track = (c: Client) => (clients.push(c), c);

  beforeAll(async () => {
    scratch = await scratchPostgres();
    database = await openDatabase({ url: scratch.url });
    await migrateToLatest(database.db);
    standard = await makeStandard(database.db, { isPublic: false });
    admin = await makeUser(database.db, { admin: true });
    editor = await makeUser(database.db);
    other = await makeUser(database.db);
    await database.db
      .insertInto("memberships")
      .values([
        { standard_id: standard.id, user_id: editor.id, role: "editor" },
        { standard_id: standard.id, user_id: other.id, role: "editor" },
      ])
      .execute();
    [one, two] = await Promise.all([startServerProcess({ DATABASE_URL: scratch.url }), startServerProcess({ DATABASE_URL: scratch.url })]);
  });

  afterAll(async () => {
    for (const c of clients) c.destroy();
    await Promise.all([one?.stop(), two?.stop()]);
    await database?.close();
    await scratch?.drop();
  });

  it("clients of one room on different processes converge, and the log holds it all", async () => {
    // Several rooms in turn: a notice of the other process's rows that arrives while this process
    // is storing its own must still be read (it once was not, now and then, and a room stopped short).
    for (let round = 0; round < 4; round++) {
      const room = await makeSection(database.db, standard);
      const a = track(connectClient(one.sync, room, { token: editor.token }));
      const b = track(connectClient(two.sync, room, { token: other.token }));
      await Promise.all([a.synced(), b.synced()]);
      for (let i = 0; i < 10; i++) {
        appendParagraph(a.doc, `one ${i}`);
        appendParagraph(b.doc, `two ${i}`);
      }
      await waitFor(() => bodyXml(a.doc) === bodyXml(b.doc) && bodyXml(a.doc).includes("one 9") && bodyXml(a.doc).includes("two 9"), `convergence in round ${round}`, 20_000);
      await eventually(async () => (await storedBodyXml(database.db, room)) === bodyXml(a.doc), `everything stored in round ${round}`, 20_000);
    }
  });

  it("a late joiner on the other process gets everything", async () => {
    const room = await makeSection(database.db, standard);
    const a = track(connectClient(one.sync, room, { token: editor.token }));
    await a.synced();
    appendParagraph(a.doc, "written on one");
    await waitFor(() => bodyXml(a.doc).includes("written on one"), "typed");
    const b = track(connectClient(two.sync, room, { token: other.token }));
    await b.synced();
    await waitFor(() => bodyXml(b.doc).includes("written on one"), "late joiner on two", 20_000);
  });

  it("a demotion made on one process closes the socket on the other", async () => {
    const room = await makeSection(database.db, standard);
    const onTwo = track(connectClient(two.sync, room, { token: other.token }, { reconnect: false }));
    await onTwo.synced();
    const res = await fetch(`${one.http}/api/standards/${standard.slug}/members/${other.id}`, {
      method: "PUT",
      headers: { authorization: `Bearer ${admin.token}`, "content-type": "application/json" },
      body: JSON.stringify({ role: "contributor" }),
    });
    expect(res.status).toBe(200);
    await waitFor(() => onTwo.closes.length > 0, "closed on the other process", 20_000);
    expect(onTwo.closes[0]!.code).toBe(4000);
  });

  it("deleting a section on one process closes its room's sockets on the other", async () => {
    const room = await makeSection(database.db, standard);
    const section = await database.db.selectFrom("sections").select("id").where("room", "=", room).executeTakeFirstOrThrow();
    const onTwo = track(connectClient(two.sync, room, { token: other.token }, { reconnect: false }));
    await onTwo.synced();
    const res = await fetch(`${one.http}/api/standards/${standard.slug}/sections/${section.id}`, {
      method: "DELETE",
      headers: { authorization: `Bearer ${admin.token}` },
    });
    expect(res.status).toBe(200);
    await waitFor(() => onTwo.closes.length > 0, "closed on the other process", 20_000);
    expect(onTwo.closes[0]!.code).toBe(4000);
  });
});
