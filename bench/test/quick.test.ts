import { describe, expect, it } from "vitest";
import { runBench } from "../src/run";

// The quick benchmark end to end: real server processes, the raw-protocol load generator,
// and the checks that no update is lost and every client converges.
describe("pnpm bench --quick", () => {
  it("runs clean against Codewright (PGlite) and the y-websocket server", async () => {
    const lines: string[] = [];
    const result = await runBench({ quick: true, log: (line) => lines.push(line) });
    const failures = result.failures.join("\n");
    expect(failures, `${failures}\n\n${lines.join("\n")}`).toBe("");
    for (const target of ["codewright-pglite", "y-websocket-server-0.1.1"]) {
      const hot = result.rows.find((r) => r.target === target && r.workload === "hot-room");
      expect(hot?.metrics.lostUpdates, target).toBe(0);
      expect(hot?.metrics.converged, target).toBe(true);
      expect(hot?.metrics.samples, target).toBeGreaterThan(50);
      const cold = result.rows.find((r) => r.target === target && r.workload === "cold-load");
      expect(cold?.metrics.converged, target).toBe(true);
      const idle = result.rows.find((r) => r.target === target && r.workload === "idle");
      expect(idle?.metrics.failures, target).toBe(0);
    }
    // The flooder is cut off and the editors in the other room lose nothing.
    const flood = result.rows.find((r) => r.target === "codewright-pglite" && r.workload === "flood");
    expect(flood?.error).toBeUndefined();
    expect(flood?.metrics.floodClosedTooMany).toBeGreaterThan(0);
    expect(flood?.metrics.lostUpdates).toBe(0);
    expect(flood?.metrics.converged).toBe(true);
    expect(flood?.metrics.healthErrors).toBe(0);
  }, 400_000);
});
