import type { ColumnType, Generated } from "kysely";

export interface AuditLogTable {
  id: Generated<string>;
  at: ColumnType<Date, never, never>;
  actor_id: string | null;
  standard_id: string | null;
  action: string;
  subject_type: string;
  subject_id: string;
  from_state: string | null;
  to_state: string | null;
  details: ColumnType<Record<string, unknown>, string | undefined, never>;
}
