import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import type WebSocket from "ws";
import { openDatabase, type DatabaseHandle } from "../../src/db/connect";
import { loadRoomDoc } from "../../src/domain/room-log";
import { buildApp } from "../../src/app";
import { databaseKinds, testConfig } from "../helper";
import { appendParagraph, bodyXml, connectClient, listenSync, sleep, waitFor, type Client } from "./helpers";
import { scratchPostgres, setUpThroughApi, startServerProcess, type ServerProcess } from "./processes";

describe.each(databaseKinds)("sync durability when the server process is killed (%s)", (kind) => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterAll(async () => {
    for (const clean of cleanups.reverse()) await clean();
  });

  it("every update a client received is in the database after SIGKILL, and a restart serves it", async () => {
    // The server process creates the database; the test opens it after the kill.
    let open: () => Promise<DatabaseHandle>;
    let env: Record<string, string>;
    if (kind === "pglite") {
      const dir = mkdtempSync(join(tmpdir(), "codewright-crash-"));
      cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
      open = () => openDatabase({ dataDir: dir });
      env = { DATA_DIR: dir };
    } else {
      const scratch = await scratchPostgres();
      cleanups.push(scratch.drop);
      open = () => openDatabase({ url: scratch.url });
      env = { DATABASE_URL: scratch.url };
    }
    // The server creates and migrates its own database; the test sets up through its API.
    // The typists below type as fast as the event loop lets them, far beyond any person's budget:
    // this is about durability under the heaviest load, so the per-connection budgets are lifted.
    const unbounded = {
      LIMIT_UPDATES_PER_SECOND: "1000000",
      LIMIT_UPDATE_BURST: "1000000",
      LIMIT_UPDATE_BYTES_PER_SECOND: "1000000000",
      LIMIT_UPDATE_BURST_BYTES: "1000000000",
      // Nor may the queue bounds close the typists when storing falls behind them.
      LIMIT_QUEUED_UPDATES_PER_ROOM: "100000000",
      LIMIT_QUEUED_UPDATES_PER_PROCESS: "100000000",
      LIMIT_QUEUED_BYTES_PER_PROCESS: "100000000000",
    };
    const server: ServerProcess = await startServerProcess({ ...env, ...unbounded });
    cleanups.push(() => server.stop("SIGKILL"));
    const { token, room } = await setUpThroughApi(server);
    const a = connectClient(server.sync, room, { token }, { reconnect: false });
    const b = connectClient(server.sync, room, { token }, { reconnect: false });
    // The watcher sends nothing while the others type, so its socket ends with FIN rather than RST
    // and it reads everything the server sent before dying.
    const watcher = connectClient(server.sync, room, { token }, { reconnect: false });
    const clients: Client[] = [a, b, watcher];
    cleanups.push(() => clients.forEach((c) => c.destroy()));
    await Promise.all(clients.map((c) => c.synced()));

    let typing = true;
    const typists = [a, b].map(async (c, k) => {
      for (let i = 0; typing; i++) {
        appendParagraph(c.doc, `typist ${k} keystroke ${i}`);
        await new Promise((r) => setImmediate(r));
      }
    });
    await waitFor(() => a.received.length > 30 && b.received.length > 30 && watcher.received.length > 30, "a burst under way", 30_000);
    // Kill the moment the watcher gets a frame: had it been sent before being stored, it would
    // likely be missing from the database.
    const socket = watcher.provider.ws as unknown as WebSocket;
    await new Promise<void>((done) => socket.once("message", () => (server.child.kill("SIGKILL"), done())));
    await server.stop("SIGKILL");
    typing = false;
    await Promise.all(typists);
    await sleep(200);
    const received = clients.flatMap((c) => c.received);

    const after = await open();
    try {
      const stored = await loadRoomDoc(after.db, room);
      const snapshot = Y.snapshot(stored);
      const missing = received.filter((u) => !Y.snapshotContainsUpdate(snapshot, u));
      expect(received.length).toBeGreaterThan(90);
      expect(missing.length).toBe(0);

      // A server started again on the same data serves all of it.
      const app = await buildApp({ config: testConfig(), database: after, logger: false });
      try {
        const late = connectClient(await listenSync(app), room, { token });
        clients.push(late);
        await late.synced();
        expect(bodyXml(late.doc)).toBe(bodyXml(stored));
        expect(bodyXml(late.doc)).toContain(`typist 1 keystroke`);
      } finally {
        await app.close();
      }
      stored.destroy();
    } finally {
      await after.close();
    }
  }, 180_000);
});
