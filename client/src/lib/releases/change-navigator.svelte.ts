import { stepStop } from "./navigation";

/**
 * Where the reader is among the changes of a diff page. `stops` is read from the function
 * given (so it follows filters); `current` is the stop last moved to or focused.
 */
export class ChangeNavigator {
  readonly #stops: () => readonly string[];
  current: string | null = $state(null);

  readonly stops: readonly string[] = $derived.by(() => this.#stops());
  /** 1-based place of `current` among the stops; 0 before the first move. */
  readonly position: number = $derived(this.current === null ? 0 : this.stops.indexOf(this.current) + 1);

  constructor(stops: () => readonly string[]) {
    this.#stops = stops;
  }

  /**
   * Moves to the next (`1`) or previous (`-1`) stop and returns its id, or null past either
   * end (then `current` stays).
   */
  move(direction: 1 | -1): string | null {
    const next = stepStop(this.stops, this.current, direction);
    if (next !== null) this.current = next;
    return next;
  }

  /** Follows the reader to a stop they reached some other way (a click, Tab); ignores other places. */
  visit(id: string): void {
    if (this.stops.includes(id)) this.current = id;
  }
}
