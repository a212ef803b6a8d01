import { describe, expect, it } from "vitest";
import type { VoteChoice } from "../../db/tables/proposals";
import { tally } from "./tally";

const votes = (approve: number, disapprove: number, abstain = 0): VoteChoice[] => [
  ...Array<VoteChoice>(approve).fill("approve"),
  ...Array<VoteChoice>(disapprove).fill("disapprove"),
  ...Array<VoteChoice>(abstain).fill("abstain"),
];
const twoThirds = { threshold: 2 / 3, quorum: 0 };

describe("tally", () => {
  it("passes at exactly two thirds and fails just below", () => {
    expect(tally(votes(2, 1), twoThirds)).toMatchObject({ approve: 2, disapprove: 1, passes: true });
    expect(tally(votes(4, 2), twoThirds).passes).toBe(true);
    expect(tally(votes(3, 2), twoThirds).passes).toBe(false);
    expect(tally(votes(66, 34), twoThirds).passes).toBe(false);
    expect(tally(votes(67, 33), twoThirds).passes).toBe(true);
  });

  it("leaves abstentions out of the ratio but counts them for the quorum", () => {
    const t = tally(votes(2, 1, 10), { threshold: 2 / 3, quorum: 13 });
    expect(t.ratio).toBeCloseTo(2 / 3);
    expect(t).toMatchObject({ abstain: 10, quorumMet: true, passes: true });
    expect(tally(votes(2, 1, 9), { threshold: 2 / 3, quorum: 13 })).toMatchObject({ quorumMet: false, passes: false });
  });

  it("never passes without an approve or disapprove vote", () => {
    expect(tally([], twoThirds)).toMatchObject({ ratio: null, quorumMet: true, passes: false });
    expect(tally(votes(0, 0, 5), twoThirds)).toMatchObject({ ratio: null, passes: false });
    expect(tally(votes(0, 1), twoThirds)).toMatchObject({ ratio: 0, passes: false });
  });

  it("honours other thresholds: simple majority and unanimity", () => {
    expect(tally(votes(1, 1), { threshold: 0.5, quorum: 0 }).passes).toBe(true);
    expect(tally(votes(9, 1), { threshold: 1, quorum: 0 }).passes).toBe(false);
    expect(tally(votes(9, 0, 3), { threshold: 1, quorum: 0 }).passes).toBe(true);
  });

  it("refuses settings that make no sense", () => {
    expect(() => tally([], { threshold: 0, quorum: 0 })).toThrow(RangeError);
    expect(() => tally([], { threshold: 1.5, quorum: 0 })).toThrow(RangeError);
    expect(() => tally([], { threshold: 0.5, quorum: -1 })).toThrow(RangeError);
  });
});
