import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StandardRow } from "../../src/db/tables/standards";
import { addMember, databaseKinds, makeStandard, makeUser, startTestApp, testConfig, type TestApp, type TestUser } from "../helper";
import { makeSection, storedBodyXml } from "../sync/helpers";
import { converged, Editor, expectStoredAsEveryoneSees, seeded, until } from "./editors";

const SOAK = process.env.SOAK === "1";
/** Words each side types while apart. */
const APART = SOAK ? 400 : 30;

/**
 * The network between an editor and the server fails while both sides keep editing: a connection
 * cut at once, and a path that goes silent (the socket stays open, nothing passes) until the
 * server's keep-alive gives up on it. Both sides' edits must merge, none lost or doubled.
 */
describe.each(databaseKinds)("a network drop with offline edits on both sides (%s)", (kind) => {
  let t: TestApp;
  let base: string;
  let standard: StandardRow;
  let alice: TestUser;
  let bob: TestUser;
  const editors: Editor[] = [];

  beforeAll(async () => {
    const defaults = testConfig();
    // A short keep-alive, so a silent connection is noticed within a second or two.
    t = await startTestApp(kind, { sync: { ...defaults.sync, keepAliveMs: 400 } });
    await t.app.listen({ port: 0, host: "127.0.0.1" });
    base = `ws://127.0.0.1:${(t.app.server.address() as { port: number }).port}/sync`;
    standard = await makeStandard(t.db, { isPublic: false });
    alice = await makeUser(t.db, { name: "Alice" });
    bob = await makeUser(t.db, { name: "Bob" });
    await addMember(t.app, standard, alice, "editor");
    await addMember(t.app, standard, bob, "editor");
  });

  afterAll(async () => {
    for (const e of editors) e.destroy();
    await t?.close();
  });

  const pair = async (room: string, seed: number) => {
    const a = new Editor({ servers: [base], room, token: alice.token, name: "a1", random: seeded(seed) });
    const b = new Editor({ servers: [base], room, token: bob.token, name: "b1", random: seeded(seed + 1) });
    editors.push(a, b);
    await converged([a, b]);
    for (let i = 0; i < 5; i++) (a.type(), b.type());
    await converged([a, b]);
    return [a, b] as const;
  };

  /** Both type (and delete some of their own words) while `a` cannot reach the server. */
  async function editApart(a: Editor, b: Editor): Promise<void> {
    for (let i = 0; i < APART; i++) {
      a.type();
      b.type();
      if (i % 7 === 3) (a.deleteOwn(), b.deleteOwn());
      // Let b's edits travel while a's stay home.
      if (i % 10 === 9) await new Promise((r) => setTimeout(r, 5));
    }
    await until(async () => {
      const stored = await storedBodyXml(t.db, a.options.room);
      return [...b.present].every((w) => stored.includes(` ${w} `));
    }, "b's edits stored while a is away");
  }

  it("merges both sides' edits after the connection is cut", async () => {
    const room = await makeSection(t.db, standard, "Shared text.");
    const [a, b] = await pair(room, 11);
    a.drop();
    await editApart(a, b);
    expect(a.synced).toBe(false);
    const stored = await storedBodyXml(t.db, room);
    expect([...a.present].slice(-3).filter((w) => stored.includes(` ${w} `))).toEqual([]);
    a.reconnect();
    await converged([a, b]);
    await until(() => t.app.sync.roomStats(room)?.pending === 0, "stored");
    const verdict = await expectStoredAsEveryoneSees(t.db, room, [a, b]);
    // Five words each before the drop, then APART each while apart; some of them deleted since.
    expect(verdict.words + verdict.deleted).toBe(2 * (5 + APART));
  });

  it("merges both sides' edits after a silent connection is given up by the server's keep-alive", async () => {
    const room = await makeSection(t.db, standard, "Shared text.");
    const [a, b] = await pair(room, 23);
    const before = a.connections;
    a.stall();
    await editApart(a, b);
    // The server drops the silent connection: it no longer counts among the room's.
    await until(() => t.app.sync.roomStats(room)?.connections === 1, "the silent connection dropped by the server", 30_000);
    a.reconnect();
    await converged([a, b]);
    expect(a.connections).toBeGreaterThan(before);
    await until(() => t.app.sync.roomStats(room)?.pending === 0, "stored");
    await expectStoredAsEveryoneSees(t.db, room, [a, b]);
  });
});
