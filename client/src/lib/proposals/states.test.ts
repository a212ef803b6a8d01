import { describe, expect, it } from "vitest";
import { PROPOSAL_STATES, STATE_LABELS, TITLE_MAX, proposalTitleFor } from "./states";

describe("proposal states", () => {
  it("labels every state", () => {
    expect(PROPOSAL_STATES.map((s) => STATE_LABELS[s])).toEqual(["Draft", "Open for review", "Accepted", "Rejected", "Withdrawn"]);
  });

  it("titles a proposal after the section it starts from, within the API's limit", () => {
    expect(proposalTitleFor({ number: "2.3", title: "Fuzzing" })).toBe("Change to 2.3 Fuzzing");
    const long = proposalTitleFor({ number: "1", title: "x".repeat(400) });
    expect(long).toHaveLength(TITLE_MAX);
    expect(long.endsWith("…")).toBe(true);
  });
});
