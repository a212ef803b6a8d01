import { describe, expect, it } from "vitest";
import { ApiClient } from "../api";
import { EmailPreferences } from "./preferences.svelte";
import { WatchedList, WatchToggle } from "./watches.svelte";

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
const ID = "5f1d2c3b-4a59-4e2f-8c6d-7e8f9a0b1c2d";

function server(respond: (method: string, url: string) => Response) {
  const calls: string[] = [];
  const api = new ApiClient({
    fetch: async (url, init) => {
      calls.push(`${init.method} ${url}${init.body ? ` ${init.body}` : ""}`);
      return respond(init.method!, url);
    },
  });
  return { api, calls };
}

describe("WatchToggle", () => {
  it("reads the state, then watches and stops watching once the server agreed", async () => {
    const { api, calls } = server((method) => (method === "GET" ? json(200, { watching: false }) : new Response(null, { status: 204 })));
    const toggle = new WatchToggle(api, "proposal", ID);
    expect(toggle.watching).toBeNull();
    await toggle.load();
    expect(toggle.watching).toBe(false);
    await toggle.toggle();
    expect(toggle.watching).toBe(true);
    await toggle.toggle();
    expect(toggle.watching).toBe(false);
    expect(calls).toEqual([`GET /api/me/watches/proposal/${ID}`, `PUT /api/me/watches/proposal/${ID}`, `DELETE /api/me/watches/proposal/${ID}`]);
  });

  it("keeps the state and says why when the server refuses, and is not offered when it cannot say", async () => {
    const refusing = server((method) =>
      method === "GET" ? json(200, { watching: false }) : json(403, { error: { code: "email_unverified", message: "Verify first." } }),
    );
    const toggle = new WatchToggle(refusing.api, "thread", ID);
    await toggle.load();
    await toggle.toggle();
    expect(toggle.watching).toBe(false);
    expect(toggle.problem).toContain("Verify your email address first");

    const missing = new WatchToggle(server(() => json(404, { error: { code: "not_found", message: "No such route." } })).api, "standard", ID);
    await missing.load();
    expect(missing.watching).toBeNull();
    await missing.toggle();
    expect(missing.watching).toBeNull();
  });
});

describe("WatchedList", () => {
  it("lists what is watched and drops what is unwatched", async () => {
    const watch = (kind: "proposal" | "section", id: string) => ({ kind, id, standard: "code", title: `A ${kind}`, link: "/x", createdAt: "2026-03-01T10:00:00.000Z" });
    const { api, calls } = server((method) => (method === "GET" ? json(200, { watches: [watch("proposal", ID), watch("section", ID)] }) : json(200, { watching: false })));
    const list = new WatchedList(api);
    await list.load();
    await list.unwatch({ kind: "section", id: ID });
    expect(list.watches.map((w) => w.kind)).toEqual(["proposal"]);
    expect(calls).toEqual(["GET /api/me/watches", `DELETE /api/me/watches/section/${ID}`]);
  });
});

describe("EmailPreferences", () => {
  it("loads the preference and saves a new one", async () => {
    const { api, calls } = server((method) => json(200, { email: method === "GET" ? "daily" : "off" }));
    const preferences = new EmailPreferences(api);
    await preferences.load();
    expect([preferences.saved, preferences.chosen]).toEqual(["daily", "daily"]);
    preferences.chosen = "off";
    await preferences.save();
    expect([preferences.saved, preferences.confirmed]).toEqual(["off", true]);
    expect(calls).toEqual(["GET /api/me/preferences", 'PATCH /api/me/preferences {"email":"off"}']);
  });
});
