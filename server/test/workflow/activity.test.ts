import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseKinds, startTestApp, type TestApp } from "../helper";
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
});
