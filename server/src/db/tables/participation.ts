import type { ColumnType, Generated } from "kysely";

type Json<T> = ColumnType<T, string, string>;

/** Mail waiting to be sent, and what became of it. */
export interface MailQueueTable {
  id: string;
  /** The RFC 5322 Message-ID, without angle brackets: the same on every attempt, so a receiver can drop a duplicate. */
  message_id: string;
  /** What the message is (`verify`, `reset`, `notification`, `digest`…), for logs and tests. */
  kind: string;
  to_address: string;
  user_id: string | null;
  subject: string;
  text_body: string;
  html_body: string;
  /** Extra headers, e.g. List-Unsubscribe. */
  headers: Json<Record<string, string>>;
  created_at: ColumnType<Date, never, never>;
  next_attempt_at: ColumnType<Date, Date | undefined, Date>;
  locked_until: Date | null;
  attempts: ColumnType<number, number | undefined, number>;
  last_error: string | null;
  sent_at: Date | null;
  failed_at: Date | null;
}

export type WatchKind = "standard" | "section" | "proposal" | "thread";

export interface WatchesTable {
  user_id: string;
  kind: WatchKind;
  target_id: string;
  created_at: ColumnType<Date, never, never>;
}

/** An event waiting to be dispatched to notifications and webhooks; written in the change's transaction. */
export interface EventOutboxTable {
  id: Generated<string>;
  event: string;
  standard_id: string;
  actor_id: string | null;
  payload: Json<Record<string, unknown>>;
  created_at: ColumnType<Date, never, never>;
}

export interface NotificationsTable {
  id: Generated<string>;
  user_id: string;
  event: string;
  standard_id: string;
  actor_id: string | null;
  payload: Json<Record<string, unknown>>;
  created_at: ColumnType<Date, never, never>;
  read_at: Date | null;
  mailed_at: Date | null;
}

export interface DigestRunsTable {
  user_id: string;
  last_sent_at: Date;
}

export interface DeadlinesTable {
  id: string;
  standard_id: string;
  kind: "comment-period" | "ballot";
  subject_type: string;
  subject_id: string;
  title: string;
  closes_at: Date;
  reminded_at: Date | null;
}

export interface WebhooksTable {
  id: string;
  standard_id: string;
  url: string;
  events: string[];
  secret: string;
  created_by: string | null;
  created_at: ColumnType<Date, never, never>;
}

export interface WebhookDeliveriesTable {
  id: string;
  webhook_id: string;
  event: string;
  payload: Json<Record<string, unknown>>;
  status: ColumnType<"pending" | "delivered" | "failed", "pending" | "delivered" | "failed" | undefined, "pending" | "delivered" | "failed">;
  attempts: ColumnType<number, number | undefined, number>;
  last_status_code: number | null;
  last_error: string | null;
  created_at: ColumnType<Date, never, never>;
  next_attempt_at: ColumnType<Date, Date | undefined, Date>;
  locked_until: Date | null;
  delivered_at: Date | null;
}

/** A key the server made for itself, shared by every process. */
export interface ServerSecretsTable {
  name: string;
  value: string;
  created_at: ColumnType<Date, never, never>;
}
