import { describe, expect, it } from "vitest";
import { releaseFiles } from "./downloads";

describe("releaseFiles", () => {
  it("lists every published format at its address, encoded", () => {
    const files = releaseFiles("building-code", "1.0+errata");
    expect(files.map((f) => [f.format, f.href, f.fileName])).toEqual([
      ["json", "/api/standards/building-code/releases/1.0%2Berrata", "building-code-1.0+errata.json"],
      ["signature", "/api/standards/building-code/releases/1.0%2Berrata/signature", "building-code-1.0+errata.signature.json"],
      ["oscal", "/api/standards/building-code/releases/1.0%2Berrata/oscal", "building-code-1.0+errata.oscal.json"],
      ["markdown", "/api/standards/building-code/releases/1.0%2Berrata/markdown", "building-code-1.0+errata.md"],
      ["html", "/api/standards/building-code/releases/1.0%2Berrata/html", null],
    ]);
  });
});
