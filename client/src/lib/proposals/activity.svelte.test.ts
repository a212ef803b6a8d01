import type { ActivityItem } from "@codewright/shared";
import { describe, expect, it } from "vitest";
import { ApiClient } from "../api";
import { ActivityFeed, type ActivityStream } from "./activity.svelte";

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
const item = (id: string): ActivityItem => ({
  id,
  at: "2026-03-01T10:00:00.000Z",
  kind: "proposal",
  action: "proposal.create",
  actor: null,
  standard: "code",
  proposal: null,
  comment: null,
  toState: "draft",
});

class FakeStream implements ActivityStream {
  listeners = new Map<string, Array<(event: MessageEvent | Event) => void>>();
  closed = false;
  constructor(readonly url: string) {}
  addEventListener(type: string, listener: (event: MessageEvent | Event) => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  emit(type: string, data?: string) {
    for (const listener of this.listeners.get(type) ?? []) listener(data === undefined ? new Event(type) : new MessageEvent(type, { data }));
  }
  close() {
    this.closed = true;
  }
}

describe("ActivityFeed", () => {
  it("loads, then follows the stream from the newest item, showing repeats once", async () => {
    const feed = new ActivityFeed(new ApiClient({ fetch: async () => json(200, { items: [item("12"), item("7")] }) }));
    await feed.load();
    let stream: FakeStream | null = null;
    const stop = feed.follow((url) => (stream = new FakeStream(url)));
    expect(stream!.url).toBe("/api/me/activity/stream?after=12");
    stream!.emit("open");
    expect(feed.live).toBe(true);
    stream!.emit("activity", JSON.stringify(item("13")));
    stream!.emit("activity", JSON.stringify(item("12")));
    stream!.emit("activity", "not json");
    expect(feed.items.map((i) => i.id)).toEqual(["13", "12", "7"]);
    stream!.emit("error");
    expect(feed.live).toBe(false);
    stop();
    expect(stream!.closed).toBe(true);
  });

  it("says why the feed could not load", async () => {
    const feed = new ActivityFeed(new ApiClient({ fetch: async () => json(401, { error: { code: "unauthenticated", message: "Sign in first." } }) }));
    await feed.load();
    expect([feed.status, feed.problem]).toEqual(["failed", "Sign in first."]);
  });
});
