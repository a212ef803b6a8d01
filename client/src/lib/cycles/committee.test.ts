import { describe, expect, it } from "vitest";
import type { ProposalDetail } from "@codewright/shared";
import { actionOf, committeeActionProblem, inputCycleOf } from "./committee";

describe("committee actions", () => {
  it("reads the cycle and the action from a proposal, whether or not the server says them", () => {
    const plain = { id: "p" } as ProposalDetail;
    expect(inputCycleOf(plain)).toBeNull();
    expect(actionOf(plain)).toBeUndefined();
    const input = { id: "p", cycle: "c", committeeAction: null } as unknown as ProposalDetail;
    expect(inputCycleOf(input)).toBe("c");
    expect(actionOf(input)).toBeNull();
  });

  it("needs an action and a statement", () => {
    expect(committeeActionProblem(null, "Because.")).toBe("Choose the committee's action.");
    expect(committeeActionProblem("reject", "  ")).toContain("statement");
    expect(committeeActionProblem("accept-as-modified", "Clearer wording.")).toBeNull();
  });
});
