import type { Kysely, Transaction } from "kysely";
import type { ApiTokensTable, InvitesTable, OidcFlowsTable, OidcIdentitiesTable, SessionsTable, UserTokensTable, UsersTable } from "./tables/users";
import type { DeadlinesTable, DigestRunsTable, EventOutboxTable, MailQueueTable, NotificationsTable, ServerSecretsTable, WatchesTable, WebhookDeliveriesTable, WebhooksTable } from "./tables/participation";
import type { MembershipsTable, SectionsTable, StandardsTable } from "./tables/standards";
import type { RoomSnapshotsTable, RoomUpdatesTable, RoomsTable } from "./tables/rooms";
import type { AuditLogTable } from "./tables/audit";
import type { ReleaseChangesTable, ReleasesTable, SigningKeysTable } from "./tables/releases";
import type {
  ProposalBasesTable,
  ProposalCoAuthorsTable,
  ProposalDecisionsTable,
  ProposalRoomsTable,
  ProposalsTable,
  ProposalVotesTable,
} from "./tables/proposals";
import type { CommentRepliesTable, CommentThreadsTable } from "./tables/comments";
import type { BallotRosterTable, BallotRoundsTable, BallotVotesTable, CommitteeActionsTable, CycleReportsTable, CycleStagesTable, CyclesTable } from "./tables/cycles";

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
  room_snapshots: RoomSnapshotsTable;
  audit_log: AuditLogTable;
  releases: ReleasesTable;
  release_changes: ReleaseChangesTable;
  signing_keys: SigningKeysTable;
  proposals: ProposalsTable;
  proposal_bases: ProposalBasesTable;
  proposal_rooms: ProposalRoomsTable;
  proposal_co_authors: ProposalCoAuthorsTable;
  proposal_votes: ProposalVotesTable;
  proposal_decisions: ProposalDecisionsTable;
  comment_threads: CommentThreadsTable;
  comment_replies: CommentRepliesTable;
  user_tokens: UserTokensTable;
  oidc_identities: OidcIdentitiesTable;
  oidc_flows: OidcFlowsTable;
  mail_queue: MailQueueTable;
  watches: WatchesTable;
  event_outbox: EventOutboxTable;
  notifications: NotificationsTable;
  digest_runs: DigestRunsTable;
  deadlines: DeadlinesTable;
  webhooks: WebhooksTable;
  webhook_deliveries: WebhookDeliveriesTable;
  server_secrets: ServerSecretsTable;
  cycles: CyclesTable;
  cycle_stages: CycleStagesTable;
  committee_actions: CommitteeActionsTable;
  ballot_rounds: BallotRoundsTable;
  ballot_roster: BallotRosterTable;
  ballot_votes: BallotVotesTable;
  cycle_reports: CycleReportsTable;
}

/** A connection or a transaction: repository functions accept either. */
export type Db = Kysely<Database> | Transaction<Database>;
