import type { Tally } from "@codewright/shared";
import { describe, expect, it } from "vitest";
import { againstTally, decisionNeedsText, percent, readTally } from "./tally";

const tally = (over: Partial<Tally> = {}): Tally => ({
  approve: 0,
  disapprove: 0,
  abstain: 0,
  ratio: null,
  threshold: 2 / 3,
  quorum: 0,
  quorumMet: true,
  passes: false,
  ...over,
});

describe("reading a tally", () => {
  it("words the ratio against the threshold", () => {
    expect(percent(2 / 3)).toBe("67%");
    const reading = readTally(tally({ approve: 2, disapprove: 1, ratio: 2 / 3, passes: true }));
    expect(reading).toEqual({ cast: 3, ratio: "67% approve", threshold: "67% must approve", quorum: "No quorum needed", verdict: "Passes" });
  });

  it("says why a tally does not pass", () => {
    expect(readTally(tally()).verdict).toBe("Does not pass: nobody approved or disapproved");
    expect(readTally(tally({ approve: 1, disapprove: 1, ratio: 0.5 })).verdict).toBe("Does not pass: too few approve");
    const short = readTally(tally({ approve: 1, ratio: 1, quorum: 3, quorumMet: false }));
    expect(short.quorum).toBe("Quorum: 1 of 3 votes");
    expect(short.verdict).toBe("Does not pass yet: 2 more votes are needed for a quorum");
    expect(readTally(tally({ abstain: 2, quorum: 3, quorumMet: false })).verdict).toBe("Does not pass yet: 1 more vote is needed for a quorum");
  });
});

describe("deciding", () => {
  it("needs a reason to reject, and a note to accept against the tally", () => {
    const passing = tally({ approve: 3, ratio: 1, passes: true });
    const failing = tally({ disapprove: 3, ratio: 0 });
    expect(decisionNeedsText("accept", passing)).toBe(false);
    expect(decisionNeedsText("accept", failing)).toBe(true);
    expect(decisionNeedsText("reject", failing)).toBe(true);
    expect(decisionNeedsText("reject", passing)).toBe(true);
    expect(againstTally("reject", passing)).toBe(true);
    expect(againstTally("reject", failing)).toBe(false);
    expect(againstTally("accept", failing)).toBe(true);
  });
});
