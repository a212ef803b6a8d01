import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import type { Db } from "../../db/database";
import type { DeadlinesTable, WatchKind } from "../../db/tables/participation";
import type { StandardRow } from "../../db/tables/standards";
import type { DomainContext } from "../context";
import { announceDelivered, deliver, mergeDelivered, type Delivered } from "./deliver";
import { pagePaths } from "./links";
import { standardById, watchersOf } from "./readers";

/**
 * Dates by which something closes (a comment period, a ballot), and the reminder sent 48 hours
 * before: once, to the standard's watchers and members (and the watchers of what closes), among
 * those who may read it then.
 */

export const REMIND_BEFORE_MS = 48 * 3600 * 1000;

export interface NewDeadline {
  standardId: string;
  kind: DeadlinesTable["kind"];
  /** What closes, e.g. `{ type: "proposal", id }` or `{ type: "release", id: version }`; one deadline per kind and subject. */
  subjectType: string;
  subjectId: string;
  /** What people call it, e.g. "The ballot on “Rotate keys”". */
  title: string;
  closesAt: Date;
}

/**
 * Schedules a deadline, or moves it: scheduling the same kind and subject again changes its
 * title and time, and a moved deadline is reminded of again. Call in the transaction of the
 * change that opens it. Returns its id.
 */
export async function scheduleDeadline(db: Db, input: NewDeadline): Promise<string> {
  const row = await db
    .insertInto("deadlines")
    .values({
      id: randomUUID(),
      standard_id: input.standardId,
      kind: input.kind,
      subject_type: input.subjectType,
      subject_id: input.subjectId,
      title: input.title,
      closes_at: input.closesAt,
      reminded_at: null,
    })
    .onConflict((oc) =>
      oc.columns(["kind", "subject_type", "subject_id"]).doUpdateSet({
        standard_id: input.standardId,
        title: input.title,
        closes_at: input.closesAt,
        reminded_at: sql<Date | null>`case when deadlines.closes_at = excluded.closes_at then deadlines.reminded_at end`,
      }),
    )
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Removes a deadline (what it closed ended another way); nothing to remind of any more. */
export async function cancelDeadline(db: Db, input: Pick<NewDeadline, "kind" | "subjectType" | "subjectId">): Promise<void> {
  await db.deleteFrom("deadlines").where("kind", "=", input.kind).where("subject_type", "=", input.subjectType).where("subject_id", "=", input.subjectId).execute();
}

const WATCHABLE: readonly string[] = ["standard", "section", "proposal", "thread"] satisfies WatchKind[];

/** Where a deadline's reminder leads: the page of what closes. */
async function linkOf(db: Db, standard: StandardRow, subjectType: string, subjectId: string): Promise<string> {
  if (subjectType === "proposal") return pagePaths.proposal(subjectId);
  if (subjectType === "release") return pagePaths.release(standard.slug, subjectId);
  if (subjectType === "section") return pagePaths.section(standard.slug, subjectId);
  if (subjectType === "thread") {
    const thread = await db.selectFrom("comment_threads").selectAll().where("id", "=", subjectId).executeTakeFirst();
    if (thread) return pagePaths.thread(standard.slug, thread);
  }
  return pagePaths.standard(standard.slug);
}

function when(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/**
 * Reminds of the deadlines closing within 48 hours that were not reminded of yet, up to `batch`,
 * each once (rows another process is reminding of are skipped). A deadline that already closed
 * unreminded (the server was down) is only marked: a reminder after the fact helps nobody.
 * Returns how many deadlines it handled.
 */
export async function remindDeadlines(ctx: DomainContext, batch = 50, now = new Date()): Promise<number> {
  const { handled, delivered } = await ctx.db.transaction().execute(async (trx) => {
    const rows = await trx
      .selectFrom("deadlines")
      .selectAll()
      .where("reminded_at", "is", null)
      .where("closes_at", "<=", new Date(now.getTime() + REMIND_BEFORE_MS))
      .orderBy("closes_at")
      .limit(batch)
      .forUpdate()
      .skipLocked()
      .execute();
    const done: Delivered[] = [];
    for (const row of rows) {
      const standard = await standardById(trx, row.standard_id);
      if (standard && row.closes_at.getTime() > now.getTime()) {
        const members = (await trx.selectFrom("memberships").select("user_id").where("standard_id", "=", standard.id).execute()).map((m) => m.user_id);
        const recipients = [
          ...members,
          ...(await watchersOf(trx, "standard", [standard.id])),
          ...(WATCHABLE.includes(row.subject_type) && row.subject_type !== "standard" ? await watchersOf(trx, row.subject_type as WatchKind, [row.subject_id]) : []),
        ];
        done.push(
          await deliver(trx, ctx.publicUrl, recipients, {
            event: "deadline.approaching",
            standard,
            actorId: null,
            summary: `${row.title} closes on ${when(row.closes_at)}`,
            link: await linkOf(trx, standard, row.subject_type, row.subject_id),
            subject: { kind: row.subject_type, id: row.subject_id },
          }),
        );
      }
      await trx.updateTable("deadlines").set({ reminded_at: now }).where("id", "=", row.id).execute();
    }
    return { handled: rows.length, delivered: mergeDelivered(done) };
  });
  announceDelivered(ctx, delivered);
  return handled;
}
