import { Type, type Static } from "typebox";
import { Email, Title, Uuid } from "./common";

export const User = Type.Object({
  id: Uuid,
  email: Type.String(),
  displayName: Type.String(),
  isAdmin: Type.Boolean(),
  disabled: Type.Boolean(),
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

export const UserList = Type.Object({ users: Type.Array(User) });
export type UserList = Static<typeof UserList>;

export const CreateTokenBody = Type.Object({ name: Title });
export type CreateTokenBody = Static<typeof CreateTokenBody>;
export const TokenCreated = Type.Object({ id: Uuid, name: Type.String(), token: Type.String() });
export type TokenCreated = Static<typeof TokenCreated>;

export const CreateInviteBody = Type.Object({ email: Email, isAdmin: Type.Optional(Type.Boolean()) });
export type CreateInviteBody = Static<typeof CreateInviteBody>;
export const InviteCreated = Type.Object({ id: Uuid, email: Type.String(), token: Type.String(), url: Type.String(), expiresAt: Type.String() });
export type InviteCreated = Static<typeof InviteCreated>;
export const AcceptInviteBody = Type.Object({ token: Type.String({ maxLength: 200 }), displayName: Title, password: Password });
export type AcceptInviteBody = Static<typeof AcceptInviteBody>;

export const SetMembershipBody = Type.Object({ role: MembershipRole, voting: Type.Optional(Type.Boolean()) });
export type SetMembershipBody = Static<typeof SetMembershipBody>;
export const MemberList = Type.Object({
  members: Type.Array(Type.Object({ user: User, role: MembershipRole, voting: Type.Boolean() })),
});
export type MemberList = Static<typeof MemberList>;
