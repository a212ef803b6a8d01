import type { Kysely, Transaction } from "kysely";
import type { ApiTokensTable, InvitesTable, SessionsTable, UsersTable } from "./tables/users";
import type { MembershipsTable, SectionsTable, StandardsTable } from "./tables/standards";
import type { RoomUpdatesTable, RoomsTable } from "./tables/rooms";
import type { AuditLogTable } from "./tables/audit";
import type { ReleasesTable, SigningKeysTable } from "./tables/releases";

/** Every table the application reads or writes, composed from the per-feature table types. */
export interface Database {
  users: UsersTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  invites: InvitesTable;
  standards: StandardsTable;
  memberships: MembershipsTable;
  sections: SectionsTable;
  room_updates: RoomUpdatesTable;
  rooms: RoomsTable;
  audit_log: AuditLogTable;
  releases: ReleasesTable;
  signing_keys: SigningKeysTable;
}

/** A connection or a transaction: repository functions accept either. */
export type Db = Kysely<Database> | Transaction<Database>;
