import type { ContentErrorCode } from "./index";

/**
 * Every `error.code` the server answers with, over HTTP and when refusing a websocket upgrade.
 * Programs switch on these, never on the message; a code never changes meaning once shipped.
 */
export type ErrorCode =
  // 400: the request cannot be carried out as sent.
  | "invalid_request"
  | "invalid_json"
  | "invalid_target"
  | "invalid_anchor"
  | "invalid_move"
  | "invalid_parent"
  | "invalid_section"
  | "invalid_version"
  | "invalid_invite"
  | "invalid_schedule"
  | "invalid_token"
  | "webhook_url_not_allowed"
  | "oidc_failed"
  | "invalid_update"
  | "empty_comment"
  | "reason_required"
  | "response_required"
  | "not_a_member"
  | "not_a_public_comment"
  | ContentErrorCode
  // 401 and 403: who is asking, and what they may do.
  | "unauthenticated"
  | "invalid_credentials"
  | "forbidden"
  | "origin_refused"
  | "email_unverified"
  | "registration_closed"
  // 404
  | "not_found"
  // 409: the request conflicts with the state of what it names.
  | "slug_taken"
  | "email_taken"
  | "label_taken"
  | "standard_not_empty"
  | "proposal_not_draft"
  | "proposal_not_open"
  | "proposal_conflict"
  | "comment_not_open"
  | "comment_not_resolved"
  | "comment_not_disposed"
  | "version_taken"
  | "already_verified"
  | "publish_conflict"
  | "cycle_active"
  | "stage_closed"
  | "stage_requirements_unmet"
  | "ballot_not_passed"
  // Other 4xx: the shape of the request itself.
  | "body_too_large"
  | "document_too_large"
  | "uri_too_long"
  | "unsupported_media_type"
  | "upgrade_required"
  | "rate_limited"
  // 5xx: try again later, or tell an admin.
  | "internal_error"
  | "database_unavailable"
  | "server_busy"
  | "oidc_unavailable"
  | "saving_paused"
  | "room_full"
  | "too_many_rooms"
  | "room_closing"
  | "shutting_down";
