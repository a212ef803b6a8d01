import { randomUUID } from "node:crypto";
import type { MatrixEntry } from "../security/roles";

/** Authorization-matrix entries for comment resolution. */
export const RESOLUTION_MATRIX: Record<string, MatrixEntry> = {
  "PUT /api/comments/:id/response": {
    // Only the comment's author answers its disposition: here the world's contributor.
    allowed: ["contributor"],
    build: async (w, t) => {
      // A disposed public comment on a release, stored directly: publishing a release is not what is tested here.
      const id = randomUUID();
      await t.db
        .insertInto("comment_threads")
        .values({
          id,
          standard_id: w.standard.id,
          target_kind: "release_section",
          release_version: "1.0.0",
          section_id: null,
          proposal_id: null,
          author_id: w.users.contributor.id,
          body: "Public.",
          anchor: null,
          disposition: "rejected",
          disposition_response: "Out of scope.",
          disposition_at: new Date(),
        })
        .execute();
      return { method: "PUT", url: `/api/comments/${id}/response`, payload: { response: "unsatisfied", note: "It is in scope." } };
    },
  },
};
