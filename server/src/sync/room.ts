import * as Y from "yjs";
import type { Kysely } from "kysely";
import type { WebSocket } from "ws";
import type { Limits, SyncSettings } from "../config";
import type { Database } from "../db/database";
import { compactRoom, readRoomState, readUpdatesSince, saveRoomSnapshot, type StatePoints, type StoredRoomState } from "../domain/room-log";
import { Presence } from "./awareness";
import type { Backlog, Budgets } from "./budget";
import type { SyncLogger } from "./log";
import { syncStep2Frame } from "./protocol";
import { Connection, type Ticket } from "./connection";
import { fanOut, type Delivery } from "./fanout";
import { SerialQueue, type LogWriter } from "./persistence";
import { isEmptyStateVector, RoomDocument } from "./room-document";
import { fallingBehind, savingPaused, serverBusy, shuttingDown, type SyncRefusal } from "./refusals";
import { carriesNews, Staging, type StageResult } from "./validation";

/**
 * Where a change to a room's document came from: the `origin` of its Yjs transaction.
 * Changes are stored before they are applied, so no origin is ever stored again; an observer of
 * the document can tell a client's edit from a row read from the log. Server writes (a merged
 * proposal, an import) are appended to the log and reach the room as log rows.
 */
export type RoomOrigin =
  | { kind: "client"; connection: Connection }
  /** Rows read from the log: at load, from other processes, or appended directly. */
  | { kind: "log" };

export type RoomState = "ready" | "paused" | "closing" | "closed";

/** What every room of a process shares. */
export interface RoomContext {
  db: Kysely<Database>;
  limits: Limits;
  settings: SyncSettings;
  log: SyncLogger;
  /** Seqs at which other features rebuild a room's state; compaction keeps them exact. */
  statePoints: StatePoints;
  /** Stores each room's batches (shared, so one statement can carry several rooms). */
  writer: LogWriter;
  /** The updates every room of the process holds unstored, against the process's bound. */
  backlog: Backlog;
  /** What each connection may send. */
  budgets: Budgets;
}

/** A room's figures, for tests and monitoring. */
export interface RoomStats {
  room: string;
  state: RoomState;
  connections: number;
  /** Updates accepted and not yet stored. */
  pending: number;
  /** The last log seq this process has applied. */
  lastSeq: string;
  /** Rows in the room's log, as far as this process knows. */
  logRows: number;
}

interface PendingUpdate {
  update: Uint8Array;
  authorId: string | null;
  origin: RoomOrigin;
  from: Connection | null;
}

const RECOVERY_FIRST_MS = 200;
const RECOVERY_MAX_MS = 5000;
/** An upgrade admitted but not yet joined holds the room this long at most. */
const RESERVATION_MS = 10_000;

/**
 * One live document: the stored state in memory, the clients connected to it in this process, and
 * the path every change takes. An accepted update is tried on the staging replica, stored with the
 * other updates of its tick in one transaction, and only then applied to `doc` and sent to clients
 * as one merged frame per receiver. When storing fails the room pauses: it drops what it had not
 * stored, closes every connection with 1013 (clients resend on reconnect) and admits nobody until
 * it can read the log again.
 */
export class Room {
  /** Exactly what the log holds up to `lastSeq`. Never written to except from the log or after a store. */
  readonly #document: RoomDocument;
  readonly presence: Presence;
  readonly connections = new Set<Connection>();
  readonly #staging: Staging;
  readonly #queue = new SerialQueue();
  #pending: PendingUpdate[] = [];
  #storing: PendingUpdate[] = [];
  /** Size of the updates accepted and not yet stored (pending and storing). */
  #pendingBytes = 0;
  #state: RoomState = "ready";
  #lastSeq: bigint;
  #logRows: number;
  /** Rows appended since the room loaded or was last compacted. */
  #rowsSinceCompaction = 0;
  #flushScheduled = false;
  #catchUpQueued = false;
  /** The highest seq other writers announced for this room. */
  #noticedSeq = 0n;
  #reservations = 0;
  #unloadTimer: NodeJS.Timeout | null = null;
  #recoveryTimer: NodeJS.Timeout | null = null;
  #recoveryDelay = RECOVERY_FIRST_MS;
  /** The whole state framed as a sync step 2, until the next change. */
  #fullStateFrame: { update: Uint8Array; frame: Uint8Array } | null = null;
  /** The seq of the latest snapshot this process knows of. */
  #snapshotSeq: bigint;
  #closed: Promise<void> | null = null;

  private constructor(
    readonly name: string,
    private readonly ctx: RoomContext,
    private readonly onIdle: (room: Room) => void,
    stored: StoredRoomState,
  ) {
    this.#document = new RoomDocument(stored, { kind: "log" } satisfies RoomOrigin);
    this.#lastSeq = stored.lastSeq;
    this.#snapshotSeq = stored.snapshot?.seq ?? 0n;
    this.#logRows = stored.logRows;
    this.#staging = new Staging(
      () => this.#document.encoded(),
      () => [...this.#storing, ...this.#pending].map((p) => p.update),
      ctx.limits.documentBytes,
    );
    this.presence = new Presence((frame) => {
      for (const c of this.connections) c.sendPresence(frame);
    }, ctx.settings.presenceIntervalMs, ctx.limits.presenceStateBytes);
  }

  /**
   * Reads the room's snapshot and the log rows after it, and builds the room. A room read from a
   * snapshot alone answers joining clients from the snapshot's bytes; its document is built when
   * first needed. Throws when the database cannot be read.
   */
  static async load(name: string, ctx: RoomContext, onIdle: (room: Room) => void): Promise<Room> {
    const stored = await readRoomState(ctx.db, name);
    const room = new Room(name, ctx, onIdle, stored);
    room.armUnload();
    // A log that grew while nobody was connected (server writes, imports) is compacted now.
    if (room.#logRows > ctx.settings.compactAfterRows) room.#rowsSinceCompaction = room.#logRows;
    room.maybeCompact();
    // Rows after the snapshot are folded into a new one, so the next load reads one row.
    if (stored.rows.length > 0) void room.#queue.run(() => room.saveSnapshot());
    return room;
  }

  get state(): RoomState {
    return this.#state;
  }

  get lastSeq(): bigint {
    return this.#lastSeq;
  }

  /** Connections plus admitted upgrades that have not joined yet. */
  get occupancy(): number {
    return this.connections.size + this.#reservations;
  }

  /** True when nothing holds the room in memory. */
  get idle(): boolean {
    return this.occupancy === 0 && this.#pending.length === 0 && this.#storing.length === 0;
  }

  stats(): RoomStats {
    return {
      room: this.name,
      state: this.#state,
      connections: this.connections.size,
      pending: this.#pending.length + this.#storing.length,
      lastSeq: this.#lastSeq.toString(),
      logRows: this.#logRows,
    };
  }

  /**
   * Keeps the room loaded for an admitted upgrade until it joins. Returns the release, which is
   * idempotent and also happens by itself after a while (an upgrade can die before it joins).
   */
  reserve(): () => void {
    this.#reservations++;
    this.cancelUnload();
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      clearTimeout(timer);
      this.#reservations--;
      this.armUnload();
    };
    const timer = setTimeout(release, RESERVATION_MS);
    timer.unref();
    return release;
  }

  /** Adds an upgraded websocket. Synchronous, so no message can arrive before its listener. */
  join(ws: WebSocket, ticket: Ticket): Connection {
    const connection = new Connection(ws, this, ticket, this.ctx.limits, this.ctx.budgets, this.ctx.log);
    if (this.#state !== "ready") {
      connection.close(this.#state === "paused" ? savingPaused() : shuttingDown());
      return connection;
    }
    this.connections.add(connection);
    this.cancelUnload();
    // The server asks first, so a client's offline edits come in without waiting for its own step 1.
    connection.sendSyncStep1(this.#document.stateVector());
    const presence = this.presence.currentFrame();
    if (presence) connection.sendPresence(presence);
    return connection;
  }

  /** Called by a connection once it is closed. */
  leave(connection: Connection): void {
    if (!this.connections.delete(connection)) return;
    this.presence.leave(connection);
    this.armUnload();
  }

  /**
   * The sync step 2 frame holding what a client lacks, given its state vector: stored content only.
   * Clients that hold nothing share one frame until the next change.
   */
  syncStep2For(stateVector: Uint8Array): Uint8Array {
    if (!isEmptyStateVector(stateVector)) return syncStep2Frame(this.#document.diffFor(stateVector));
    const update = this.#document.encoded();
    if (this.#fullStateFrame?.update !== update) this.#fullStateFrame = { update, frame: syncStep2Frame(update) };
    return this.#fullStateFrame.frame;
  }

  /** The state vector of stored and accepted content, to ask a client for what is missing. */
  acceptedStateVector(): Uint8Array {
    return this.#staging.stateVector();
  }

  /** True when `update` holds anything the stored document lacks. Throws SyncRefusal `malformed_message`. */
  carriesNews(update: Uint8Array): boolean {
    return carriesNews(() => this.#document.snapshot(), update);
  }

  /**
   * Accepts a client's update: validated on the staging replica, then queued for this tick's store.
   * Throws SyncRefusal (malformed, too large, saving paused, server busy).
   */
  receive(connection: Connection, update: Uint8Array): StageResult["kind"] {
    this.assertAccepting();
    // When the database falls behind, senders are asked to come back later rather than letting
    // unstored updates pile up in memory; nothing of theirs was acknowledged.
    if (this.#pendingBytes > 0 && this.#pendingBytes + update.length > this.ctx.limits.documentBytes) throw fallingBehind();
    // Checked before staging, the costly part: a full queue takes no more work.
    const queued = this.#pending.length + this.#storing.length;
    if (queued >= this.ctx.limits.queuedUpdatesPerRoom || !this.ctx.backlog.fits(update.length)) throw serverBusy();
    const result = this.#staging.stage(update);
    if (result.kind === "accepted") {
      this.enqueue({ update: result.update, authorId: connection.ticket.userId, origin: { kind: "client", connection }, from: connection });
    }
    return result.kind;
  }

  /** Hears that the log holds rows up to `seq` (from any process); reads them unless already applied. */
  notice(seq: bigint): void {
    if (seq > this.#noticedSeq) this.#noticedSeq = seq;
    if (seq <= this.#lastSeq || this.#catchUpQueued || this.#state !== "ready") return;
    this.#catchUpQueued = true;
    void this.#queue.run(async () => {
      this.#catchUpQueued = false;
      // The highest seq heard of, not this notice's: notices that came while this one waited were
      // not queued, and a store that ran first may have moved `lastSeq` past this one's seq alone.
      if (this.#noticedSeq <= this.#lastSeq || this.#state !== "ready") return;
      try {
        await this.readNew();
      } catch (err) {
        this.ctx.log.warn({ err, room: this.name }, "could not read new log rows; retrying");
        setTimeout(() => this.notice(this.#noticedSeq), RECOVERY_MAX_MS).unref();
      }
    });
  }

  /** Reads whatever the log holds beyond what the room has applied (after a lost notification channel). */
  resync(): void {
    this.notice(this.#lastSeq + 1n);
  }

  /** For a paused room: tries to read the log now; true when the room accepts updates again. */
  async recoverNow(): Promise<boolean> {
    await this.#queue.run(() => this.recover());
    return this.#state === "ready";
  }

  /**
   * Closes every connection with `refusal`, stores what is pending, and frees the room.
   * Idempotent; resolves when done.
   */
  close(refusal: SyncRefusal = shuttingDown()): Promise<void> {
    this.#closed ??= this.shutDown(refusal);
    return this.#closed;
  }

  private async shutDown(refusal: SyncRefusal): Promise<void> {
    if (this.#state !== "paused") this.#state = "closing";
    this.cancelUnload();
    if (this.#recoveryTimer) clearTimeout(this.#recoveryTimer);
    for (const c of [...this.connections]) c.close(refusal);
    await this.#queue.run(() => this.flush());
    await this.#queue.drained();
    if (this.#state === "closing") await this.saveSnapshot();
    this.#state = "closed";
    this.presence.destroy();
    this.#staging.destroy();
    this.#document.destroy();
  }

  private assertAccepting(): void {
    if (this.#state === "paused") throw savingPaused();
    if (this.#state !== "ready") throw shuttingDown();
  }

  private enqueue(p: PendingUpdate): void {
    this.#pending.push(p);
    this.#pendingBytes += p.update.length;
    this.ctx.backlog.add(p.update.length);
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    // One tick's worth of updates (or flushDelayMs' worth) is stored together; while a store is
    // running the next batch keeps growing, so a busy room costs one round trip per batch, not
    // per keystroke.
    const run = () => {
      void this.#queue.run(async () => {
        this.#flushScheduled = false;
        await this.flush();
      });
    };
    if (this.ctx.settings.flushDelayMs > 0) setTimeout(run, this.ctx.settings.flushDelayMs);
    else setImmediate(run);
  }

  private async flush(): Promise<void> {
    if (this.#pending.length === 0 || (this.#state !== "ready" && this.#state !== "closing")) return;
    const batch = this.#pending;
    this.#pending = [];
    this.#storing = batch;
    let stored;
    try {
      stored = await this.ctx.writer.store(this.name, this.#lastSeq, batch);
    } catch (err) {
      this.#storing = [];
      this.pause(err, batch);
      return;
    }
    this.#storing = [];
    this.release(batch);
    const deliveries: Delivery<Connection>[] = [];
    for (const row of stored.earlier) {
      this.#document.apply(row.data, { kind: "log" } satisfies RoomOrigin);
      this.#staging.absorb(row.data);
      deliveries.push({ update: row.data, from: null });
    }
    for (const p of batch) {
      this.#document.apply(p.update, p.origin);
      deliveries.push({ update: p.update, from: p.from });
    }
    this.#lastSeq = stored.lastSeq;
    this.#fullStateFrame = null;
    this.#logRows += stored.rows + stored.earlier.length;
    this.#rowsSinceCompaction += stored.rows + stored.earlier.length;
    fanOut(this.connections, deliveries, (c, frame) => c.send(frame));
    this.armUnload();
    this.maybeCompact();
  }

  private pause(err: unknown, batch: PendingUpdate[]): void {
    this.ctx.log.error({ err, room: this.name }, "could not store updates; saving paused");
    const dropped = [...batch, ...this.#pending];
    this.#pending = [];
    this.release(dropped);
    if (this.#state === "ready") this.#state = "paused";
    // Nothing dropped here was acknowledged: it was neither applied nor sent. The clients still
    // hold it and send it again when they reconnect.
    this.#staging.reset();
    for (const c of [...this.connections]) c.close(savingPaused());
    if (this.#state === "paused") this.scheduleRecovery();
  }

  /** Counts updates as no longer waiting: stored, or dropped. */
  private release(updates: PendingUpdate[]): void {
    let bytes = 0;
    for (const p of updates) bytes += p.update.length;
    this.#pendingBytes -= bytes;
    this.ctx.backlog.remove(updates.length, bytes);
  }

  private scheduleRecovery(): void {
    if (this.#recoveryTimer) return;
    this.#recoveryTimer = setTimeout(() => {
      this.#recoveryTimer = null;
      void this.#queue.run(() => this.recover());
    }, this.#recoveryDelay);
    this.#recoveryTimer.unref();
    this.#recoveryDelay = Math.min(this.#recoveryDelay * 2, RECOVERY_MAX_MS);
  }

  /**
   * Leaves the paused state once the log can be read again. Reading first matters: if the failed
   * transaction did commit after all, its rows come back now, so a client's resend is recognised
   * as nothing new and not stored twice.
   */
  private async recover(): Promise<void> {
    if (this.#state !== "paused") return;
    try {
      await this.readNew();
    } catch {
      this.scheduleRecovery();
      return;
    }
    if (this.#recoveryTimer) clearTimeout(this.#recoveryTimer);
    this.#recoveryTimer = null;
    this.#recoveryDelay = RECOVERY_FIRST_MS;
    this.#state = "ready";
    this.ctx.log.info({ room: this.name }, "saving resumed");
  }

  private async readNew(): Promise<void> {
    const rows = await readUpdatesSince(this.ctx.db, this.name, this.#lastSeq);
    if (rows.length === 0) return;
    const merged = rows.length === 1 ? rows[0]!.data : Y.mergeUpdates(rows.map((r) => r.data));
    this.#document.apply(merged, { kind: "log" } satisfies RoomOrigin);
    this.#staging.absorb(merged);
    this.#lastSeq = rows[rows.length - 1]!.seq;
    this.#fullStateFrame = null;
    this.#logRows += rows.length;
    this.#rowsSinceCompaction += rows.length;
    fanOut(this.connections, [{ update: merged, from: null }], (c, frame) => c.send(frame));
  }

  /** Queues a compaction once enough rows have been added since the last one. */
  private maybeCompact(): void {
    if (this.#rowsSinceCompaction <= this.ctx.settings.compactAfterRows || this.#state !== "ready") return;
    this.#rowsSinceCompaction = 0;
    void this.#queue.run(async () => {
      try {
        const result = await compactRoom(this.ctx.db, this.name, { statePoints: this.ctx.statePoints, settleMs: this.ctx.settings.compactSettleMs });
        this.#logRows = result.rowsAfter;
      } catch (err) {
        this.ctx.log.warn({ err, room: this.name }, "could not compact the room's log");
      }
      await this.saveSnapshot();
    });
  }

  /**
   * Records the room's state as its snapshot, unless the latest one already holds it. Runs in the
   * room's queue (or once it is drained), where the document holds exactly the rows up to `lastSeq`.
   * A failure only means the next load reads more rows.
   */
  private async saveSnapshot(): Promise<void> {
    if (this.#lastSeq <= this.#snapshotSeq || (this.#state !== "ready" && this.#state !== "closing")) return;
    const snapshot = this.#document.snapshotAt(this.#lastSeq);
    try {
      await saveRoomSnapshot(this.ctx.db, this.name, snapshot);
      this.#snapshotSeq = snapshot.seq;
    } catch (err) {
      this.ctx.log.warn({ err, room: this.name }, "could not save the room's snapshot");
    }
  }

  private armUnload(): void {
    if (!this.idle || this.#state === "closing" || this.#state === "closed") return;
    this.cancelUnload();
    this.#unloadTimer = setTimeout(() => {
      this.#unloadTimer = null;
      if (this.idle) this.onIdle(this);
    }, this.ctx.settings.unloadGraceMs);
    this.#unloadTimer.unref();
  }

  private cancelUnload(): void {
    if (this.#unloadTimer) clearTimeout(this.#unloadTimer);
    this.#unloadTimer = null;
  }
}
