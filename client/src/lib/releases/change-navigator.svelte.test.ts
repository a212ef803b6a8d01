import { describe, expect, it } from "vitest";
import { ChangeNavigator } from "./change-navigator.svelte";

describe("ChangeNavigator", () => {
  it("walks the stops it is given and follows the reader's own moves", () => {
    let stops = $state(["a", "b", "c"]);
    const cleanup = $effect.root(() => {
      const navigator = new ChangeNavigator(() => stops);
      expect(navigator.position).toBe(0);
      expect(navigator.move(1)).toBe("a");
      expect(navigator.move(1)).toBe("b");
      expect(navigator.position).toBe(2);
      navigator.visit("c");
      expect(navigator.move(1)).toBeNull();
      expect(navigator.current).toBe("c");
      navigator.visit("not a stop");
      expect(navigator.current).toBe("c");
      stops = ["c", "d"];
      expect(navigator.position).toBe(1);
    });
    cleanup();
  });
});
