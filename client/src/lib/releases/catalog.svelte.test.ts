import { describe, expect, it, vi } from "vitest";
import type { ReleaseSummary } from "@codewright/shared";
import { ApiClient } from "../api";
import { ReleaseCatalog } from "./catalog.svelte";

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
const summary = (version: string, previousVersion: string | null): ReleaseSummary => ({
  version,
  kind: "edition",
  cycleId: null,
  previousVersion,
  publishedAt: "2026-01-01T00:00:00.000Z",
  digest: `sha256:${"0".repeat(64)}`,
  notes: "",
});

describe("ReleaseCatalog", () => {
  it("loads the releases and puts a new one first", async () => {
    const posted: unknown[] = [];
    const api = new ApiClient({
      fetch: async (url, init) => {
        if (init.method === "POST") {
          posted.push(JSON.parse(init.body as string));
          return json(201, summary("1.1", "1.0"));
        }
        expect(url).toBe("/api/standards/code/releases");
        return json(200, { releases: [summary("1.0", null)] });
      },
    });
    const catalog = new ReleaseCatalog(api, "code");
    await catalog.load();
    expect(catalog.status).toBe("ready");
    expect(catalog.latest?.version).toBe("1.0");
    await catalog.publish({ version: "1.1", notes: "Fixes" });
    expect(posted).toEqual([{ version: "1.1", notes: "Fixes" }]);
    expect(catalog.versions).toEqual(["1.1", "1.0"]);
  });

  it("reads the list again after publishing, to show what others published meanwhile", async () => {
    let listed = [summary("1.0", null)];
    const api = new ApiClient({
      fetch: async (_url, init) => {
        if (init.method !== "POST") return json(200, { releases: listed });
        listed = [summary("1.2", "1.1"), summary("1.1", "1.0"), summary("1.0", null)];
        return json(201, listed[0]);
      },
    });
    const catalog = new ReleaseCatalog(api, "code");
    await catalog.load();
    await catalog.publish({ version: "1.2" });
    await vi.waitFor(() => expect(catalog.versions).toEqual(["1.2", "1.1", "1.0"]));
  });

  it("keeps a failed load's reason and passes on a refused publish", async () => {
    const api = new ApiClient({
      fetch: async (_url, init) =>
        init.method === "POST"
          ? json(409, { error: { code: "version_taken", message: "Version 1.0 of this standard is already published." } })
          : json(404, { error: { code: "not_found", message: "No such standard." } }),
    });
    const catalog = new ReleaseCatalog(api, "code");
    await catalog.load();
    expect(catalog.status).toBe("failed");
    expect(catalog.problem).toBe("No such standard.");
    await expect(catalog.publish({ version: "1.0" })).rejects.toMatchObject({ status: 409, code: "version_taken" });
  });
});
