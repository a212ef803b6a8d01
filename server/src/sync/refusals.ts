/**
 * Why the server closes a sync connection: a websocket close code and a reason made of a stable id
 * and a sentence (`id: sentence`). Stock y-websocket clients reconnect after every code except
 * 4400–4499, so those are used only where reconnecting cannot help.
 */
export const CloseCode = {
  /** The server is stopping or the room is being unloaded. Reconnect. */
  goingAway: 1001,
  /** The message could not be decoded, or the update is not a valid Yjs update. */
  malformed: 1003,
  /** Not allowed: a write without write rights, or speaking for another client's presence. */
  policy: 1008,
  /** A message, or the document it would produce, exceeds the configured limit. */
  tooLarge: 1009,
  /** Something unexpected failed on the server. */
  internal: 1011,
  /**
   * Saving is paused (the database cannot be written), too many changes wait to be saved, or the
   * client cannot keep up.
   * Nothing the client sent on this connection was acknowledged: a y-websocket client reconnects
   * with backoff and its sync step sends every change the server lacks, so none is lost.
   */
  tryAgainLater: 1013,
  /** The user's rights changed (membership, account); reconnect to get the new ones. */
  accessChanged: 4000,
  /** The session ended (sign-out); a stock client stops reconnecting. */
  sessionEnded: 4401,
  /**
   * The connection sent more than its budget (updates or presence per second). What was accepted
   * before is stored; a stock client stops reconnecting, since it would only flood again.
   */
  tooManyRequests: 4429,
} as const;

export type CloseCodeValue = (typeof CloseCode)[keyof typeof CloseCode];

/** A decision to close one connection. Thrown inside the sync module and caught at the connection. */
export class SyncRefusal extends Error {
  constructor(
    readonly id: string,
    readonly closeCode: CloseCodeValue,
    message: string,
  ) {
    super(message);
    this.name = "SyncRefusal";
  }

  /** The websocket close reason: at most 123 bytes of UTF-8, as the protocol allows. */
  get reason(): string {
    let reason = `${this.id}: ${this.message}`;
    while (Buffer.byteLength(reason) > 123) reason = reason.slice(0, -1);
    return reason;
  }
}

export const malformed = (detail: string) => new SyncRefusal("malformed_message", CloseCode.malformed, detail);
export const messageTooLarge = () => new SyncRefusal("message_too_large", CloseCode.tooLarge, "The message exceeds the size limit.");
export const documentTooLarge = () => new SyncRefusal("document_too_large", CloseCode.tooLarge, "The change would make the section larger than allowed.");
export const readOnly = () => new SyncRefusal("read_only", CloseCode.policy, "You can read this section but not change it.");
/** A write by a user who would have write rights once their address is verified. */
export const emailUnverified = () =>
  new SyncRefusal("email_unverified", CloseCode.policy, "Verify your address to edit: open the link we mailed you, then reload.");
export const presenceSpoofed = () => new SyncRefusal("presence_spoofed", CloseCode.policy, "A client may only speak for its own presence.");
export const tooManyPresences = () => new SyncRefusal("too_many_presences", CloseCode.policy, "Too many presence ids on one connection.");
export const presenceTooLarge = () => new SyncRefusal("presence_too_large", CloseCode.tooLarge, "A presence state exceeds the size limit.");
export const tooManyUpdates = () =>
  new SyncRefusal("too_many_updates", CloseCode.tooManyRequests, "More changes arrived than one connection may send; what came before was saved.");
export const tooManyPresenceUpdates = () =>
  new SyncRefusal("too_many_presence_updates", CloseCode.tooManyRequests, "Presence changed more often, or by more, than one connection may send.");
export const serverBusy = () =>
  new SyncRefusal("server_busy", CloseCode.tryAgainLater, "Too many changes are waiting to be saved; your changes are kept and sent again on reconnect.");
export const savingPaused = () => new SyncRefusal("saving_paused", CloseCode.tryAgainLater, "Saving is paused; your changes are kept and sent again on reconnect.");
export const fallingBehind = () => new SyncRefusal("falling_behind", CloseCode.tryAgainLater, "The connection could not keep up; reconnect.");
export const accessChanged = () => new SyncRefusal("access_changed", CloseCode.accessChanged, "Your rights changed; reconnect.");
export const sessionEnded = () => new SyncRefusal("session_ended", CloseCode.sessionEnded, "You signed out.");
export const shuttingDown = () => new SyncRefusal("going_away", CloseCode.goingAway, "The server is restarting; reconnect.");
export const internalError = () => new SyncRefusal("internal_error", CloseCode.internal, "Something went wrong on the server; reconnect.");
