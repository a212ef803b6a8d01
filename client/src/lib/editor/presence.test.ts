import { describe, expect, it } from "vitest";
import { presentUsers } from "./presence";

describe("presentUsers", () => {
  const ada = { id: "u1", name: "Ada", color: "#d1495b", role: "editor" };
  const bob = { id: "u2", name: "Bob", color: "#00798c", role: "contributor" };

  it("lists each stamped user once, editors first, without this client", () => {
    const states = new Map<number, unknown>([
      [1, { user: { id: "me", name: "Me", color: "#000000", role: "editor" }, mode: "editing" }],
      [2, { user: bob, mode: "reading" }],
      [3, { user: ada, mode: "reading" }],
      [4, { user: ada, mode: "editing", cursor: null }],
      [5, {}],
    ]);
    expect(presentUsers(states, 1)).toEqual([
      { ...ada, editing: true },
      { ...bob, editing: false },
    ]);
  });

  it("ignores malformed states and unsafe colours", () => {
    const states = new Map<number, unknown>([
      [2, { user: "Mallory" }],
      [3, null],
      [4, { user: { id: "u3", name: "Eve", color: "red;background:url(x)" } }],
    ]);
    expect(presentUsers(states, 1)).toEqual([{ id: "u3", name: "Eve", color: "#586174", role: "reader", editing: false }]);
  });
});
