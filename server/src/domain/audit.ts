import type { Db } from "../db/database";

export interface AuditEntry {
  actorId: string | null;
  standardId?: string | null;
  action: string;
  subjectType: string;
  subjectId: string;
  fromState?: string | null;
  toState?: string | null;
  details?: Record<string, unknown>;
}

/** Appends one entry to the audit log (append-only, guarded by a trigger). Call it inside the change's transaction. */
export async function recordAudit(db: Db, entry: AuditEntry): Promise<void> {
  await db
    .insertInto("audit_log")
    .values({
      actor_id: entry.actorId,
      standard_id: entry.standardId ?? null,
      action: entry.action,
      subject_type: entry.subjectType,
      subject_id: entry.subjectId,
      from_state: entry.fromState ?? null,
      to_state: entry.toState ?? null,
      details: JSON.stringify(entry.details ?? {}),
    })
    .execute();
}
