/**
 * How a section's live connection is doing, in words for people. Pure: the collaboration
 * class feeds it facts from the provider; tests feed it by hand.
 */

/** Where the link to the room stands. */
export type LinkState =
  /** Never synced yet in this view. */
  | "connecting"
  /** Connected and in step with the room. */
  | "live"
  /** Was live; the connection dropped and the provider is reconnecting. */
  | "offline"
  /** The server cannot store changes right now; the provider keeps trying. */
  | "paused"
  /** The server refused the connection for good (see the refusal); no more reconnecting. */
  | "stopped";

/** Why the server closed a connection: its close code, stable id and sentence. */
export interface Refusal {
  code: number;
  /** The server's stable id (`read_only`, `saving_paused` …); `unknown` when the reason has none. */
  id: string;
  message: string;
}

/** What to do after the server closed the connection. */
export type CloseVerdict =
  | { kind: "retry"; refusal: Refusal | null }
  | { kind: "paused"; refusal: Refusal }
  | { kind: "stop"; refusal: Refusal };

/** Reads a close reason of the form `id: sentence`; a reason without an id keeps the whole text. */
export function parseCloseReason(code: number, reason: string): Refusal {
  const match = /^([a-z][a-z0-9_]*): (.*)$/s.exec(reason);
  return match ? { code, id: match[1]!, message: match[2]! } : { code, id: "unknown", message: reason };
}

/**
 * What a close from the server means for this client. Reconnecting cannot help after a refused
 * write or presence (1008), a malformed or oversized change (1003, 1009: the same change would be
 * sent again), or a deliberate refusal in 4400–4499 (4401: signed out). 1013 with `saving_paused`
 * means the server keeps nothing for now: keep the changes and keep trying. Anything else
 * (restarts, network, changed rights) is worth a reconnect.
 */
export function judgeClose(code: number, reason: string): CloseVerdict {
  const refusal = reason ? parseCloseReason(code, reason) : null;
  const known = refusal ?? { code, id: "unknown", message: "" };
  if (code === 1013 && refusal?.id === "saving_paused") return { kind: "paused", refusal };
  if (code === 1008 || code === 1003 || code === 1009 || (code >= 4400 && code < 4500)) return { kind: "stop", refusal: known };
  return { kind: "retry", refusal };
}

/** The facts a status line is made from. */
export interface ConnectionFacts {
  link: LinkState;
  /** The view only reads: a reader, or an editor reading. */
  readOnly: boolean;
  /** Local changes the server may not have: made while the link was not live. */
  unsaved: number;
  /** Set when the link is `stopped`. */
  refusal: Refusal | null;
}

export type StatusTone = "ok" | "busy" | "warning" | "danger";

export interface StatusLine {
  tone: StatusTone;
  /** A word or two: "Connected", "Offline". */
  label: string;
  /** One sentence more, for a tooltip or a screen reader; may be empty. */
  detail: string;
}

const changes = (n: number) => (n === 1 ? "1 unsaved change" : `${n} unsaved changes`);

/** The status line for `facts`. */
export function describeConnection(facts: ConnectionFacts): StatusLine {
  const { link, readOnly, unsaved, refusal } = facts;
  switch (link) {
    case "connecting":
      return {
        tone: "busy",
        label: "Connecting…",
        detail: unsaved > 0 ? `${changes(unsaved)}, sent once connected.` : readOnly ? "Joining the live section." : "Editing starts once the section has loaded.",
      };
    case "live":
      return readOnly
        ? { tone: "ok", label: "Live · read-only", detail: "Changes by editors appear as they are made." }
        : { tone: "ok", label: "Connected", detail: "Every change is saved as you type." };
    case "offline":
      if (readOnly) return { tone: "warning", label: "Offline", detail: "Reconnecting; the text may be behind." };
      return {
        tone: "warning",
        label: unsaved > 0 ? `Offline · ${changes(unsaved)}` : "Offline",
        detail: unsaved > 0 ? "Your changes are kept here and sent when the connection returns." : "Reconnecting; you can keep writing.",
      };
    case "paused":
      if (readOnly) return { tone: "warning", label: "Offline", detail: "The server is not taking connections to this section right now; reconnecting." };
      return {
        tone: "warning",
        label: unsaved > 0 ? `Saving paused · ${changes(unsaved)}` : "Saving paused",
        detail: "The server cannot save right now. Your changes are kept here and sent again when saving resumes.",
      };
    case "stopped":
      if (refusal?.id === "read_only") return { tone: "danger", label: "Read-only", detail: refusal.message };
      if (refusal?.id === "session_ended") return { tone: "danger", label: "Signed out", detail: "Sign in again to keep working on this section." };
      return {
        tone: "danger",
        label: unsaved > 0 ? `Disconnected · ${changes(unsaved)}` : "Disconnected",
        detail: refusal?.message || "The server closed the connection. Reload the page to try again.",
      };
  }
}
