import { Type, type Static } from "typebox";
import { Email, TITLE_PATTERN, Uuid } from "./common";
import { Password } from "./accounts";

/** How people may join: anyone (`open`), with an admin's invite link only (`invite`), or not at all (`closed`). */
export const RegistrationMode = Type.Union([Type.Literal("open"), Type.Literal("invite"), Type.Literal("closed")]);
export type RegistrationMode = Static<typeof RegistrationMode>;

/** A display name: as Title, shorter. */
export const DisplayName = Type.String({ minLength: 1, maxLength: 100, pattern: TITLE_PATTERN });
/** The organisation a participant represents; shown beside their name. */
export const Affiliation = Type.String({ minLength: 1, maxLength: 200, pattern: TITLE_PATTERN });

/** What the sign-in and sign-up pages offer. Public. */
export const AuthOptions = Type.Object({
  registration: RegistrationMode,
  /** The OpenID provider configured, by the name on its button; null when none is. */
  oidc: Type.Union([Type.Object({ name: Type.String() }), Type.Null()]),
});
export type AuthOptions = Static<typeof AuthOptions>;

export const RegisterBody = Type.Object({ email: Email, displayName: DisplayName, password: Password });
export type RegisterBody = Static<typeof RegisterBody>;
/**
 * The answer to a registration or a reset request: the same whether or not the address has an
 * account, so addresses cannot be found out this way. What happens next comes by mail.
 */
export const Pending = Type.Object({ status: Type.Literal("pending") });
export type Pending = Static<typeof Pending>;

/** A one-time token from a mailed link. */
export const OneTimeToken = Type.String({ minLength: 1, maxLength: 200, pattern: "^[A-Za-z0-9_-]+$" });
export const VerifyEmailBody = Type.Object({ token: OneTimeToken });
export type VerifyEmailBody = Static<typeof VerifyEmailBody>;
export const PasswordResetBody = Type.Object({ email: Email });
export type PasswordResetBody = Static<typeof PasswordResetBody>;
export const PasswordResetConfirmBody = Type.Object({ token: OneTimeToken, password: Password });
export type PasswordResetConfirmBody = Static<typeof PasswordResetConfirmBody>;

/** A change to one's own profile. `affiliation: null` removes it. */
export const UpdateMeBody = Type.Object({
  displayName: Type.Optional(DisplayName),
  affiliation: Type.Optional(Type.Union([Affiliation, Type.Null()])),
});
export type UpdateMeBody = Static<typeof UpdateMeBody>;

/** How notifications are mailed: each at once, one digest a day grouped by standard (default), or never. */
export const EmailPreference = Type.Union([Type.Literal("immediate"), Type.Literal("daily"), Type.Literal("off")]);
export type EmailPreference = Static<typeof EmailPreference>;
export const Preferences = Type.Object({ email: EmailPreference });
export type Preferences = Static<typeof Preferences>;
export const UpdatePreferencesBody = Type.Object({ email: Type.Optional(EmailPreference) });
export type UpdatePreferencesBody = Static<typeof UpdatePreferencesBody>;

// ---- Watches ---------------------------------------------------------------------------------

export const WatchKind = Type.Union([Type.Literal("standard"), Type.Literal("section"), Type.Literal("proposal"), Type.Literal("thread")]);
export type WatchKind = Static<typeof WatchKind>;
export const WatchParams = Type.Object({ kind: WatchKind, id: Uuid });
export type WatchParams = Static<typeof WatchParams>;
export const Watch = Type.Object({
  kind: WatchKind,
  id: Uuid,
  /** The standard it belongs to, by slug. */
  standard: Type.String(),
  /** What is watched, as people name it: a title, a section's number and heading, a thread's first words. */
  title: Type.String(),
  /** The page concerned, as a path of the web client. */
  link: Type.String(),
  createdAt: Type.String({ format: "date-time" }),
});
export type Watch = Static<typeof Watch>;
export const WatchList = Type.Object({ watches: Type.Array(Watch) });
export type WatchList = Static<typeof WatchList>;
/** Whether the signed-in user watches the target now. */
export const WatchState = Type.Object({ watching: Type.Boolean() });
export type WatchState = Static<typeof WatchState>;

// ---- Notifications ---------------------------------------------------------------------------

export const NotificationEvent = Type.Union([
  Type.Literal("proposal.submitted"),
  Type.Literal("proposal.decided"),
  Type.Literal("proposal.reopened"),
  Type.Literal("comment.reply"),
  Type.Literal("comment.disposed"),
  Type.Literal("vote.needed"),
  Type.Literal("release.published"),
  Type.Literal("deadline.approaching"),
]);
export type NotificationEvent = Static<typeof NotificationEvent>;

export const Notification = Type.Object({
  /** A cursor too: the list is ordered by it, newest first. */
  id: Type.String({ pattern: "^[0-9]{1,19}$" }),
  event: NotificationEvent,
  createdAt: Type.String({ format: "date-time" }),
  read: Type.Boolean(),
  /** Who did it; null for the platform itself (a deadline). */
  actor: Type.Union([Type.Object({ id: Uuid, displayName: Type.String(), affiliation: Type.Union([Type.String(), Type.Null()]) }), Type.Null()]),
  /** The standard, by slug, and its title. */
  standard: Type.String(),
  standardTitle: Type.String(),
  /** One sentence saying what happened, e.g. "Ada Lovelace accepted “Rotate keys”". */
  summary: Type.String(),
  /** The page concerned, as a path of the web client. */
  link: Type.String(),
});
export type Notification = Static<typeof Notification>;

export const NotificationCursor = Type.String({ pattern: "^[0-9]{1,19}$" });
export const NotificationQuery = Type.Object({
  unread: Type.Optional(Type.Union([Type.Literal("true"), Type.Literal("false")])),
  /** The `nextCursor` of the page before. */
  cursor: Type.Optional(NotificationCursor),
  limit: Type.Optional(Type.String({ pattern: "^[0-9]{1,3}$" })),
});
export type NotificationQuery = Static<typeof NotificationQuery>;
export const NotificationList = Type.Object({
  notifications: Type.Array(Notification),
  /** Null on the last page. */
  nextCursor: Type.Union([NotificationCursor, Type.Null()]),
  /** Unread notifications in all, whatever the page. */
  unread: Type.Integer({ minimum: 0 }),
});
export type NotificationList = Static<typeof NotificationList>;
export const MarkReadBody = Type.Union([
  Type.Object({ ids: Type.Array(NotificationCursor, { minItems: 1, maxItems: 500 }) }, { additionalProperties: false }),
  Type.Object({ all: Type.Literal(true) }, { additionalProperties: false }),
]);
export type MarkReadBody = Static<typeof MarkReadBody>;
export const UnreadCount = Type.Object({ unread: Type.Integer({ minimum: 0 }) });
export type UnreadCount = Static<typeof UnreadCount>;

// ---- Webhooks --------------------------------------------------------------------------------

export const WebhookEvent = Type.Union([
  Type.Literal("release.published"),
  Type.Literal("proposal.submitted"),
  Type.Literal("proposal.decided"),
  Type.Literal("comment.created"),
  Type.Literal("comment.disposed"),
]);
export type WebhookEvent = Static<typeof WebhookEvent>;

export const CreateWebhookBody = Type.Object({
  url: Type.String({ format: "uri", maxLength: 2000 }),
  events: Type.Array(WebhookEvent, { minItems: 1, maxItems: 5, uniqueItems: true }),
});
export type CreateWebhookBody = Static<typeof CreateWebhookBody>;
export const Webhook = Type.Object({
  id: Uuid,
  url: Type.String(),
  events: Type.Array(WebhookEvent),
  createdAt: Type.String({ format: "date-time" }),
});
export type Webhook = Static<typeof Webhook>;
/** A new webhook: `secret` (Standard Webhooks `whsec_…`) is shown this once. */
export const WebhookCreated = Type.Object({ webhook: Webhook, secret: Type.String() });
export type WebhookCreated = Static<typeof WebhookCreated>;
export const WebhookList = Type.Object({ webhooks: Type.Array(Webhook) });
export type WebhookList = Static<typeof WebhookList>;
export const WebhookParams = Type.Object({ slug: Type.String(), id: Uuid });
export const WebhookDelivery = Type.Object({
  /** The `webhook-id` header sent: the same on every attempt. */
  id: Uuid,
  event: WebhookEvent,
  status: Type.Union([Type.Literal("pending"), Type.Literal("delivered"), Type.Literal("failed")]),
  attempts: Type.Integer({ minimum: 0 }),
  lastStatusCode: Type.Union([Type.Integer(), Type.Null()]),
  lastError: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String({ format: "date-time" }),
  deliveredAt: Type.Union([Type.String({ format: "date-time" }), Type.Null()]),
  /** When the next attempt is due; null once delivered or given up. */
  nextAttemptAt: Type.Union([Type.String({ format: "date-time" }), Type.Null()]),
});
export type WebhookDelivery = Static<typeof WebhookDelivery>;
export const WebhookDeliveryList = Type.Object({ deliveries: Type.Array(WebhookDelivery) });
export type WebhookDeliveryList = Static<typeof WebhookDeliveryList>;
