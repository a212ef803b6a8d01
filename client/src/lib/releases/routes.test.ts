import { describe, expect, it } from "vitest";
import { matchRoute, paths } from "../routes";

describe("release and diff addresses", () => {
  it.each([
    ["/standards/code/releases", { name: "releases", slug: "code" }],
    ["/standards/code/releases/1.0.0", { name: "release", slug: "code", version: "1.0.0", sectionId: null }],
    ["/standards/code/releases/1.0%2Berrata/sections/s1", { name: "release", slug: "code", version: "1.0+errata", sectionId: "s1" }],
    ["/standards/code/diff", { name: "diff", slug: "code", from: null, to: null, layout: "inline", changedOnly: true }],
  ] as const)("reads %s", (path, route) => {
    expect(matchRoute(path)).toEqual(route);
  });

  it("reads the diff's versions, layout and filter from the query", () => {
    expect(matchRoute("/standards/code/diff", "?from=1.0&to=draft&layout=split&all=1")).toEqual({
      name: "diff",
      slug: "code",
      from: "1.0",
      to: "draft",
      layout: "split",
      changedOnly: false,
    });
    expect(matchRoute("/standards/code/diff", "?from=&layout=odd")).toMatchObject({ from: null, layout: "inline", changedOnly: true });
  });

  it.each(["/standards/code/releases/1.0/sections", "/standards/code/releases/1.0/extra", "/standards/code/releases/1.0/sections/s1/more", "/standards/code/diff/1.0"])(
    "does not know %s",
    (path) => {
      expect(matchRoute(path)).toEqual({ name: "notFound", path });
    },
  );

  it("writes paths that read back, leaving defaults out of the permalink", () => {
    expect(paths.releases("code")).toBe("/standards/code/releases");
    expect(paths.release("code", "1.0+errata")).toBe("/standards/code/releases/1.0%2Berrata");
    expect(paths.release("code", "1.0", "s/1")).toBe("/standards/code/releases/1.0/sections/s%2F1");
    expect(paths.diff("code", { from: "1.0", to: "1.1" })).toBe("/standards/code/diff?from=1.0&to=1.1");
    expect(paths.diff("code", { from: null, to: null })).toBe("/standards/code/diff");
    const url = new URL(paths.diff("code", { from: "1.0+x", to: "draft", layout: "split", changedOnly: false }), "https://example.org");
    expect(matchRoute(url.pathname, url.search)).toEqual({ name: "diff", slug: "code", from: "1.0+x", to: "draft", layout: "split", changedOnly: false });
  });
});
