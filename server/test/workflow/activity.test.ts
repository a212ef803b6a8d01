import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addMember, databaseKinds, makeStandard, makeUser, sessionCookie, startTestApp, type TestApp } from "../helper";
import { buildWorkflowWorld, type WorkflowWorld } from "./fixture";

/** Reads server-sent events from a stream until `count` events arrived. */
async function readEvents(body: ReadableStream<Uint8Array>, count: number, timeoutMs = 8000): Promise<Array<{ id: string; event: string; data: any }>> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const events: Array<{ id: string; event: string; data: any }> = [];
  let buffer = "";
  const deadline = Date.now() + timeoutMs;
  while (events.length < count) {
    const chunk = await Promise.race([reader.read(), new Promise<never>((_, reject) => setTimeout(() => reject(new Error("no event in time")), Math.max(0, deadline - Date.now())))]);
    if (chunk.done) break;
    buffer += decoder.decode(chunk.value, { stream: true });
    let end: number;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const fields: Record<string, string> = Object.fromEntries(
        block
          .split("\n")
          .filter((l) => l && !l.startsWith(":"))
          .map((l) => [l.slice(0, l.indexOf(":")), l.slice(l.indexOf(":") + 1).trim()]),
      );
      if (fields.event) events.push({ id: fields.id ?? "", event: fields.event, data: JSON.parse(fields.data ?? "null") });
    }
  }
  await reader.cancel();
  return events;
}

describe.each(databaseKinds)("activity feed on %s", (kind) => {
  let t: TestApp;
  let w: WorkflowWorld;
  let url: string;
  beforeAll(async () => {
    t = await startTestApp(kind);
    await t.app.listen({ port: 0, host: "127.0.0.1" });
    url = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    w = await buildWorkflowWorld(t);
  });
  afterAll(async () => t?.close());

  it("tells a user of replies to their comments, decisions on their proposals and new proposals, not of their own acts", async () => {
    const id = await w.propose("Mine");
    const thread = await w.ok(w.users.author, "POST", "/api/comments", { target: { kind: "proposal", standard: w.standard.slug, proposal: id }, body: "Please review." });
    await w.ok(w.users.author, "POST", `/api/comments/${thread.id}/replies`, { body: "Talking to myself." });
    await w.ok(w.users.voter, "POST", `/api/comments/${thread.id}/replies`, { body: "Looks right." });
    const others = (await w.ok(w.users.contributor, "POST", `/api/standards/${w.standard.slug}/proposals`, { title: "Someone else's" })).id;
    await w.ok(w.users.author, "POST", `/api/proposals/${id}/submit`);
    await w.ok(w.users.editor, "POST", `/api/proposals/${id}/reject`, { reason: "Not now." });

    const feed = (await w.ok(w.users.author, "GET", "/api/me/activity")).items;
    expect(feed.map((i: { kind: string; action: string }) => `${i.kind}:${i.action}`)).toEqual(["decision:proposal.reject", "proposal:proposal.create", "reply:comment.reply"]);
    expect(feed[0]).toMatchObject({ standard: w.standard.slug, proposal: { id, title: "Mine" }, actor: { id: w.users.editor.id }, toState: "rejected" });
    expect(feed[1]).toMatchObject({ proposal: { id: others, title: "Someone else's" }, actor: { id: w.users.contributor.id } });
    expect(feed[2]).toMatchObject({ comment: { id: thread.id }, proposal: { id }, actor: { id: w.users.voter.id } });
    const newer = (await w.ok(w.users.author, "GET", `/api/me/activity?after=${feed[1].id}`)).items;
    expect(newer.map((i: { id: string }) => i.id)).toEqual([feed[0].id]);
    // Outsiders hear nothing of a members-only standard.
    expect((await w.ok(w.users.nonMember, "GET", "/api/me/activity")).items).toEqual([]);
    expect((await w.call(null, "GET", "/api/me/activity")).status).toBe(401);
  });

  it("streams new items as server-sent events", async () => {
    const thread = await w.ok(w.users.author, "POST", "/api/comments", { target: { kind: "section", standard: w.standard.slug, section: w.sections.a.id }, body: "Streamed?" });
    const controller = new AbortController();
    const res = await fetch(`${url}/api/me/activity/stream`, { headers: w.users.author.auth, signal: controller.signal });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const events = readEvents(res.body!, 2);
    await new Promise((r) => setTimeout(r, 100));
    await w.ok(w.users.voter, "POST", `/api/comments/${thread.id}/replies`, { body: "Yes." });
    await w.ok(w.users.contributor, "POST", `/api/standards/${w.standard.slug}/proposals`, { title: "Live" });
    const got = await events;
    controller.abort();
    expect(got.map((e) => `${e.event}:${e.data.action}`)).toEqual(["activity:comment.reply", "activity:proposal.create"]);
    expect(got[0]!.id).toBe(got[0]!.data.id);

    // Reconnecting with Last-Event-ID resumes after what was seen.
    const again = await fetch(`${url}/api/me/activity/stream?wait=0`, { headers: { ...w.users.author.auth, "last-event-id": got[0]!.id } });
    expect((await readEvents(again.body!, 1)).map((e) => e.data.action)).toEqual(["proposal.create"]);
    expect((await fetch(`${url}/api/me/activity/stream`)).status).toBe(401);
  });

  it("stops telling a removed member of a members-only standard's activity, in the list and the live stream", async () => {
    const v = await buildWorkflowWorld(t);
    const admin = await makeUser(t.db, { admin: true });
    const open = await makeStandard(t.db, { isPublic: true });
    await addMember(t.app, open, v.users.voter, "contributor");
    await addMember(t.app, open, v.users.author, "contributor");
    const author = v.users.author;
    const mine = await v.ok(author, "POST", "/api/comments", { target: { kind: "section", standard: v.standard.slug, section: v.sections.a.id }, body: "Members only." });
    const proposal = await v.propose("Soon decided");
    await v.ok(author, "POST", `/api/proposals/${proposal}/submit`);
    const openSection = await v.ok(admin, "POST", `/api/standards/${open.slug}/sections`, { label: "OPEN-1", title: "Open" });
    const elsewhere = await v.ok(author, "POST", "/api/comments", { target: { kind: "section", standard: open.slug, section: openSection.id }, body: "Public." });

    const controller = new AbortController();
    const res = await fetch(`${url}/api/me/activity/stream`, { headers: author.auth, signal: controller.signal });
    const events = readEvents(res.body!, 2);
    await new Promise((r) => setTimeout(r, 100));
    await v.ok(v.users.voter, "POST", `/api/comments/${mine.id}/replies`, { body: "Seen while a member." });
    await new Promise((r) => setTimeout(r, 200));
    expect((await v.ok(author, "GET", "/api/me/activity")).items.map((i: { standard: string }) => i.standard)).toContain(v.standard.slug);

    await v.ok(admin, "DELETE", `/api/standards/${v.standard.slug}/members/${author.id}`);
    await v.ok(v.users.voter, "POST", `/api/comments/${mine.id}/replies`, { body: "Not for former members." });
    await v.ok(v.users.editor, "POST", `/api/proposals/${proposal}/reject`, { reason: "Not now." });
    await v.ok(v.users.contributor, "POST", `/api/standards/${v.standard.slug}/proposals`, { title: "Also hidden" });
    await v.ok(v.users.voter, "POST", `/api/comments/${elsewhere.id}/replies`, { body: "Still for you." });

    // The stream's next item is the one in the public standard: nothing of the other came between.
    const got = await events;
    controller.abort();
    expect(got.map((e) => [e.data.standard, e.data.action])).toEqual([
      [v.standard.slug, "comment.reply"],
      [open.slug, "comment.reply"],
    ]);
    // The list is read with today's rights: nothing of the members-only standard, old or new.
    const items = (await v.ok(author, "GET", "/api/me/activity")).items;
    expect(items.map((i: { standard: string; comment: { id: string } | null }) => [i.standard, i.comment?.id])).toEqual([[open.slug, elsewhere.id]]);
  });

  it("refuses cursors that are not ids of the feed with 400, on the list and the stream", async () => {
    const user = w.users.author;
    const bad = ["9999999999999999999", "9223372036854775808", "12345678901234567890", "-1", "1e3", "abc", ""];
    for (const after of bad) {
      for (const path of ["/api/me/activity", "/api/me/activity/stream"]) {
        const res = await w.call(user, "GET", `${path}?after=${encodeURIComponent(after)}${path.endsWith("stream") ? "&wait=0" : ""}`);
        expect([res.status, res.body?.error?.code], `${path}?after=${after}`).toEqual([400, "invalid_request"]);
      }
    }
    for (const lastEventId of ["9999999999999999999", "not-a-number"]) {
      const res = await fetch(`${url}/api/me/activity/stream?wait=0`, { headers: { ...user.auth, "last-event-id": lastEventId } });
      expect([res.status, (await res.json()).error.code], `Last-Event-ID ${lastEventId}`).toEqual([400, "invalid_request"]);
    }
    for (const limit of ["abc", "-1", "1000"]) {
      const res = await w.call(user, "GET", `/api/me/activity?limit=${limit}`);
      expect([res.status, res.body?.error?.code], `limit=${limit}`).toEqual([400, "invalid_request"]);
    }
    for (const wait of ["abc", "-1", "1000"]) {
      const res = await w.call(user, "GET", `/api/me/activity/stream?wait=${wait}`);
      expect([res.status, res.body?.error?.code], `wait=${wait}`).toEqual([400, "invalid_request"]);
    }
    // The largest id there can be is a cursor: nothing comes after it.
    expect(await w.ok(user, "GET", "/api/me/activity?after=9223372036854775807")).toEqual({ items: [] });
  });

  it("ends a live stream when the session it was opened with ends", async () => {
    const user = await makeUser(t.db);
    const cookie = await sessionCookie(t.app, user.email);
    const res = await fetch(`${url}/api/me/activity/stream`, { headers: { cookie } });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    await reader.read(); // the retry line
    const logout = await fetch(`${url}/api/auth/logout`, { method: "POST", headers: { cookie, origin: url } });
    expect(logout.status).toBe(200);
    const ended = await Promise.race([
      (async () => {
        for (let chunk = await reader.read(); ; chunk = await reader.read()) if (chunk.done) return true;
      })(),
      new Promise<false>((r) => setTimeout(() => r(false), 5000)),
    ]);
    await reader.cancel();
    expect(ended).toBe(true);
    expect((await fetch(`${url}/api/me/activity/stream?wait=0`, { headers: { cookie } })).status).toBe(401);
  });

  it("ends a live stream when the API token it was opened with is revoked", async () => {
    const user = await makeUser(t.db);
    const tokens = (await w.ok(user, "GET", "/api/tokens")).tokens as { id: string }[];
    const res = await fetch(`${url}/api/me/activity/stream`, { headers: user.auth });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    await reader.read(); // the retry line
    expect((await w.call(user, "DELETE", `/api/tokens/${tokens[0]!.id}`)).status).toBe(200);
    const ended = await Promise.race([
      (async () => {
        for (let chunk = await reader.read(); ; chunk = await reader.read()) if (chunk.done) return true;
      })(),
      new Promise<false>((r) => setTimeout(() => r(false), 5000)),
    ]);
    await reader.cancel();
    expect(ended).toBe(true);
  });
});
