import type { TimelineEntry } from "@codewright/shared";
import { describe, expect, it } from "vitest";
import { describeEntry } from "./timeline";

const entry = (action: string, over: Partial<TimelineEntry> = {}): TimelineEntry => ({
  at: "2026-03-01T10:00:00.000Z",
  actor: { id: "00000000-0000-4000-8000-000000000001", displayName: "Ada", affiliation: null },
  action,
  fromState: null,
  toState: null,
  details: {},
  ...over,
});

describe("timeline entries in words", () => {
  it("describes transitions, with reasons and notes quoted", () => {
    expect(describeEntry(entry("proposal.create"))).toEqual({ what: "started the proposal", quote: null });
    expect(describeEntry(entry("proposal.reopen", { details: { votesCleared: 2 } })).what).toBe("moved it back to draft (2 votes cleared)");
    expect(describeEntry(entry("proposal.accept", { details: { note: "Consensus in the call.", againstTally: true } }))).toEqual({
      what: "accepted it against the tally",
      quote: "Consensus in the call.",
    });
    expect(describeEntry(entry("proposal.reject", { details: { reason: "Out of scope." } }))).toEqual({ what: "rejected it", quote: "Out of scope." });
  });

  it("describes votes and co-authors", () => {
    expect(describeEntry(entry("proposal.vote", { toState: "disapprove", fromState: "approve", details: { reason: "Too strict." } }))).toEqual({
      what: "disapproved (was approve)",
      quote: "Too strict.",
    });
    const names = (id: string) => (id === "u2" ? "Bob" : undefined);
    expect(describeEntry(entry("proposal.co_author", { details: { userId: "u2" } }), names).what).toBe("invited Bob as co-author");
    expect(describeEntry(entry("proposal.co_author", { details: { userId: "u3" } }), names).what).toBe("invited a co-author");
  });

  it("shows an unknown action as its code", () => {
    expect(describeEntry(entry("proposal.something_new")).what).toBe("proposal.something_new");
  });
});
