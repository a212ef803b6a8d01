/**
 * The time as the domain sees it. Deadlines (stage windows, ballots) are judged by it alone, so a
 * test can set it to the last second of a window and the first second after.
 */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
