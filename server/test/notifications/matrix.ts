import { makeUser } from "../helper";
import { EVERY_MEMBER, SIGNED_IN, worldSection, type MatrixEntry } from "../security/roles";
import { unsubscribeToken } from "../../src/domain/notifications";

/** A fresh user's one-click unsubscribe link: the token is the credential, whoever presents it. */
async function unsubscribeUrl(t: Parameters<MatrixEntry["build"]>[1]): Promise<string> {
  const user = await makeUser(t.db);
  return `/api/unsubscribe?token=${encodeURIComponent(await unsubscribeToken(t.db, user.id))}`;
}

/**
 * Authorization-matrix entries for watches, the inbox, mail preferences and unsubscribing. One's
 * own inbox and preferences name no standard; a watch names a target of the members-only
 * standard, which outsiders are told does not exist.
 */
export const NOTIFICATION_MATRIX: Record<string, MatrixEntry> = {
  "GET /api/me/watches": { site: true, allowed: SIGNED_IN, build: () => ({ method: "GET", url: "/api/me/watches" }) },
  "GET /api/me/watches/:kind/:id": { allowed: EVERY_MEMBER, build: async (w, t) => ({ method: "GET", url: `/api/me/watches/section/${await worldSection(t, w)}` }) },
  "PUT /api/me/watches/:kind/:id": { allowed: EVERY_MEMBER, build: (w) => ({ method: "PUT", url: `/api/me/watches/standard/${w.standard.id}` }) },
  "DELETE /api/me/watches/:kind/:id": { allowed: EVERY_MEMBER, build: async (w, t) => ({ method: "DELETE", url: `/api/me/watches/section/${await worldSection(t, w)}` }) },
  "GET /api/me/notifications": { site: true, allowed: SIGNED_IN, build: () => ({ method: "GET", url: "/api/me/notifications?unread=true&limit=10" }) },
  "POST /api/me/notifications/read": { site: true, allowed: SIGNED_IN, build: () => ({ method: "POST", url: "/api/me/notifications/read", payload: { all: true } }) },
  "GET /api/me/notifications/stream": { site: true, allowed: SIGNED_IN, build: () => ({ method: "GET", url: "/api/me/notifications/stream?wait=0" }) },
  "GET /api/me/preferences": { site: true, allowed: SIGNED_IN, build: () => ({ method: "GET", url: "/api/me/preferences" }) },
  "PATCH /api/me/preferences": { site: true, allowed: SIGNED_IN, build: () => ({ method: "PATCH", url: "/api/me/preferences", payload: { email: "immediate" } }) },
  "GET /api/unsubscribe": { site: true, public: true, allowed: "everyone", build: async (_w, t) => ({ method: "GET", url: await unsubscribeUrl(t) }) },
  "POST /api/unsubscribe": {
    site: true,
    public: true,
    allowed: "everyone",
    build: async (_w, t) => ({
      method: "POST",
      url: await unsubscribeUrl(t),
      headers: { "content-type": "application/x-www-form-urlencoded" },
      payload: "List-Unsubscribe=One-Click",
    }),
  },
};
