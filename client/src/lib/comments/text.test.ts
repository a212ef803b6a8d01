import { describe, expect, it } from "vitest";
import { commentParts, safeLink } from "./text";

describe("comment text", () => {
  it("keeps markup as text, exactly as written", () => {
    const body = `<img src=x onerror=window.__xss=1><script>alert(1)</script> & <b>bold</b>`;
    expect(commentParts(body)).toEqual([{ kind: "text", text: body, start: 0 }]);
  });

  it("links http and https addresses, without the punctuation that ends the sentence", () => {
    expect(commentParts("See https://example.org/a?b=1&c=2. And (http://example.com/x) too")).toEqual([
      { kind: "text", text: "See ", start: 0 },
      { kind: "link", text: "https://example.org/a?b=1&c=2", href: "https://example.org/a?b=1&c=2", start: 4 },
      { kind: "text", text: ". And (", start: 33 },
      { kind: "link", text: "http://example.com/x", href: "http://example.com/x", start: 40 },
      { kind: "text", text: ") too", start: 60 },
    ]);
    expect(commentParts("https://en.wikipedia.org/wiki/Fuzzing_(computing)")[0]).toMatchObject({ kind: "link", text: "https://en.wikipedia.org/wiki/Fuzzing_(computing)" });
  });

  it("never links other schemes, and stops an address at markup characters", () => {
    for (const body of ["javascript:alert(1)", "data:text/html,<script>alert(1)</script>", "vbscript:msgbox", "file:///etc/passwd", "//example.org"]) {
      expect(commentParts(body).every((p) => p.kind === "text"), body).toBe(true);
    }
    const parts = commentParts(`https://example.org/"><script>alert(1)</script>`);
    expect(parts[0]).toMatchObject({ kind: "link", href: "https://example.org/" });
    expect(parts.map((p) => p.text).join("")).toBe(`https://example.org/"><script>alert(1)</script>`);
    expect(safeLink("https://")).toBeNull();
    expect(safeLink("ftp://example.org/")).toBeNull();
  });
});
