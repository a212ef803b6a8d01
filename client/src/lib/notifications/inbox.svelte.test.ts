import type { Notification } from "@codewright/shared";
import { describe, expect, it } from "vitest";
import { ApiClient } from "../api";
import { Inbox, mergeNotifications, PAGE_SIZE } from "./inbox.svelte";

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
const note = (id: string, read = false): Notification => ({
  id,
  event: "proposal.decided",
  createdAt: "2026-03-01T10:00:00.000Z",
  read,
  actor: { id: "0b6a3e0e-2b39-4a8f-9a55-6d3c1f7f2c11", displayName: "Eddie", affiliation: null },
  standard: "code",
  standardTitle: "The Code",
  summary: `Notification ${id}`,
  link: "/proposals/p1",
});

/** A server with notifications 12 down to 1, of which `unread` are unread; pages of two. */
function server(options: { failMarking?: boolean } = {}) {
  const calls: string[] = [];
  const all = Array.from({ length: 12 }, (_, i) => note(String(12 - i), i >= 3));
  const api = new ApiClient({
    fetch: async (url, init) => {
      calls.push(`${init.method} ${url}${init.body ? ` ${init.body}` : ""}`);
      if (init.method === "POST") {
        if (options.failMarking) return json(503, { error: { code: "database_unavailable", message: "Try again in a moment." } });
        return json(200, { unread: 0 });
      }
      const query = new URL(url, "http://x").searchParams;
      const cursor = query.get("cursor");
      const from = cursor ? all.findIndex((n) => n.id === cursor) : 0;
      const chosen = all.filter((n) => query.get("unread") !== "true" || !n.read);
      const slice = chosen.slice(from, from + 5);
      return json(200, { notifications: slice, nextCursor: chosen[from + 5]?.id ?? null, unread: 3 });
    },
  });
  return { api, calls };
}

describe("Inbox", () => {
  it("lists newest first and pages on, each once", async () => {
    const { api, calls } = server();
    const counts: number[] = [];
    const inbox = new Inbox(api, { set: (n) => counts.push(n) });
    await inbox.load();
    expect(inbox.notifications.map((n) => n.id)).toEqual(["12", "11", "10", "9", "8"]);
    expect(inbox.unread).toBe(3);
    await inbox.more();
    await inbox.more();
    expect(inbox.notifications.map((n) => n.id)).toEqual(["12", "11", "10", "9", "8", "7", "6", "5", "4", "3", "2", "1"]);
    expect(inbox.nextCursor).toBeNull();
    await inbox.more();
    expect(calls).toEqual([`GET /api/me/notifications?limit=${PAGE_SIZE}`, `GET /api/me/notifications?cursor=7&limit=${PAGE_SIZE}`, `GET /api/me/notifications?cursor=2&limit=${PAGE_SIZE}`]);
    expect(counts).toEqual([3, 3, 3]);
  });

  it("marks one read as it is opened, and all at once", async () => {
    const { api, calls } = server();
    const counts: number[] = [];
    const inbox = new Inbox(api, { set: (n) => counts.push(n) });
    inbox.onlyUnread = true;
    await inbox.load();
    expect(calls[0]).toBe(`GET /api/me/notifications?unread=true&limit=${PAGE_SIZE}`);
    await inbox.markRead("11");
    expect(inbox.notifications.find((n) => n.id === "11")?.read).toBe(true);
    // Read already: nothing is sent.
    await inbox.markRead("11");
    await inbox.markAllRead();
    expect(inbox.notifications.every((n) => n.read)).toBe(true);
    expect(inbox.unread).toBe(0);
    expect(calls.slice(1)).toEqual(['POST /api/me/notifications/read {"ids":["11"]}', 'POST /api/me/notifications/read {"all":true}']);
    expect(counts).toEqual([3, 2, 0, 0]);
  });

  it("shows a notification unread again when the server refused to mark it", async () => {
    const { api } = server({ failMarking: true });
    const inbox = new Inbox(api);
    await inbox.load();
    await inbox.markRead("12");
    expect(inbox.notifications.find((n) => n.id === "12")?.read).toBe(false);
    expect([inbox.unread, inbox.problem]).toEqual([3, "Try again in a moment."]);
    await inbox.markAllRead();
    expect(inbox.notifications.filter((n) => !n.read).map((n) => n.id)).toEqual(["12", "11", "10"]);
    expect(inbox.unread).toBe(3);
  });

  it("merges by id, newest first, whatever the length of the ids", () => {
    expect(mergeNotifications([note("9"), note("10", true)], [note("10"), note("100")]).map((n) => [n.id, n.read])).toEqual([
      ["100", false],
      ["10", false],
      ["9", false],
    ]);
  });
});
