import type { Kysely } from "kysely";
import type { Database } from "../../src/db/database";
import { startTestApp, type DatabaseKind, type TestApp, type TestUser } from "../helper";

/**
 * A test app whose background queues run only when drained or woken by work queued in this
 * process, and whose digest hour is midnight UTC (so a notification made before today is due).
 */
export function startNotifyApp(kind: DatabaseKind, digestHourUtc = 0): Promise<TestApp> {
  return startTestApp(kind, { background: { pollMs: 0, digestHourUtc } });
}

type Call = (user: TestUser | null, method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE", url: string, payload?: unknown) => Promise<any>;

/** The user's inbox, every page, as `event summary` lines, newest first. */
export async function inboxLines(ok: Call, user: TestUser, query = ""): Promise<string[]> {
  return (await ok(user, "GET", `/api/me/notifications?limit=200${query}`)).notifications.map((n: { event: string; summary: string }) => `${n.event} ${n.summary}`);
}

/** The events of the user's notifications, oldest first. */
export async function eventsOf(ok: Call, user: TestUser): Promise<string[]> {
  return (await ok(user, "GET", "/api/me/notifications?limit=200")).notifications.map((n: { event: string }) => n.event).reverse();
}

/** Messages queued for a user, oldest first. */
export async function mailsTo(db: Kysely<Database>, user: { email: string }) {
  return db.selectFrom("mail_queue").selectAll().where("to_address", "=", user.email).orderBy("created_at").orderBy("id").execute();
}
