import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addMember, databaseKinds, makeStandard, makeUser, startTestApp, type TestApp, type TestUser } from "../helper";
import { connectClient, frames, listenSync, makeSection, rawSocket, sleep, waitFor, type Client } from "./helpers";
import type { StandardRow } from "../../src/db/tables/standards";

type State = { user?: { id: string; name: string; color: string; role: string }; cursor?: number } | undefined;

describe.each(databaseKinds)("sync presence (%s)", (kind) => {
  let t: TestApp;
  let base: string;
  let standard: StandardRow;
  let editor: TestUser;
  let reader: TestUser;
  const clients: Client[] = [];
  const track = (c: Client) => (clients.push(c), c);

  beforeAll(async () => {
    t = await startTestApp(kind);
    base = await listenSync(t.app);
    standard = await makeStandard(t.db, { isPublic: true });
    editor = await makeUser(t.db, { name: "Edith Editor" });
    reader = await makeUser(t.db, { name: "Rita Reader" });
    await addMember(t.app, standard, editor, "editor");
  });

  afterAll(async () => {
    for (const c of clients) c.destroy();
    await t?.close();
  });

  it("stamps each presence with the authenticated identity, whatever the client claims", async () => {
    const room = await makeSection(t.db, standard);
    const a = track(connectClient(base, room, { token: editor.token }));
    const b = track(connectClient(base, room, { token: reader.token }));
    await Promise.all([a.synced(), b.synced()]);
    a.provider.awareness.setLocalState({ user: { id: reader.id, name: "Someone Else", role: "admin" }, cursor: 7 });
    b.provider.awareness.setLocalState({ cursor: 3 });
    const seenByB = () => b.provider.awareness.getStates().get(a.doc.clientID) as State;
    const seenByA = () => a.provider.awareness.getStates().get(b.doc.clientID) as State;
    await waitFor(() => seenByB()?.cursor === 7 && seenByA()?.cursor === 3, "presence exchanged");
    expect(seenByB()!.user).toMatchObject({ id: editor.id, name: "Edith Editor", role: "editor" });
    expect(seenByB()!.user!.color).toMatch(/^#[0-9a-f]{6}$/);
    expect(seenByA()!.user).toMatchObject({ id: reader.id, name: "Rita Reader", role: "reader" });
    // Stock clients echo others' states back; that is not spoofing.
    await sleep(100);
    expect(a.closes).toEqual([]);
    expect(b.closes).toEqual([]);
  });

  it("refuses a connection that speaks for another connection's client id (1008)", async () => {
    const room = await makeSection(t.db, standard);
    const victim = track(connectClient(base, room, { token: editor.token }));
    const watcher = track(connectClient(base, room, { token: editor.token }));
    await Promise.all([victim.synced(), watcher.synced()]);
    victim.provider.awareness.setLocalState({ cursor: 1 });
    const seen = () => watcher.provider.awareness.getStates().get(victim.doc.clientID) as State;
    await waitFor(() => seen()?.cursor === 1, "victim present");
    const clock = watcher.provider.awareness.meta.get(victim.doc.clientID)!.clock;

    const spoofer = await rawSocket(base, room, { token: reader.token });
    spoofer.send(frames.awareness([{ clientId: victim.doc.clientID, clock: clock + 10, state: { cursor: 666 } }]));
    const closed = await spoofer.closed;
    expect(closed.code).toBe(1008);
    expect(closed.reason).toMatch(/^presence_spoofed/);
    await sleep(100);
    expect(seen()?.cursor).toBe(1);
    expect(seen()?.user?.id).toBe(editor.id);
  });

  it("refuses removing another connection's presence with a newer clock", async () => {
    const room = await makeSection(t.db, standard);
    const victim = track(connectClient(base, room, { token: editor.token }));
    const watcher = track(connectClient(base, room, { token: reader.token }));
    await Promise.all([victim.synced(), watcher.synced()]);
    victim.provider.awareness.setLocalState({ cursor: 2 });
    await waitFor(() => (watcher.provider.awareness.getStates().get(victim.doc.clientID) as State)?.cursor === 2, "victim present");
    const clock = watcher.provider.awareness.meta.get(victim.doc.clientID)!.clock;
    const spoofer = await rawSocket(base, room, { token: editor.token });
    spoofer.send(frames.awareness([{ clientId: victim.doc.clientID, clock: clock + 1, state: null }]));
    expect((await spoofer.closed).code).toBe(1008);
    expect(watcher.provider.awareness.getStates().has(victim.doc.clientID)).toBe(true);
  });

  it("removes a presence when its connection leaves; anonymous readers are not shown", async () => {
    const room = await makeSection(t.db, standard);
    const leaving = connectClient(base, room, { token: editor.token });
    const anonymous = track(connectClient(base, room));
    const watcher = track(connectClient(base, room, { token: reader.token }));
    await Promise.all([leaving.synced(), anonymous.synced(), watcher.synced()]);
    leaving.provider.awareness.setLocalState({ cursor: 5 });
    anonymous.provider.awareness.setLocalState({ cursor: 9, user: { name: "Ghost" } });
    await waitFor(() => watcher.provider.awareness.getStates().has(leaving.doc.clientID), "present");
    // Cut the socket so the client cannot say goodbye: the server must remove it by itself.
    (leaving.provider.ws as unknown as import("ws").WebSocket).terminate();
    leaving.destroy();
    await waitFor(() => !watcher.provider.awareness.getStates().has(leaving.doc.clientID), "removed after leaving");
    expect(watcher.provider.awareness.getStates().has(anonymous.doc.clientID)).toBe(false);
    await sleep(50);
    expect(anonymous.closes).toEqual([]);
  });
});
