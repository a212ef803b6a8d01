import { describe, expect, it } from "vitest";
import { matchRoute, paths } from "../routes";

const ID = "0b6a3e0e-2b39-4a8f-9a55-6d3c1f7f2c11";
const SECTION = "5f1d2c3b-4a59-4e2f-8c6d-7e8f9a0b1c2d";

describe("proposal and activity addresses", () => {
  it("writes and reads the proposals list with its filter", () => {
    expect(paths.proposals("code")).toBe("/standards/code/proposals");
    expect(paths.proposals("code", "open")).toBe("/standards/code/proposals?state=open");
    expect(matchRoute("/standards/code/proposals")).toEqual({ name: "proposals", slug: "code", state: null });
    expect(matchRoute("/standards/code/proposals", "?state=rejected")).toEqual({ name: "proposals", slug: "code", state: "rejected" });
    expect(matchRoute("/standards/code/proposals", "?state=merged")).toEqual({ name: "proposals", slug: "code", state: null });
  });

  it("writes and reads a proposal, its sections and their edit mode", () => {
    for (const [path, route] of [
      [paths.proposal(ID), { name: "proposal", id: ID, sectionId: null, editing: false }],
      [paths.proposal(ID, SECTION), { name: "proposal", id: ID, sectionId: SECTION, editing: false }],
      [paths.proposal(ID, SECTION, true), { name: "proposal", id: ID, sectionId: SECTION, editing: true }],
    ] as const) {
      expect(matchRoute(path)).toEqual(route);
    }
    expect(paths.proposal(ID, SECTION, true)).toBe(`/proposals/${ID}/sections/${SECTION}/edit`);
    expect(matchRoute(`/proposals/${ID}/sections`).name).toBe("notFound");
    expect(matchRoute(`/proposals/${ID}/sections/${SECTION}/delete`).name).toBe("notFound");
    expect(matchRoute(`/proposals/${ID}/other`).name).toBe("notFound");
  });

  it("reads the activity page", () => {
    expect(matchRoute(paths.activity())).toEqual({ name: "activity" });
    expect(matchRoute("/activity/more").name).toBe("notFound");
  });
});
