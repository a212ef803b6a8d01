import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { addMember, databaseKinds, makeStandard, makeUser, startTestApp, type TestApp, type TestUser } from "../helper";

// Building a proposal's answer diffs it against its base: make that fail on demand.
const failing = vi.hoisted(() => ({ on: false }));
vi.mock("@codewright/shared", async (importOriginal) => {
  const shared = await importOriginal<typeof import("@codewright/shared")>();
  return {
    ...shared,
    diffReleases: (...args: Parameters<typeof shared.diffReleases>) => {
      if (failing.on) throw new shared.ContentError("invalid_outline", "The outline could not be read.");
      return shared.diffReleases(...args);
    },
  };
});

/**
 * A state change answers with the proposal as its own transaction committed it: when building the
 * answer fails, the change is not committed either, so a 4xx never hides a change that happened.
 */
describe.each(databaseKinds)("answers of proposal state changes (%s)", (kind) => {
  let t: TestApp;
  let author: TestUser;
  let editor: TestUser;
  let slug: string;
  beforeAll(async () => {
    t = await startTestApp(kind);
    const standard = await makeStandard(t.db);
    slug = standard.slug;
    author = await makeUser(t.db);
    editor = await makeUser(t.db);
    await addMember(t.app, standard, author, "contributor");
    await addMember(t.app, standard, editor, "editor");
  });
  afterAll(async () => {
    failing.on = false;
    await t?.close();
  });

  const stateOf = async (id: string) => (await t.db.selectFrom("proposals").select("state").where("id", "=", id).executeTakeFirstOrThrow()).state;

  it("leaves the proposal as it was when the answer to submit or accept cannot be built", async () => {
    const created = await t.app.inject({ method: "POST", url: `/api/standards/${slug}/proposals`, headers: author.auth, payload: { title: "Clarify scope" } });
    expect(created.statusCode).toBe(201);
    const id: string = created.json().id;

    failing.on = true;
    const submit = await t.app.inject({ method: "POST", url: `/api/proposals/${id}/submit`, headers: author.auth });
    failing.on = false;
    expect(submit.statusCode).toBe(400);
    expect(await stateOf(id)).toBe("draft");

    const submitted = await t.app.inject({ method: "POST", url: `/api/proposals/${id}/submit`, headers: author.auth });
    expect(submitted.statusCode).toBe(200);
    expect(submitted.json().state).toBe("open");

    failing.on = true;
    const accept = await t.app.inject({ method: "POST", url: `/api/proposals/${id}/accept`, headers: editor.auth, payload: { note: "Agreed at the meeting." } });
    failing.on = false;
    expect(accept.statusCode).toBe(400);
    expect(await stateOf(id)).toBe("open");
    expect(await t.db.selectFrom("proposal_decisions").select("proposal_id").where("proposal_id", "=", id).execute()).toEqual([]);

    const accepted = await t.app.inject({ method: "POST", url: `/api/proposals/${id}/accept`, headers: editor.auth, payload: { note: "Agreed at the meeting." } });
    expect(accepted.statusCode).toBe(200);
    expect(accepted.json().state).toBe("accepted");
    expect(await stateOf(id)).toBe("accepted");
  });
});
