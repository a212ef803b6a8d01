import type { WebSocket } from "ws";
import type { Config } from "../config";
import type { DatabaseHandle } from "../db/connect";
import type { Actor } from "../domain/auth";
import type { AccessEventMap, DomainContext } from "../domain/context";
import { notFound, unauthenticated } from "../domain/errors";
import type { RoomResolvers, StatePointSources } from "../domain/room-grants";
import { colorFor } from "./awareness";
import { Backlog, Budgets } from "./budget";
import { createCluster, type AccessNotice, type Cluster } from "./cluster";
import type { Connection, Ticket } from "./connection";
import type { SyncLogger } from "./log";
import { SharedLogWriter } from "./persistence";
import { RoomRegistry } from "./registry";
import { resolveRoom } from "./resolvers";
import { accessChanged, sessionEnded } from "./refusals";
import type { Room, RoomStats } from "./room";

/** Rooms named in one cross-process notice of removed rooms. */
const ROOMS_PER_NOTICE = 100;

/** An upgrade that passed every check: the room it may join and what it may do there. */
export interface Admission {
  room: Room;
  ticket: Ticket;
  /** Frees the place reserved in the room; joining does it too. */
  release: () => void;
  /** The access epoch when the checks began; a change since then makes the joiner reconnect. */
  epoch: number;
}

export interface SyncStats {
  rooms: RoomStats[];
  /** Updates accepted in every room and not yet stored. */
  queued: { updates: number; bytes: number };
}

export interface SyncServiceOptions {
  ctx: DomainContext;
  database: DatabaseHandle;
  config: Config;
  log: SyncLogger;
  /** Every room kind and who may do what in its rooms. */
  rooms: RoomResolvers;
  /** Every source of seqs that compaction must keep exact. */
  statePoints: StatePointSources;
}

/**
 * Live co-editing for the whole process: admits connections to rooms, keeps rooms in step with
 * other processes, and closes connections whose rights changed. Server writes (merges, imports)
 * go to the log; rooms hear of them like of any other process's rows.
 */
export class SyncService {
  readonly #rooms: RoomResolvers;
  readonly #registry: RoomRegistry;
  readonly #cluster: Cluster;
  readonly #backlog: Backlog;
  readonly #ctx: DomainContext;
  #keepAlive: NodeJS.Timeout | null = null;
  #epoch = 0;
  #closing: Promise<void> | null = null;

  readonly #onSessionEnded = (e: AccessEventMap["sessionEnded"][0]) => this.accessChanged({ kind: "sessionEnded", ...e }, true);
  readonly #onTokenRevoked = (e: AccessEventMap["tokenRevoked"][0]) => this.accessChanged({ kind: "tokenRevoked", ...e }, true);
  readonly #onUserChanged = (e: AccessEventMap["userChanged"][0]) => this.accessChanged({ kind: "userChanged", ...e }, true);
  readonly #onMembershipChanged = (e: AccessEventMap["membershipChanged"][0]) => this.accessChanged({ kind: "membershipChanged", ...e }, true);
  readonly #onVisibilityChanged = (e: AccessEventMap["visibilityChanged"][0]) => this.accessChanged({ kind: "visibilityChanged", ...e }, true);
  readonly #onRoomsRemoved = (e: AccessEventMap["roomsRemoved"][0]) => {
    // A notification's payload is limited (8,000 bytes on PostgreSQL): a large subtree goes in parts.
    for (let i = 0; i < e.rooms.length; i += ROOMS_PER_NOTICE) {
      this.accessChanged({ kind: "roomsRemoved", standardId: e.standardId, rooms: e.rooms.slice(i, i + ROOMS_PER_NOTICE) }, true);
    }
  };

  constructor(private readonly options: SyncServiceOptions) {
    this.#ctx = options.ctx;
    this.#rooms = options.rooms;
    const statePoints = Object.values(options.statePoints);
    this.#backlog = new Backlog(options.config.limits);
    this.#registry = new RoomRegistry({
      db: options.ctx.db,
      limits: options.config.limits,
      settings: options.config.sync,
      log: options.log,
      statePoints: async (db, room) => (await Promise.all(statePoints.map((source) => source(db, room)))).flat(),
      writer: new SharedLogWriter(options.ctx.db),
      backlog: this.#backlog,
      budgets: new Budgets(options.config.limits),
    });
    this.#cluster = createCluster(
      options.database,
      {
        roomLog: (n) => this.#registry.notice(n.room, n.seq),
        access: (n) => this.accessChanged(n, false),
        resync: () => this.#registry.resyncAll(),
      },
      options.log,
    );
  }

  /** Starts listening to other processes and to access events. */
  async start(): Promise<void> {
    await this.#cluster.start();
    this.#ctx.events.on("sessionEnded", this.#onSessionEnded);
    this.#ctx.events.on("tokenRevoked", this.#onTokenRevoked);
    this.#ctx.events.on("userChanged", this.#onUserChanged);
    this.#ctx.events.on("membershipChanged", this.#onMembershipChanged);
    this.#ctx.events.on("visibilityChanged", this.#onVisibilityChanged);
    this.#ctx.events.on("roomsRemoved", this.#onRoomsRemoved);
    this.#keepAlive = setInterval(() => {
      for (const room of this.#registry.all()) for (const c of [...room.connections]) c.ping();
    }, this.options.config.sync.keepAliveMs);
    this.#keepAlive.unref();
  }

  /**
   * The checks made before a websocket upgrade completes. `actor` is null for the anonymous.
   * Throws DomainError: 404 `not_found` (no such room, or one the actor may not see), 401 when
   * signing in would help, 503 when the room cannot take the connection now.
   */
  async admit(roomName: string, actor: Actor | null): Promise<Admission> {
    const epoch = this.#epoch;
    const grant = await resolveRoom(this.#rooms, this.#ctx.db, roomName, actor);
    if (!grant) throw notFound("room");
    if (!grant.rights.read) {
      if (!actor) throw unauthenticated("Sign in to open this section.");
      throw notFound("room");
    }
    const { room, release } = await this.#registry.admit(roomName);
    const ticket: Ticket = {
      userId: actor?.user.id ?? null,
      credentialHash: actor?.credentialHash ?? null,
      via: actor?.via ?? "anonymous",
      standardId: grant.standardId,
      rights: grant.rights,
      identity: actor ? { id: actor.user.id, name: actor.user.display_name, color: colorFor(actor.user.id), role: grant.role } : null,
    };
    return { room, ticket, release, epoch };
  }

  /** Adds an upgraded websocket to its room. Synchronous: the message listener is attached at once. */
  join(ws: WebSocket, admission: Admission): Connection {
    try {
      const connection = admission.room.join(ws, admission.ticket);
      if (admission.epoch !== this.#epoch) connection.close(accessChanged());
      return connection;
    } finally {
      admission.release();
    }
  }

  /** The loaded rooms and their figures. */
  stats(): SyncStats {
    return { rooms: this.#registry.stats(), queued: { updates: this.#backlog.updates, bytes: this.#backlog.bytes } };
  }

  /** One loaded room's figures; null when it is not loaded in this process. */
  roomStats(roomName: string): RoomStats | null {
    return this.#registry.get(roomName)?.stats() ?? null;
  }

  /** Closes every connection (1001), stores what is pending, stops listening. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#ctx.events.off("sessionEnded", this.#onSessionEnded);
      this.#ctx.events.off("tokenRevoked", this.#onTokenRevoked);
      this.#ctx.events.off("userChanged", this.#onUserChanged);
      this.#ctx.events.off("membershipChanged", this.#onMembershipChanged);
      this.#ctx.events.off("visibilityChanged", this.#onVisibilityChanged);
      this.#ctx.events.off("roomsRemoved", this.#onRoomsRemoved);
      if (this.#keepAlive) clearInterval(this.#keepAlive);
      await this.#registry.closeAll();
      await this.#cluster.close();
    })();
    return this.#closing;
  }

  private accessChanged(notice: AccessNotice, local: boolean): void {
    this.#epoch++;
    const removed = notice.kind === "roomsRemoved" ? new Set(notice.rooms) : null;
    const affected = (room: string, t: Ticket) => {
      switch (notice.kind) {
        case "sessionEnded":
          return t.via === "session" && t.credentialHash === notice.sessionHash;
        case "tokenRevoked":
          return t.via === "token" && t.credentialHash === notice.tokenHash;
        case "userChanged":
          return t.userId === notice.userId;
        case "membershipChanged":
          return t.userId === notice.userId && t.standardId === notice.standardId;
        case "visibilityChanged":
          return t.standardId === notice.standardId;
        case "roomsRemoved":
          return removed!.has(room);
      }
    };
    for (const room of this.#registry.all()) {
      for (const c of [...room.connections]) {
        if (affected(room.name, c.ticket)) c.close(notice.kind === "sessionEnded" ? sessionEnded() : accessChanged());
      }
    }
    if (local) void this.#cluster.publishAccess(notice);
  }
}
