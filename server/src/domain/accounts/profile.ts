import type { UpdateMeBody, UserResponse } from "@codewright/shared";
import type { Actor } from "../auth";
import { assertSignedIn } from "../access";
import { recordAudit } from "../audit";
import type { DomainContext } from "../context";
import { invalidRequest } from "../errors";
import { getUser, toUser } from "../users";

/**
 * A name or affiliation as stored: trimmed. The API's schemas already refused control and
 * bidirectional characters and over-long values. Throws 400 `invalid_request` for one that is
 * only spaces.
 */
export function personText(value: string, what: "display name" | "affiliation"): string {
  const trimmed = value.trim();
  if (trimmed === "") throw invalidRequest(`The ${what} is blank. Write at least one letter or digit.`);
  return trimmed;
}

/**
 * Changes the signed-in user's own display name and affiliation (`affiliation: null` removes it).
 * Needs no verified address: it is one's own account. Throws 401, 400 `invalid_request` for a
 * blank value.
 */
export async function updateProfile(ctx: DomainContext, actor: Actor | null, change: UpdateMeBody): Promise<UserResponse> {
  assertSignedIn(actor);
  const displayName = change.displayName === undefined ? undefined : personText(change.displayName, "display name");
  const affiliation = change.affiliation === undefined || change.affiliation === null ? change.affiliation : personText(change.affiliation, "affiliation");
  const fields = (["displayName", "affiliation"] as const).filter((k) => change[k] !== undefined);
  if (fields.length === 0) return { user: toUser(await getUser(ctx.db, actor.user.id)) };
  const row = await ctx.db.transaction().execute(async (trx) => {
    const updated = await trx
      .updateTable("users")
      .set({ display_name: displayName, affiliation })
      .where("id", "=", actor.user.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, {
      actorId: actor.user.id,
      action: "user.update",
      subjectType: "user",
      subjectId: actor.user.id,
      details: { fields },
    });
    return updated;
  });
  return { user: toUser(row) };
}
