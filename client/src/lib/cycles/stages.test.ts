import { describe, expect, it } from "vitest";
import type { BallotRound } from "@codewright/shared";
import { cycleWith } from "./fixtures";
import { activeCycle, blockersOf, defaultPlan, isWorking, nextMoment, planToStages, readerHint, unansweredNegatives, workingStage } from "./stages";

const links = { release: (v: string) => `/r/${v}`, releases: () => "/r" };

describe("a cycle's stages", () => {
  it("finds the active cycle and the stage whose work is done now", () => {
    const running = cycleWith([["input", "closed"], ["committee", "open"], ["ballot", "upcoming"]]);
    expect(activeCycle([cycleWith([["ballot", "closed"]], { state: "closed" }), running])).toBe(running);
    expect(workingStage(running)?.kind).toBe("committee");
    // While a stage is blocked, the work of the one before it is what is done now.
    const blocked = cycleWith([["input", "closed"], ["committee", "closed"], ["ballot", "blocked"]]);
    expect(workingStage(blocked)?.kind).toBe("committee");
    expect(isWorking(blocked, "committee")).toBe(true);
    expect(isWorking(cycleWith([["input", "open"], ["ballot", "upcoming"]], { state: "cancelled" }), "input")).toBe(false);
  });

  it("counts down to the open stage's close, or to the next opening", () => {
    const open = cycleWith([["input", "open"], ["ballot", "upcoming"]]);
    expect(nextMoment(open, Date.parse("2027-03-01T09:00:00Z"))).toMatchObject({ what: "closes", at: open.stages[0]!.closesAt });
    const between = cycleWith([["input", "closed"], ["ballot", "upcoming"]]);
    expect(nextMoment(between, Date.parse("2027-03-02T07:00:00Z"))).toMatchObject({ what: "opens", stage: { kind: "ballot" } });
  });

  it("tells readers what they can do now", () => {
    const input = cycleWith([["input", "open"], ["ballot", "upcoming"]]);
    expect(readerHint(input, links)).toEqual({ text: "Public input is open until", action: { label: "Propose a change", href: "/r/1.0" }, until: input.stages[0]!.closesAt });
    expect(readerHint(cycleWith([["input", "closed"], ["comment", "open"], ["ballot", "upcoming"]]), links).action?.href).toBe("/r");
    expect(readerHint(cycleWith([["input", "closed"], ["committee", "blocked"], ["ballot", "upcoming"]]), links).text).toContain("waits");
    expect(readerHint(cycleWith([["ballot", "open"]], { state: "cancelled", cancelReason: "Withdrawn." }), links).text).toBe("This cycle was cancelled: Withdrawn.");
  });

  it("reads the blockers of a refused advance", () => {
    const blocker = { kind: "input-without-action", message: "“A” has no committee action yet.", target: { kind: "proposal", id: "p1" } };
    expect(blockersOf({ blockers: [blocker, { nonsense: true }] })).toEqual([blocker]);
    expect(blockersOf(null)).toEqual([]);
    expect(blockersOf({ blockers: "no" })).toEqual([]);
  });

  it("lists the disapprovals still owed a response", () => {
    const vote = (id: string, v: "approve" | "disapprove", response: string | null) => ({
      user: { id, displayName: id, affiliation: null },
      affiliation: null,
      interestCategory: null,
      vote: v,
      reason: v === "disapprove" ? "Too vague." : null,
      castAt: "2027-03-01T00:00:00Z",
      response,
      respondedAt: null,
    });
    const round = { votes: [vote("a", "approve", null), vote("b", "disapprove", null), vote("c", "disapprove", "Clarified.")] } as unknown as BallotRound;
    expect(unansweredNegatives(round).map((v) => v.user.id)).toEqual(["b"]);
  });
});

describe("the plan of a new cycle", () => {
  it("starts with every stage back to back in the standard's zone", () => {
    const rows = defaultPlan(Date.parse("2027-07-01T10:20:00Z"), "Europe/Paris", 7);
    expect(rows.map((r) => r.kind)).toEqual(["input", "committee", "comment", "resolution", "ballot", "publication"]);
    expect(rows[0]).toMatchObject({ opensAt: "2027-07-01T13:00", closesAt: "2027-07-08T13:00" });
    expect(rows[1]!.opensAt).toBe(rows[0]!.closesAt);
    const planned = planToStages(rows, "Europe/Paris");
    expect("stages" in planned && planned.stages[0]).toEqual({ kind: "input", opensAt: "2027-07-01T11:00:00.000Z", closesAt: "2027-07-08T11:00:00.000Z" });
  });

  it("leaves out stages not included, and names the stage of a problem", () => {
    const rows = defaultPlan(Date.parse("2027-07-01T10:00:00Z"), "UTC");
    expect(planToStages(rows.map((r) => ({ ...r, included: r.kind === "input" })), "UTC")).toEqual({ problem: "A cycle needs its ballot stage: every edition is balloted." });
    const overlapping = rows.map((r) => (r.kind === "committee" ? { ...r, opensAt: rows[0]!.opensAt } : r));
    expect(planToStages(overlapping, "UTC")).toEqual({ problem: "Committee action opens before public input closes: windows must not overlap." });
    expect(planToStages(rows.map((r) => (r.kind === "ballot" ? { ...r, closesAt: "" } : r)), "UTC")).toEqual({ problem: "Ballot: give the date and time it opens and closes." });
    const onlyBallot = planToStages(rows.map((r) => ({ ...r, included: r.kind === "ballot" })), "UTC");
    expect("stages" in onlyBallot && onlyBallot.stages.map((s) => s.kind)).toEqual(["ballot"]);
  });
});
