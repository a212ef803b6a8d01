import { describe, expect, it } from "vitest";
import { personName } from "./people";

describe("personName", () => {
  it("names the organisation beside the person when there is one", () => {
    expect(personName({ displayName: "Ada Lovelace", affiliation: "Acme Medical" })).toBe("Ada Lovelace (Acme Medical)");
    expect(personName({ displayName: "Ada Lovelace", affiliation: null })).toBe("Ada Lovelace");
    expect(personName({ displayName: "Ada Lovelace", affiliation: "  " })).toBe("Ada Lovelace");
    expect(personName({ displayName: "Ada Lovelace" })).toBe("Ada Lovelace");
  });
});
