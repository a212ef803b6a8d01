import type { Cycle, Stage, StageKind, StageState } from "@codewright/shared";

/** A cycle for tests: stages of the given kinds and states, one day each from 2027-03-01. */
export function cycleWith(stages: Array<[StageKind, StageState]>, overrides: Partial<Cycle> = {}): Cycle {
  const day = 86_400_000;
  const start = Date.parse("2027-03-01T08:00:00.000Z");
  return {
    id: "00000000-0000-4000-8000-000000000001",
    standard: "code",
    title: "Edition 2028",
    baseVersion: "1.0",
    state: "active",
    timeZone: "Europe/Paris",
    stages: stages.map(
      ([kind, state], i): Stage => ({
        id: `00000000-0000-4000-8000-00000000010${i}`,
        kind,
        state,
        opensAt: new Date(start + i * day).toISOString(),
        closesAt: new Date(start + (i + 1) * day).toISOString(),
        openedAt: state === "open" || state === "closed" ? new Date(start + i * day).toISOString() : null,
        closedAt: state === "closed" ? new Date(start + (i + 1) * day).toISOString() : null,
      }),
    ),
    currentStage: stages.find(([, state]) => state === "open" || state === "blocked")?.[0] ?? null,
    blockers: [],
    windowChanges: [],
    carriedOver: [],
    counts: { inputs: 0, inputsByAction: { accept: 0, "accept-as-modified": 0, reject: 0, none: 0 }, comments: 0, commentsWithoutDisposition: 0 },
    createdAt: "2027-02-01T00:00:00.000Z",
    endedAt: null,
    cancelReason: null,
    ...overrides,
  };
}
