import type { CommentThread } from "@codewright/shared";
import { describe, expect, it } from "vitest";
import { dispositionLabel, marginOrder, placementOf } from "./placement";

type Shape = Pick<CommentThread, "anchor" | "position" | "state" | "createdAt"> & { name: string };
const anchor = { quote: "x" };
const thread = (name: string, over: Partial<Shape>): Shape => ({ name, anchor: null, position: null, state: "open", createdAt: "2026-01-01T00:00:00Z", ...over });

describe("placing threads", () => {
  it("tells anchored, orphaned, whole and unplaced threads apart", () => {
    expect(placementOf(thread("a", { anchor, position: { state: "active", from: 1, to: 2, text: "x" } }))).toBe("anchored");
    expect(placementOf(thread("b", { anchor, position: { state: "deleted" } }))).toBe("orphaned");
    expect(placementOf(thread("c", { anchor, position: { state: "unknown" } }))).toBe("unplaced");
    expect(placementOf(thread("d", {}))).toBe("whole");
  });

  it("orders open threads first, anchored ones by where they are in the text", () => {
    const threads = [
      thread("whole", {}),
      thread("resolved", { anchor, position: { state: "active", from: 1, to: 2, text: "x" }, state: "resolved" }),
      thread("late", { anchor, position: { state: "active", from: 40, to: 45, text: "x" } }),
      thread("orphan", { anchor, position: { state: "deleted" } }),
      thread("early", { anchor, position: { state: "active", from: 3, to: 5, text: "x" }, createdAt: "2026-02-01T00:00:00Z" }),
    ];
    expect(marginOrder(threads).map((t) => t.name)).toEqual(["early", "late", "orphan", "whole", "resolved"]);
  });

  it("labels dispositions", () => {
    expect(dispositionLabel("accepted-with-modification")).toBe("Accepted with modification");
  });
});
