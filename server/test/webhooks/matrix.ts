import { randomBytes, randomUUID } from "node:crypto";
import { sql } from "kysely";
import type { TestApp } from "../helper";
import { EDITORS, type MatrixEntry, type World } from "../security/roles";

/**
 * Authorization-matrix entries for the webhook routes, merged into the matrix last (no event is
 * recorded after them, so no delivery is ever attempted). The matrix's app allows private
 * addresses, and the webhooks point at a port of 127.0.0.1 where nothing listens.
 */
const URL = "http://127.0.0.1:9/matrix";

/** A webhook of the world's standard, made directly in the database. */
async function webhook(t: TestApp, w: World): Promise<string> {
  const id = randomUUID();
  await t.db
    .insertInto("webhooks")
    .values({ id, standard_id: w.standard.id, url: URL, events: sql<string[]>`array['release.published']::text[]`, secret: `whsec_${randomBytes(32).toString("base64")}`, created_by: w.users.admin.id })
    .execute();
  return id;
}

const base = (w: World) => `/api/standards/${w.standard.slug}/webhooks`;

export const WEBHOOK_MATRIX: Record<string, MatrixEntry> = {
  "POST /api/standards/:slug/webhooks": { allowed: EDITORS, build: (w) => ({ method: "POST", url: base(w), payload: { url: URL, events: ["release.published"] } }) },
  "GET /api/standards/:slug/webhooks": { allowed: EDITORS, build: (w) => ({ method: "GET", url: base(w) }) },
  "GET /api/standards/:slug/webhooks/:id": { allowed: EDITORS, build: async (w, t) => ({ method: "GET", url: `${base(w)}/${await webhook(t, w)}` }) },
  "DELETE /api/standards/:slug/webhooks/:id": { allowed: EDITORS, build: async (w, t) => ({ method: "DELETE", url: `${base(w)}/${await webhook(t, w)}` }) },
  "GET /api/standards/:slug/webhooks/:id/deliveries": { allowed: EDITORS, build: async (w, t) => ({ method: "GET", url: `${base(w)}/${await webhook(t, w)}/deliveries` }) },
};
