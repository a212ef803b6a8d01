import { afterAll, beforeAll } from "vitest";
import type { StandardRow } from "../../src/db/tables/standards";
import { addMember, makeStandard, makeUser, startTestApp, type DatabaseKind, type TestApp, type TestUser } from "../helper";
import { listenSync, type Client } from "../sync/helpers";

/** What a sync security test file works with: the app listening for sync, a members-only standard and an editor of it. */
export interface SyncSuite {
  t: TestApp;
  /** Base URL of the sync endpoint. */
  base: string;
  standard: StandardRow;
  editor: TestUser;
  /** Clients the tests open; destroyed after the file's tests. */
  clients: Client[];
}

/**
 * Registers the file's beforeAll and afterAll for a suite on `kind`. The fields are filled in
 * by beforeAll, so read them in tests and hooks, not while the suite is collected.
 */
export function syncSuite(kind: DatabaseKind): SyncSuite {
  const suite = { clients: [] as Client[] } as SyncSuite;
  beforeAll(async () => {
    suite.t = await startTestApp(kind);
    suite.base = await listenSync(suite.t.app);
    suite.standard = await makeStandard(suite.t.db, { isPublic: false });
    suite.editor = await makeUser(suite.t.db);
    await addMember(suite.t.app, suite.standard, suite.editor, "editor");
  });
  afterAll(async () => {
    for (const c of suite.clients) c.destroy();
    await suite.t?.close();
  });
  return suite;
}
