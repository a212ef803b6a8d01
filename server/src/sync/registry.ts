import { databaseUnavailable, roomClosing, roomFull, savingPaused, serverShuttingDown, tooManyRooms } from "../domain/errors";
import { shuttingDown } from "./refusals";
import { Room, type RoomContext, type RoomStats } from "./room";

/**
 * The rooms loaded in this process. A room loads on its first admission, stays while anyone is
 * connected, and unloads a grace period after the last one leaves. Limits: rooms per process
 * (idle rooms make way first), connections per room.
 */
export class RoomRegistry {
  readonly #rooms = new Map<string, Room>();
  readonly #loading = new Map<string, Promise<Room>>();
  readonly #unloading = new Map<string, Promise<void>>();
  /** The highest seq announced for a room while it was loading. */
  readonly #announced = new Map<string, bigint>();
  #stopped = false;

  constructor(private readonly ctx: RoomContext) {}

  get(name: string): Room | undefined {
    return this.#rooms.get(name);
  }

  all(): Room[] {
    return [...this.#rooms.values()];
  }

  stats(): RoomStats[] {
    return this.all().map((r) => r.stats());
  }

  /**
   * The loaded room, loading it if needed, with a place reserved for one connection (call the
   * release once it joined or failed). Throws DomainError 503: `too_many_rooms`, `room_full`,
   * `saving_paused`, `shutting_down`, `database_unavailable`.
   */
  async admit(name: string): Promise<{ room: Room; release: () => void }> {
    const room = await this.open(name);
    if (room.occupancy >= this.ctx.limits.connectionsPerRoom) {
      throw roomFull();
    }
    return { room, release: room.reserve() };
  }

  /** The loaded, writable room. Throws like `admit`, except `room_full`. */
  async open(name: string): Promise<Room> {
    for (let attempt = 0; attempt < 3; attempt++) {
      if (this.#stopped) throw serverShuttingDown();
      await this.#unloading.get(name);
      const room = this.#rooms.get(name) ?? (await this.load(name));
      if (room.state === "paused" && !(await room.recoverNow())) {
        throw savingPaused("Saving is paused: the database cannot be written. Your changes are kept; try again shortly.");
      }
      if (room.state === "ready") return room;
    }
    throw roomClosing();
  }

  /** Tells a loaded (or loading) room that its log holds rows up to `seq`. */
  notice(name: string, seq: bigint): void {
    const room = this.#rooms.get(name);
    if (room) room.notice(seq);
    else if (this.#loading.has(name) && seq > (this.#announced.get(name) ?? 0n)) this.#announced.set(name, seq);
  }

  /** Every room reads what it may have missed (the notification channel was lost). */
  resyncAll(): void {
    for (const room of this.#rooms.values()) room.resync();
  }

  /** Closes every room (connections get 1001) after storing what is pending. */
  async closeAll(): Promise<void> {
    this.#stopped = true;
    await Promise.allSettled([...this.#loading.values()]);
    const rooms = this.all();
    this.#rooms.clear();
    await Promise.all([...rooms.map((r) => r.close(shuttingDown())), ...this.#unloading.values()]);
  }

  private load(name: string): Promise<Room> {
    let loading = this.#loading.get(name);
    if (loading) return loading;
    if (this.#rooms.size + this.#loading.size >= this.ctx.limits.roomsPerProcess && !this.evictIdle()) {
      throw tooManyRooms();
    }
    loading = Room.load(name, this.ctx, (room) => this.unload(room))
      .then(
        (room) => {
          this.#rooms.set(name, room);
          const announced = this.#announced.get(name);
          if (announced !== undefined) room.notice(announced);
          return room;
        },
        (err: unknown) => {
          this.ctx.log.error({ err, room: name }, "could not load a room");
          throw databaseUnavailable("The section could not be loaded. Try again shortly.");
        },
      )
      .finally(() => {
        this.#loading.delete(name);
        this.#announced.delete(name);
      });
    this.#loading.set(name, loading);
    return loading;
  }

  private evictIdle(): boolean {
    for (const room of this.#rooms.values()) {
      if (room.idle) {
        this.unload(room);
        return true;
      }
    }
    return false;
  }

  private unload(room: Room): void {
    if (this.#rooms.get(room.name) !== room || !room.idle) return;
    this.#rooms.delete(room.name);
    const done = room.close().finally(() => {
      if (this.#unloading.get(room.name) === done) this.#unloading.delete(room.name);
    });
    this.#unloading.set(room.name, done);
  }
}
