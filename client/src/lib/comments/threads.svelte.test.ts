import type { CommentThread } from "@codewright/shared";
import { describe, expect, it } from "vitest";
import { ApiClient } from "../api";
import { CommentThreads } from "./threads.svelte";

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
const SECTION = "5f1d2c3b-4a59-4e2f-8c6d-7e8f9a0b1c2d";
const PROPOSAL = "0b6a3e0e-2b39-4a8f-9a55-6d3c1f7f2c11";
const user = { id: "00000000-0000-4000-8000-000000000001", displayName: "Ada", affiliation: null };

const thread = (id: string, over: Partial<CommentThread> = {}): CommentThread => ({
  id,
  target: { kind: "section", standard: "code", section: SECTION, proposal: null, version: null },
  author: user,
  body: "Why?",
  kind: "general",
  proposedText: null,
  anchor: null,
  position: null,
  state: "open",
  resolvedBy: null,
  resolvedAt: null,
  disposition: null,
  answer: null,
  replies: [],
  permissions: { reply: true, resolve: true, dispose: false, answer: false },
  createdAt: "2026-01-01T00:00:00.000Z",
  updatedAt: "2026-01-01T00:00:00.000Z",
  ...over,
});

describe("CommentThreads", () => {
  it("asks for the target's threads and keeps server answers", async () => {
    const calls: Array<[string, string, unknown]> = [];
    const replies = [{ id: "r1", author: user, body: "Because.", createdAt: "2026-01-02T00:00:00.000Z" }];
    const api = new ApiClient({
      fetch: async (url, init) => {
        calls.push([init.method!, url, init.body ? JSON.parse(init.body as string) : undefined]);
        if (init.method === "GET") return json(200, { comments: [thread("t1")] });
        if (url.endsWith("/replies")) return json(201, thread("t1", { replies }));
        if (url.endsWith("/resolve")) return json(200, thread("t1", { state: "resolved", replies }));
        return json(201, thread("t2", { anchor: { quote: "validate" }, position: { state: "active", from: 20, to: 28, text: "validate" } }));
      },
    });
    const threads = new CommentThreads(api, { kind: "section", standard: "code", section: SECTION });
    await threads.load();
    expect(calls[0]!.slice(0, 2)).toEqual(["GET", `/api/comments?standard=code&section=${SECTION}`]);
    await threads.start("Validate against what?", { quote: "validate", prefix: "shall ", suffix: " its" });
    expect(calls[1]).toEqual(["POST", "/api/comments", { target: { kind: "section", standard: "code", section: SECTION }, body: "Validate against what?", anchor: { quote: "validate", prefix: "shall ", suffix: " its" } }]);
    await threads.reply("t1", "Because.");
    await threads.setState("t1", "resolved");
    expect(threads.ordered.map((t) => [t.id, t.state, t.replies.length])).toEqual([
      ["t2", "open", 0],
      ["t1", "resolved", 1],
    ]);
    expect(threads.openCount).toBe(1);
  });

  it("asks for a proposal's threads and keeps those of one kind", async () => {
    let asked = "";
    const api = new ApiClient({
      fetch: async (url) => {
        asked = url;
        return json(200, {
          comments: [thread("whole", { target: { kind: "proposal", standard: "code", section: null, proposal: PROPOSAL, version: null } }), thread("on-section", { target: { kind: "proposal_section", standard: "code", section: SECTION, proposal: PROPOSAL, version: null } })],
        });
      },
    });
    const threads = new CommentThreads(api, { kind: "proposal", standard: "code", proposal: PROPOSAL }, "proposal");
    await threads.load();
    expect(asked).toBe(`/api/comments?standard=code&proposal=${PROPOSAL}`);
    expect(threads.threads.map((t) => t.id)).toEqual(["whole"]);
  });

  it("shows a failed first load, and keeps what it had on a failed reload", async () => {
    let fail = true;
    const api = new ApiClient({ fetch: async () => (fail ? json(404, { error: { code: "not_found", message: "No such standard." } }) : json(200, { comments: [thread("t1")] })) });
    const threads = new CommentThreads(api, { kind: "release_section", standard: "code", version: "1.0", section: SECTION });
    await threads.load();
    expect([threads.status, threads.problem]).toEqual(["failed", "No such standard."]);
    fail = false;
    await threads.load();
    fail = true;
    await threads.load();
    expect([threads.status, threads.threads.length]).toEqual(["ready", 1]);
  });
});
