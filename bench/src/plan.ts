import type { FloodShape } from "./workloads/flood";
import type { StandardsShape } from "./workloads/standards";

/** Sizes and durations of one run. */
export interface Plan {
  hotRoomEditors: number[];
  manyRooms: number[];
  idle: { connections: number; rooms: number; settleMs: number };
  coldLoad: { ops: number; joins: number };
  storm: { clients: number; rooms: number } | null;
  standards: StandardsShape | null;
  flood: FloodShape;
  warmupMs: number;
  measureMs: number;
  probesPerHotRoom: number;
  probeRooms: number;
  /**
   * A size whose median latency exceeds this (ms) ends the ramp for that server: the server
   * (or the machine) no longer keeps up. The median, not the tail, so that a burst of
   * other work on a shared machine does not end a ramp.
   */
  saturatedP50Ms: number;
}

export const FULL_PLAN: Plan = {
  hotRoomEditors: [10, 25, 50, 100, 150, 200, 300],
  manyRooms: [50, 100, 250, 500, 1000, 2000],
  idle: { connections: 5000, rooms: 100, settleMs: 3000 },
  coldLoad: { ops: 250_000, joins: 50 },
  storm: { clients: 1000, rooms: 100 },
  standards: { sections: 2000, retitled: 100, edited: 20, readers: 50, readMs: 10_000 },
  flood: { editors: 50, chains: 100, updatesPerChain: 1000, warmupMs: 2000, measureMs: 8000 },
  warmupMs: 2000,
  measureMs: 8000,
  probesPerHotRoom: 2,
  probeRooms: 10,
  saturatedP50Ms: 500,
};

/** About 20 seconds: tiny sizes of the hot room, idle connections and cold load. */
export const QUICK_PLAN: Plan = {
  hotRoomEditors: [10],
  manyRooms: [],
  idle: { connections: 200, rooms: 10, settleMs: 500 },
  coldLoad: { ops: 20_000, joins: 10 },
  storm: null,
  standards: null,
  flood: { editors: 50, chains: 20, updatesPerChain: 1000, warmupMs: 1000, measureMs: 2000 },
  warmupMs: 1000,
  measureMs: 2000,
  probesPerHotRoom: 2,
  probeRooms: 0,
  saturatedP50Ms: 500,
};

/** What a good result looks like (from the benchmark issue). */
export const TARGETS = {
  hotRoomP99Ms: 50,
  hotRoomEditorsAtTarget: 100,
  idleKiBPerConnection: 20,
  coldFirstSyncMs: 100,
  publishMs: 2000,
  diffMs: 200,
};
