import { describe, expect, it } from "vitest";
import { ApiClient } from "../api";
import { cycleWith } from "./fixtures";
import { CyclePage } from "./cycle.svelte";

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
const standard = { slug: "code", title: "Code", timeZone: "Europe/Paris", permissions: { publish: true } };
const ballot = { cycle: "c", timeZone: "Europe/Paris", rounds: [], roster: { size: 0, byCategory: {}, uncategorized: 0, overRepresented: [] } };

describe("CyclePage", () => {
  it("loads the cycle, its standard and its ballot", async () => {
    const cycle = cycleWith([["input", "open"], ["ballot", "upcoming"]]);
    const asked: string[] = [];
    const api = new ApiClient({
      fetch: async (url) => {
        asked.push(url);
        if (url.endsWith("/ballot")) return json(200, ballot);
        if (url.startsWith("/api/cycles/")) return json(200, { cycle });
        return json(200, standard);
      },
    });
    const page = new CyclePage(api, cycle.id);
    await page.load();
    expect(page.status).toBe("ready");
    expect(page.cycle).toEqual(cycle);
    expect(page.canManage).toBe(true);
    expect(page.ballot).toEqual(ballot);
    expect(asked).toEqual([`/api/cycles/${cycle.id}`, "/api/standards/code", `/api/cycles/${cycle.id}/ballot`]);
  });

  it("shows the server's blockers when advancing is refused", async () => {
    const cycle = cycleWith([["input", "closed"], ["committee", "open"], ["ballot", "upcoming"]]);
    const blocker = { kind: "input-without-action", message: "“Fix 3.1” has no committee action yet.", target: { kind: "proposal", id: "00000000-0000-4000-8000-0000000000aa" } };
    const api = new ApiClient({
      fetch: async (url, init) => {
        if (init.method === "POST") {
          return json(409, { error: { code: "stage_requirements_unmet", message: "The committee stage is not done: 1 left (see the blockers).", details: { blockers: [blocker] } } });
        }
        if (url.endsWith("/ballot")) return json(200, ballot);
        if (url.startsWith("/api/cycles/")) return json(200, { cycle });
        return json(200, standard);
      },
    });
    const page = new CyclePage(api, cycle.id);
    await page.load();
    await page.advance();
    expect(page.refusal).toEqual({ message: "The committee stage is not done: 1 left (see the blockers).", blockers: [blocker] });
    expect(page.advancing).toBe(false);
  });

  it("takes the server's answer after advancing, and passes on other refusals", async () => {
    const before = cycleWith([["input", "open"], ["ballot", "upcoming"]]);
    const after = cycleWith([["input", "closed"], ["ballot", "upcoming"]]);
    let advanced = false;
    const api = new ApiClient({
      fetch: async (url, init) => {
        if (init.method === "POST" && url.endsWith("/advance")) {
          if (advanced) return json(409, { error: { code: "stage_closed", message: "No stage of this cycle is open now." } });
          advanced = true;
          return json(200, { cycle: after });
        }
        if (url.endsWith("/ballot")) return json(404, { error: { code: "not_found", message: "No ballot." } });
        if (url.startsWith("/api/cycles/")) return json(200, { cycle: before });
        return json(200, standard);
      },
    });
    const page = new CyclePage(api, before.id);
    await page.load();
    expect(page.ballot).toBeNull();
    await page.advance();
    expect(page.cycle).toEqual(after);
    await expect(page.advance()).rejects.toMatchObject({ code: "stage_closed" });
  });

  it("keeps the reason a cycle could not be read", async () => {
    const api = new ApiClient({ fetch: async () => json(404, { error: { code: "not_found", message: "There is no such cycle." } }) });
    const page = new CyclePage(api, "nope");
    await page.load();
    expect(page.status).toBe("failed");
    expect(page.problem).toBe("There is no such cycle.");
  });
});
