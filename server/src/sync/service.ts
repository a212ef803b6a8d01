import type { FastifyBaseLogger } from "fastify";
import type { WebSocket } from "ws";
import type { Config } from "../config";
import type { DatabaseHandle } from "../db/connect";
import type { Actor } from "../domain/auth";
import type { StatePoints } from "../domain/room-log";
import type { AccessEventMap, DomainContext } from "../domain/context";
import { notFound, unauthenticated } from "../domain/errors";
import { colorFor } from "./awareness";
import { createCluster, type AccessNotice, type Cluster } from "./cluster";
import type { Connection, Ticket } from "./connection";
import { SharedLogWriter } from "./persistence";
import { RoomRegistry } from "./registry";
import { RoomResolvers } from "./resolvers";
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
}

export interface SyncServiceOptions {
  ctx: DomainContext;
  database: DatabaseHandle;
  config: Config;
  log: FastifyBaseLogger;
}

/**
 * Live co-editing for the whole process: admits connections to rooms, keeps rooms in step with
 * other processes, closes connections whose rights changed, and lets server code write to rooms.
 */
export class SyncService {
  /** Room kinds and their rights; features add theirs with `resolvers.register`. */
  readonly resolvers = new RoomResolvers();
  readonly #statePoints: StatePoints[] = [];
  readonly #registry: RoomRegistry;
  readonly #cluster: Cluster;
  readonly #ctx: DomainContext;
  #keepAlive: NodeJS.Timeout | null = null;
  #epoch = 0;
  #closing: Promise<void> | null = null;

  readonly #onSessionEnded = (e: AccessEventMap["sessionEnded"][0]) => this.accessChanged({ kind: "sessionEnded", ...e }, true);
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
    this.#registry = new RoomRegistry({
      db: options.ctx.db,
      limits: options.config.limits,
      settings: options.config.sync,
      log: options.log,
      statePoints: async (db, room) => (await Promise.all(this.#statePoints.map((source) => source(db, room)))).flat(),
      writer: new SharedLogWriter(options.ctx.db),
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
   * Adds a source of state points: seqs at which a feature rebuilds a room's state from its log
   * (a proposal's base). Compaction never merges rows across one. Record each point with
   * `roomLastSeq` in the recording transaction.
   */
  addStatePoints(source: StatePoints): void {
    this.#statePoints.push(source);
  }

  /**
   * The checks made before a websocket upgrade completes. `actor` is null for the anonymous.
   * Throws DomainError: 404 `not_found` (no such room, or one the actor may not see), 401 when
   * signing in would help, 503 when the room cannot take the connection now.
   */
  async admit(roomName: string, actor: Actor | null): Promise<Admission> {
    const epoch = this.#epoch;
    const grant = await this.resolvers.resolve(this.#ctx.db, roomName, actor);
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

  /**
   * Writes `update` to a room as the server (a merged proposal, an editorial edit): validated,
   * stored with `authorId`, and sent to the room's clients in every process. Resolves once stored.
   * Throws DomainError: 400 `invalid_update`, 413 `document_too_large`, 503 `saving_paused`.
   */
  async applyServerUpdate(roomName: string, update: Uint8Array, authorId: string | null): Promise<void> {
    const room = await this.#registry.open(roomName);
    const release = room.reserve();
    try {
      await room.submit(update, authorId);
    } finally {
      release();
    }
  }

  /** The loaded rooms and their figures. */
  stats(): SyncStats {
    return { rooms: this.#registry.stats() };
  }

  /** One loaded room's figures; null when it is not loaded in this process. */
  roomStats(roomName: string): RoomStats | null {
    return this.#registry.get(roomName)?.stats() ?? null;
  }

  /** Closes every connection (1001), stores what is pending, stops listening. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#ctx.events.off("sessionEnded", this.#onSessionEnded);
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
