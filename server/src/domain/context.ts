import { EventEmitter } from "node:events";
import type { Kysely } from "kysely";
import type { Database } from "../db/database";
import type { OutlineCache } from "./outline-cache";
import type { PasswordChecks } from "./passwords";
import type { Clock } from "./clock";
import type { CycleEffects } from "./cycles/settle";

/** Changes to who may do what; the sync layer closes affected connections when it hears one. */
export interface AccessEventMap {
  /** A session ended (logout or expiry). */
  sessionEnded: [{ userId: string; sessionHash: string }];
  /** An API token was revoked (by its owner, or with a new password). */
  tokenRevoked: [{ userId: string; tokenHash: string }];
  /** Every right of the user changed: disabled, or all sessions revoked. */
  userChanged: [{ userId: string }];
  /** A user's membership in a standard was set or removed. */
  membershipChanged: [{ standardId: string; userId: string }];
  /** Who may read the standard changed (it became members-only or public): every right in it is re-checked. */
  visibilityChanged: [{ standardId: string }];
  /** Sections were deleted: their rooms no longer exist. */
  roomsRemoved: [{ standardId: string; rooms: string[] }];
  /** Something that may concern activity feeds was recorded (after its commit): live feeds look again. */
  activity: [{ standardId: string }];
  /** Notifications of these users were made or marked read (after the commit): live unread counts look again. */
  notificationsChanged: [{ userIds: readonly string[] }];
  /** Work was queued in the database (after its commit): this process's worker of that queue looks now. */
  queued: [{ queue: QueueName }];
}

/** The database queues worked in the background. */
export type QueueName = "events" | "mail" | "webhooks";

export class AccessEvents extends EventEmitter<AccessEventMap> {}

/** What a domain operation needs beyond its arguments: the database, the access event bus, the process's caches and bounds. */
export interface DomainContext {
  db: Kysely<Database>;
  events: AccessEvents;
  /** Numbered outlines for reads; writes number from the rows they changed. */
  outlines: OutlineCache;
  /** Every password hash and check of a request goes through it, so their number at once is bounded. */
  passwords: PasswordChecks;
  /** The address people use (`PUBLIC_URL`, no trailing slash): links in mail, feeds and webhooks start with it. */
  publicUrl: string;
  /** The time deadlines are judged by; tests set it. */
  clock: Clock;
  /** What opening and closing each kind of cycle stage does (publishing a first draft, opening a ballot round). */
  cycleEffects: CycleEffects;
}
