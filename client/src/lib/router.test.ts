import { describe, expect, it } from "vitest";
import { Router, type RouterHost } from "./router.svelte";
import { matchRoute, paths } from "./routes";

describe("matchRoute", () => {
  it.each([
    ["/", { name: "standards" }],
    ["/standards", { name: "standards" }],
    ["/standards/", { name: "standards" }],
    ["/standards/building-code", { name: "standard", slug: "building-code" }],
    ["/standards/building-code/sections/0b6a", { name: "section", slug: "building-code", sectionId: "0b6a" }],
    ["/standards/building-code/sections/0b6a/edit", { name: "editSection", slug: "building-code", sectionId: "0b6a" }],
    ["/account", { name: "account" }],
    ["/admin", { name: "adminUsers" }],
    ["/admin/users", { name: "adminUsers" }],
    ["/admin/standards", { name: "adminStandards" }],
    ["/admin/standards/building-code/members", { name: "adminMembers", slug: "building-code" }],
    ["/invite", { name: "invite" }],
  ] as const)("reads %s", (path, route) => {
    expect(matchRoute(path)).toEqual(route);
  });

  it.each(["/nowhere", "/standards/a/sections", "/standards/a/sections/b/extra", "/standards/a/sections/b/edit/x", "/admin/users/x", "/standards/%E0%A4%A"])("does not know %s", (path) => {
    expect(matchRoute(path)).toEqual({ name: "notFound", path });
  });

  it("keeps only a same-site path to return to after signing in", () => {
    expect(matchRoute("/login", "?next=%2Faccount")).toEqual({ name: "signIn", next: "/account", error: null });
    expect(matchRoute("/login", "?next=https%3A%2F%2Fevil.example")).toEqual({ name: "signIn", next: null, error: null });
    expect(matchRoute("/login", "?next=%2F%2Fevil.example")).toEqual({ name: "signIn", next: null, error: null });
    expect(matchRoute("/login")).toEqual({ name: "signIn", next: null, error: null });
  });

  it("reads why single sign-on came back to the sign-in page", () => {
    expect(matchRoute("/login", "?error=oidc_failed")).toEqual({ name: "signIn", next: null, error: "oidc_failed" });
    expect(matchRoute("/login", "?error=&next=%2Faccount")).toEqual({ name: "signIn", next: "/account", error: null });
  });

  it("reads and writes the pages of joining and of notifications", () => {
    for (const [path, name] of [
      [paths.signUp(), "signUp"],
      [paths.verify(), "verify"],
      [paths.forgotPassword(), "forgotPassword"],
      [paths.resetPassword(), "resetPassword"],
      [paths.notifications(), "notifications"],
    ] as const) {
      expect(matchRoute(path)).toEqual({ name });
      expect(matchRoute(`${path}/more`).name).toBe("notFound");
    }
    expect([paths.signUp(), paths.verify(), paths.forgotPassword(), paths.resetPassword()]).toEqual(["/signup", "/verify", "/forgot", "/reset"]);
    // Names an object has of its own prototype are no pages.
    expect(matchRoute("/constructor").name).toBe("notFound");
    expect(matchRoute("/toString").name).toBe("notFound");
  });

  it("starts single sign-on towards a same-site path only", () => {
    expect(paths.oidcStart("/standards/bc")).toBe("/api/auth/oidc/start?returnTo=%2Fstandards%2Fbc");
    expect(paths.oidcStart("https://evil.example/")).toBe("/api/auth/oidc/start?returnTo=%2Fstandards");
    expect(paths.oidcStart(null)).toBe("/api/auth/oidc/start?returnTo=%2Fstandards");
  });

  it("round-trips the paths it writes, encoding what needs it", () => {
    expect(paths.section("a b", "x/y")).toBe("/standards/a%20b/sections/x%2Fy");
    expect(matchRoute(paths.section("a b", "x/y"))).toEqual({ name: "section", slug: "a b", sectionId: "x/y" });
    expect(matchRoute(paths.adminMembers("std"))).toEqual({ name: "adminMembers", slug: "std" });
    expect(matchRoute(paths.editSection("a b", "x/y"))).toEqual({ name: "editSection", slug: "a b", sectionId: "x/y" });
    expect(paths.signIn("/account")).toBe("/login?next=%2Faccount");
    expect(paths.signIn("//evil.example")).toBe("/login");
  });
});

function fakeHost(start: string) {
  const entries: string[] = [];
  let href = start;
  const scrolls: Array<[number, number]> = [];
  const host: RouterHost = {
    location: {
      get href() {
        return href;
      },
    },
    history: {
      pushState: (_data, _unused, url) => {
        href = new URL(String(url), href).href;
        entries.push(href);
      },
      replaceState: (_data, _unused, url) => {
        href = new URL(String(url), href).href;
        entries[entries.length - 1] = href;
      },
    },
    scrollTo: (x, y) => scrolls.push([x, y]),
  };
  return { host, entries, scrolls, goTo: (url: string) => (href = url) };
}

describe("Router", () => {
  it("starts on the current address and follows navigation", () => {
    const { host, entries, scrolls } = fakeHost("https://codewright.example/standards/bc");
    const router = new Router(host);
    expect(router.route).toEqual({ name: "standard", slug: "bc" });

    router.navigate("/standards/bc/sections/s1");
    expect(router.route).toEqual({ name: "section", slug: "bc", sectionId: "s1" });
    expect(entries).toEqual(["https://codewright.example/standards/bc/sections/s1"]);
    expect(scrolls).toEqual([[0, 0]]);

    router.navigate("/login?next=%2Faccount", { replace: true });
    expect(router.route).toEqual({ name: "signIn", next: "/account", error: null });
    expect(router.current).toBe("/login?next=%2Faccount");
    expect(entries).toHaveLength(1);
  });

  it("keeps the hash and does not scroll to the top for it", () => {
    const { host, scrolls } = fakeHost("https://codewright.example/");
    const router = new Router(host);
    router.navigate("/invite#secret-token");
    expect(router.route).toEqual({ name: "invite" });
    expect(router.location.hash).toBe("#secret-token");
    expect(scrolls).toEqual([]);
  });

  it("follows the address bar on back and forward", () => {
    const { host, goTo } = fakeHost("https://codewright.example/account");
    const router = new Router(host);
    goTo("https://codewright.example/admin/users");
    router.sync();
    expect(router.route).toEqual({ name: "adminUsers" });
  });

  it("refuses to navigate to another site", () => {
    const { host } = fakeHost("https://codewright.example/");
    const router = new Router(host);
    expect(() => router.navigate("https://elsewhere.example/")).toThrow(RangeError);
    expect(router.route).toEqual({ name: "standards" });
  });
});

describe("Router history", () => {
  it("adds no entry when following a link to the page already shown", () => {
    const { host, entries } = fakeHost("https://codewright.example/standards");
    const router = new Router(host);
    router.navigate("/standards/bc");
    router.navigate("/standards/bc");
    expect(entries).toEqual(["https://codewright.example/standards/bc"]);
  });
});
