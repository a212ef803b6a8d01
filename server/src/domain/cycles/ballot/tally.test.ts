import { describe, expect, it } from "vitest";
import type { VoteChoice } from "@codewright/shared";
import { ballotTally } from "./tally";

const votes = (approve: number, disapprove: number, abstain: number): VoteChoice[] => [
  ...Array<VoteChoice>(approve).fill("approve"),
  ...Array<VoteChoice>(disapprove).fill("disapprove"),
  ...Array<VoteChoice>(abstain).fill("abstain"),
];
const iso = { threshold: 2 / 3, quorum: 0.5, negativeLimit: 0.25 };

describe("ballotTally", () => {
  it("reaches a threshold of 2/3 with 2 of 3, abstentions excluded", () => {
    expect(ballotTally(votes(2, 1, 5), 8, { ...iso, negativeLimit: null })).toMatchObject({ ratio: 2 / 3, returned: 1, passes: true });
    expect(ballotTally(votes(1, 1, 0), 2, { ...iso, negativeLimit: null }).passes).toBe(false);
  });

  it("needs the quorum of ballots returned over the roster, abstentions included", () => {
    expect(ballotTally(votes(1, 0, 1), 4, iso)).toMatchObject({ returned: 0.5, passes: true });
    expect(ballotTally(votes(1, 0, 0), 4, iso)).toMatchObject({ returned: 0.25, passes: false });
    expect(ballotTally([], 0, iso)).toMatchObject({ returned: 0, ratio: null, negativeShare: null, passes: false });
  });

  it("allows disapprovals up to the negative limit of every vote cast, abstentions included", () => {
    expect(ballotTally(votes(3, 1, 0), 4, iso)).toMatchObject({ negativeShare: 0.25, passes: true });
    expect(ballotTally(votes(3, 1, 0), 4, { ...iso, negativeLimit: 0.2 })).toMatchObject({ passes: false });
    // 4 of 5 approve (above 2/3), but 2 negatives of 7 cast exceed a quarter; of 8 they would not.
    expect(ballotTally(votes(8, 2, 0), 10, iso).passes).toBe(true);
    expect(ballotTally(votes(4, 2, 1), 7, iso)).toMatchObject({ negativeShare: 2 / 7, passes: false });
    expect(ballotTally(votes(4, 2, 2), 8, iso)).toMatchObject({ negativeShare: 0.25, passes: true });
  });
});
