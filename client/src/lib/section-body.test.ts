import { describe, expect, it } from "vitest";
import { linkSpec, xrefSpec, type XrefLookup } from "./section-body";

const lookup: XrefLookup = (id) => (id === "s2" ? { href: "/standards/bc/sections/s2", number: "3.1", label: "BC-2.1", title: "Sign releases" } : undefined);

describe("xrefSpec", () => {
  it("links to the target and shows its current number, with label and title on hover", () => {
    expect(xrefSpec({ section: "s2", label: "BC-2.1" }, lookup)).toEqual([
      "a",
      { class: "xref", href: "/standards/bc/sections/s2", title: "BC-2.1: Sign releases", "data-section": "s2" },
      "3.1",
    ]);
  });

  it("shows the written label, unlinked, when the target is gone", () => {
    expect(xrefSpec({ section: "gone", label: "BC-9" }, lookup)).toEqual([
      "span",
      { class: "xref xref-missing", title: "BC-9: this section no longer exists" },
      "BC-9",
    ]);
  });
});

describe("linkSpec", () => {
  it("marks links to other sites as external", () => {
    expect(linkSpec({ href: "https://example.org", title: null })).toEqual(["a", { href: "https://example.org", rel: "external noopener noreferrer" }, 0]);
  });

  it("keeps site-relative links for the router", () => {
    expect(linkSpec({ href: "/standards/bc", title: "Home" })).toEqual(["a", { href: "/standards/bc", title: "Home" }, 0]);
  });

  it("never renders an unsafe target", () => {
    expect(linkSpec({ href: "javascript:alert(1)", title: null })).toEqual(["a", { href: "#" }, 0]);
  });
});
