import type { ColumnType, Generated, Insertable, Selectable, Updateable } from "kysely";

export interface UsersTable {
  id: string;
  email: string;
  display_name: string;
  password_hash: string | null;
  is_admin: Generated<boolean>;
  disabled_at: Date | null;
  created_at: ColumnType<Date, never, never>;
  /** Null until the address is verified; accounts made by an admin, an invite or a provider's verified email are verified when made. */
  email_verified_at: Date | null;
  /** The organisation the user represents, shown beside their name; null for none. */
  affiliation: ColumnType<string | null, string | null | undefined, string | null>;
  /** How notifications are mailed. */
  email_notifications: ColumnType<EmailPreference, EmailPreference | undefined, EmailPreference>;
}
export type EmailPreference = "immediate" | "daily" | "off";
export type UserRow = Selectable<UsersTable>;
export type NewUserRow = Insertable<UsersTable>;
export type UserUpdate = Updateable<UsersTable>;

export interface SessionsTable {
  id_hash: string;
  user_id: string;
  created_at: ColumnType<Date, never, never>;
  expires_at: Date;
}

export interface ApiTokensTable {
  id: string;
  user_id: string;
  name: string;
  token_hash: string;
  created_at: ColumnType<Date, never, never>;
  /** Written at most once a minute, after a request the token made succeeded. */
  last_used_at: Date | null;
  revoked_at: Date | null;
  /** Null: the token never expires. */
  expires_at: Date | null;
}

export interface InvitesTable {
  id: string;
  token_hash: string;
  email: string;
  is_admin: Generated<boolean>;
  created_by: string | null;
  created_at: ColumnType<Date, never, never>;
  expires_at: Date;
  used_at: Date | null;
  used_by: string | null;
}

/** A one-time link to verify an address or reset a password. */
export interface UserTokensTable {
  id: string;
  user_id: string;
  purpose: "verify" | "reset";
  token_hash: string;
  created_at: ColumnType<Date, never, never>;
  expires_at: Date;
  used_at: Date | null;
}

export interface OidcIdentitiesTable {
  issuer: string;
  subject: string;
  user_id: string;
  created_at: ColumnType<Date, never, never>;
}

export interface OidcFlowsTable {
  state_hash: string;
  nonce: string;
  code_verifier: string;
  return_to: ColumnType<string, string | undefined, string>;
  created_at: ColumnType<Date, never, never>;
  expires_at: Date;
}
