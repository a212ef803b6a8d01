import type { ActivityItem } from "@codewright/shared";
import { describe, expect, it } from "vitest";
import { compareIds, describeActivity, mergeActivity } from "./activity";

const PROPOSAL = "00000000-0000-4000-8000-0000000000aa";
const item = (id: string, over: Partial<ActivityItem> = {}): ActivityItem => ({
  id,
  at: "2026-03-01T10:00:00.000Z",
  kind: "proposal",
  action: "proposal.create",
  actor: { id: "00000000-0000-4000-8000-000000000001", displayName: "Ada", affiliation: null },
  standard: "code",
  proposal: { id: PROPOSAL, title: "Fuzz more" },
  comment: null,
  toState: "draft",
  ...over,
});

describe("activity", () => {
  it("compares ids as numbers", () => {
    expect(compareIds("9", "10")).toBeLessThan(0);
    expect(compareIds("10", "10")).toBe(0);
    expect(compareIds("1234567890123456789", "999")).toBeGreaterThan(0);
  });

  it("merges items once each, newest first", () => {
    const merged = mergeActivity([item("9"), item("3")], [item("10"), item("9")]);
    expect(merged.map((i) => i.id)).toEqual(["10", "9", "3"]);
  });

  it("words each kind with a link to the proposal", () => {
    expect(describeActivity(item("1"))).toEqual({ who: "Ada", what: "proposed a change to code:", subject: "Fuzz more", href: `/proposals/${PROPOSAL}` });
    expect(describeActivity(item("2", { kind: "decision", action: "proposal.reject", toState: "rejected" })).what).toBe("rejected your proposal");
    const reply = describeActivity(item("3", { kind: "reply", action: "comment.reply", proposal: null, actor: null, comment: { id: PROPOSAL } }));
    expect(reply).toEqual({ who: "Someone", what: "replied in a thread you are in", subject: null, href: "/standards/code" });
  });
});
