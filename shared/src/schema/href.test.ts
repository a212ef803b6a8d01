import { describe, expect, it } from "vitest";
import { isSafeHref } from "./href";

describe("isSafeHref", () => {
  it.each(["https://example.org/a?b#c", "http://example.org", "HTTPS://EXAMPLE.ORG", "mailto:editor@example.org", "#section-12", "../guide", "/releases/1.0.0", "//cdn.example.org/x", "?q=1", "a%3Ab"])(
    "allows %s",
    (href) => expect(isSafeHref(href)).toBe(true),
  );

  it.each(["javascript:alert(1)", "JavaScript:alert(1)", " javascript:alert(1)", "java\tscript:alert(1)", "java\nscript:x", "\u0000javascript:x", "data:text/html,<b>", "vbscript:x", "file:///etc/passwd", "ftp://example.org", "", "   "])(
    "refuses %j",
    (href) => expect(isSafeHref(href)).toBe(false),
  );
});
