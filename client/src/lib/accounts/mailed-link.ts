/**
 * The one-time token of a mailed link (`/verify#<token>`, `/reset#<token>`, `/invite#<token>`):
 * it travels in the fragment, which browsers never send to a server or in a Referer. An empty
 * string when the link is incomplete or garbled.
 */
export function tokenFromHash(hash: string): string {
  try {
    return decodeURIComponent(hash.replace(/^#/, "")).trim();
  } catch {
    return "";
  }
}

/** True for the answers an expired, used or garbled link gets: the user needs a new link. */
export function isSpentLink(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === "invalid_token" || code === "invalid_request";
}
