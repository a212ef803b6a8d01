import { Type, type Static } from "typebox";
import { Email, Title, Uuid } from "./common";

export const User = Type.Object({
  id: Uuid,
  email: Type.String(),
  displayName: Type.String(),
  isAdmin: Type.Boolean(),
  disabled: Type.Boolean(),
  /** False until the address is verified: such a user may sign in and read, not write. */
  emailVerified: Type.Boolean(),
  /** The organisation the user represents; null for none. */
  affiliation: Type.Union([Type.String(), Type.Null()]),
});
export type User = Static<typeof User>;

export const Password = Type.String({ minLength: 12, maxLength: 256 });

export const LoginBody = Type.Object({ email: Type.String({ maxLength: 254 }), password: Type.String({ maxLength: 256 }) });
export type LoginBody = Static<typeof LoginBody>;
export const UserResponse = Type.Object({ user: User });
export type UserResponse = Static<typeof UserResponse>;

export const MembershipRole = Type.Union([Type.Literal("contributor"), Type.Literal("editor")]);
export type MembershipRole = Static<typeof MembershipRole>;

export const Membership = Type.Object({
  standard: Type.String(),
  userId: Uuid,
  role: MembershipRole,
  voting: Type.Boolean(),
  /** One of the standard's `interestCategories`, for the balance of a ballot's roster; null for none. */
  interestCategory: Type.Union([Type.String(), Type.Null()]),
});
export type Membership = Static<typeof Membership>;

export const MeResponse = Type.Object({
  user: User,
  memberships: Type.Array(Membership),
});
export type MeResponse = Static<typeof MeResponse>;

export const CreateUserBody = Type.Object({
  email: Email,
  displayName: Title,
  password: Type.Optional(Type.String({ minLength: 12, maxLength: 256 })),
  isAdmin: Type.Optional(Type.Boolean()),
});
export type CreateUserBody = Static<typeof CreateUserBody>;

export const UpdateUserBody = Type.Object({
  displayName: Type.Optional(Title),
  disabled: Type.Optional(Type.Boolean()),
  isAdmin: Type.Optional(Type.Boolean()),
  password: Type.Optional(Type.String({ minLength: 12, maxLength: 256 })),
});
export type UpdateUserBody = Static<typeof UpdateUserBody>;

/**
 * What ended when credentials were withdrawn: a new password or a disabled account revokes every
 * API token of the user and ends their sessions (all of them, except the one asking).
 */
const CredentialsWithdrawn = {
  /** API tokens revoked by this change; 0 when none was. */
  tokensRevoked: Type.Integer({ minimum: 0 }),
  /** Sessions ended by this change; the session that asked is never counted (it stays signed in). */
  sessionsEnded: Type.Integer({ minimum: 0 }),
};

/** The answer to an admin's change of a user. */
export const UserUpdated = Type.Object({ user: User, ...CredentialsWithdrawn });
export type UserUpdated = Static<typeof UserUpdated>;

export const ChangePasswordBody = Type.Object({ currentPassword: Type.String({ maxLength: 256 }), newPassword: Password });
export type ChangePasswordBody = Static<typeof ChangePasswordBody>;
/** The answer to changing one's own password. */
export const PasswordChanged = Type.Object({ ok: Type.Literal(true), ...CredentialsWithdrawn });
export type PasswordChanged = Static<typeof PasswordChanged>;

export const UserList = Type.Object({ users: Type.Array(User) });
export type UserList = Static<typeof UserList>;

/** The longest an API token may be made to last, in days (about ten years). */
export const MAX_TOKEN_DAYS = 3650;

export const CreateTokenBody = Type.Object({
  name: Title,
  /** Days until the token stops working; left out, it works until revoked. */
  expiresInDays: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_TOKEN_DAYS })),
});
export type CreateTokenBody = Static<typeof CreateTokenBody>;
/** A new API token: `token` is shown this once and never again. `expiresAt` is null for none. */
export const TokenCreated = Type.Object({ id: Uuid, name: Type.String(), token: Type.String(), expiresAt: Type.Union([Type.String({ format: "date-time" }), Type.Null()]) });
export type TokenCreated = Static<typeof TokenCreated>;

/** An API token as its owner sees it later: never its secret, nor its hash. */
export const ApiToken = Type.Object({
  id: Uuid,
  name: Type.String(),
  createdAt: Type.String({ format: "date-time" }),
  /** The last time a request made with it succeeded (to the minute); null when never. */
  lastUsedAt: Type.Union([Type.String({ format: "date-time" }), Type.Null()]),
  /** Null when it never expires; a past time when it has expired. */
  expiresAt: Type.Union([Type.String({ format: "date-time" }), Type.Null()]),
});
export type ApiToken = Static<typeof ApiToken>;
export const TokenList = Type.Object({ tokens: Type.Array(ApiToken) });
export type TokenList = Static<typeof TokenList>;

export const CreateInviteBody = Type.Object({ email: Email, isAdmin: Type.Optional(Type.Boolean()) });
export type CreateInviteBody = Static<typeof CreateInviteBody>;
export const InviteCreated = Type.Object({ id: Uuid, email: Type.String(), token: Type.String(), url: Type.String(), expiresAt: Type.String() });
export type InviteCreated = Static<typeof InviteCreated>;
export const AcceptInviteBody = Type.Object({ token: Type.String({ maxLength: 200 }), displayName: Title, password: Password });
export type AcceptInviteBody = Static<typeof AcceptInviteBody>;

export const SetMembershipBody = Type.Object({
  role: MembershipRole,
  voting: Type.Optional(Type.Boolean()),
  /** One of the standard's `interestCategories`, or null for none; default unchanged (none for a new member). */
  interestCategory: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 300 }), Type.Null()])),
});
export type SetMembershipBody = Static<typeof SetMembershipBody>;
export const MemberList = Type.Object({
  members: Type.Array(Type.Object({ user: User, role: MembershipRole, voting: Type.Boolean(), interestCategory: Type.Union([Type.String(), Type.Null()]) })),
});
export type MemberList = Static<typeof MemberList>;
