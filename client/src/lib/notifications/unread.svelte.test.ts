import { describe, expect, it } from "vitest";
import { ApiClient } from "../api";
import { readUnread, RETRY_MS, STREAM_URL, UnreadCounter, type Timers, type UnreadStream } from "./unread.svelte";

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
const page = (unread: number) => json(200, { notifications: [], nextCursor: null, unread });

class FakeStream implements UnreadStream {
  readyState = 0;
  listeners = new Map<string, Array<(event: MessageEvent | Event) => void>>();
  closed = false;
  constructor(readonly url: string) {}
  addEventListener(type: string, listener: (event: MessageEvent | Event) => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  emit(type: string, data?: string) {
    if (type === "open") this.readyState = 1;
    for (const listener of this.listeners.get(type) ?? []) listener(data === undefined ? new Event(type) : new MessageEvent(type, { data }));
  }
  /** The browser gives up: the server refused the stream. */
  refuse() {
    this.readyState = 2;
    this.emit("error");
  }
  close() {
    this.closed = true;
    this.readyState = 2;
  }
}

/** Timers run by the test: `fire` runs the one waiting. */
class FakeTimers implements Timers {
  waiting: Array<{ run: () => void; ms: number; handle: number }> = [];
  #next = 0;
  setTimeout(run: () => void, ms: number) {
    const handle = ++this.#next;
    this.waiting.push({ run, ms, handle });
    return handle;
  }
  clearTimeout(handle: unknown) {
    this.waiting = this.waiting.filter((t) => t.handle !== handle);
  }
  fire() {
    const timer = this.waiting.shift();
    if (!timer) throw new Error("No timer is waiting.");
    timer.run();
    return timer.ms;
  }
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe("UnreadCounter", () => {
  it("reads the count, then follows the stream", async () => {
    const urls: string[] = [];
    const counter = new UnreadCounter(new ApiClient({ fetch: async (url) => (urls.push(url), page(2)) }));
    const streams: FakeStream[] = [];
    const stop = counter.follow((url) => {
      const stream = new FakeStream(url);
      streams.push(stream);
      return stream;
    }, new FakeTimers());
    await settle();
    expect(counter.count).toBe(2);
    expect(urls).toEqual(["/api/me/notifications?unread=true&limit=1"]);
    expect(streams.map((s) => s.url)).toEqual([STREAM_URL]);

    streams[0]!.emit("open");
    expect(counter.live).toBe(true);
    streams[0]!.emit("unread", JSON.stringify({ unread: 3 }));
    expect(counter.count).toBe(3);
    streams[0]!.emit("unread", "not json");
    streams[0]!.emit("unread", JSON.stringify({ unread: -1 }));
    expect(counter.count).toBe(3);

    // A dropped connection the browser retries by itself is left to it.
    streams[0]!.emit("error");
    expect(counter.live).toBe(false);
    expect(streams).toHaveLength(1);

    stop();
    expect(streams[0]!.closed).toBe(true);
    expect(counter.count).toBeNull();
  });

  it("does not let a read that answers late overwrite a newer count from the stream", async () => {
    let answer!: (response: Response) => void;
    const counter = new UnreadCounter(new ApiClient({ fetch: () => new Promise<Response>((resolve) => (answer = resolve)) }));
    let stream!: FakeStream;
    counter.follow((url) => (stream = new FakeStream(url)), new FakeTimers());
    stream.emit("unread", JSON.stringify({ unread: 5 }));
    answer(page(4));
    await settle();
    expect(counter.count).toBe(5);
  });

  it("opens a stream the browser gave up on again later, waiting longer each time, and reads the count meanwhile", async () => {
    let reads = 0;
    const counter = new UnreadCounter(new ApiClient({ fetch: async () => page(++reads) }));
    const timers = new FakeTimers();
    const streams: FakeStream[] = [];
    const stop = counter.follow((url) => {
      const stream = new FakeStream(url);
      streams.push(stream);
      return stream;
    }, timers);
    streams[0]!.refuse();
    expect(streams[0]!.closed).toBe(true);
    expect(timers.fire()).toBe(RETRY_MS[0]);
    streams[1]!.refuse();
    expect(timers.fire()).toBe(RETRY_MS[1]);
    await settle();
    expect(reads).toBe(3);
    expect(counter.count).toBe(3);

    // Once connected the waits start again from the first.
    streams[2]!.emit("open");
    streams[2]!.refuse();
    expect(timers.fire()).toBe(RETRY_MS[0]);
    expect(streams).toHaveLength(4);

    // Stopping cancels what was waiting.
    streams[3]!.refuse();
    expect(timers.waiting).toHaveLength(1);
    stop();
    expect(timers.waiting).toHaveLength(0);
  });

  it("reads the count now and then where there is no EventSource", async () => {
    let reads = 0;
    const counter = new UnreadCounter(new ApiClient({ fetch: async () => page(++reads) }));
    const timers = new FakeTimers();
    counter.follow(null, timers);
    await settle();
    expect(counter.count).toBe(1);
    timers.fire();
    await settle();
    expect(counter.count).toBe(2);
    expect(timers.waiting).toHaveLength(1);
  });

  it("reads only whole, non-negative counts from events", () => {
    expect(readUnread('{"unread":7}')).toBe(7);
    expect(readUnread('{"unread":1.5}')).toBeNull();
    expect(readUnread('{"count":1}')).toBeNull();
    expect(readUnread(undefined)).toBeNull();
  });
});
