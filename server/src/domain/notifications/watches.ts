import type { WatchKind, WatchList, WatchState } from "@codewright/shared";
import type { Db } from "../../db/database";
import type { StandardRow } from "../../db/tables/standards";
import type { Actor } from "../auth";
import type { DomainContext } from "../context";
import { assertSignedIn, canRead, standardAccess } from "../access";
import { notFound } from "../errors";
import { readableStandards } from "../standards";
import { pagePaths } from "./links";

/**
 * Watches: what a user follows (a standard, a section, a proposal, a comment thread). Only what
 * they may read can be watched; what they can no longer read stays watched but is neither listed
 * nor notified (rights are checked when telling, not when watching).
 */

/** A watchable thing, as people name it and where it is. */
interface WatchTarget {
  kind: WatchKind;
  id: string;
  standard: StandardRow;
  title: string;
  link: string;
}

const WHAT: Record<WatchKind, string> = { standard: "standard", section: "section", proposal: "proposal", thread: "comment" };

/** The first words of a comment, to name its thread. */
export function threadTitle(body: string): string {
  const flat = body.replace(/\s+/g, " ").trim();
  return flat.length <= 80 ? flat : `${flat.slice(0, 79).trimEnd()}…`;
}

/** The targets of one kind among `ids` that exist (sections not deleted), by id. */
async function targetsOf(db: Db, kind: WatchKind, ids: readonly string[]): Promise<Map<string, WatchTarget>> {
  const out = new Map<string, WatchTarget>();
  if (ids.length === 0) return out;
  const standards = async (standardIds: string[]) =>
    new Map(
      standardIds.length ? (await db.selectFrom("standards").selectAll().where("id", "in", [...new Set(standardIds)]).execute()).map((s) => [s.id, s]) : [],
    );
  switch (kind) {
    case "standard": {
      for (const s of (await standards([...ids])).values()) out.set(s.id, { kind, id: s.id, standard: s, title: s.title, link: pagePaths.standard(s.slug) });
      return out;
    }
    case "section": {
      const rows = await db.selectFrom("sections").select(["id", "standard_id", "label", "title"]).where("id", "in", ids).where("deleted_at", "is", null).execute();
      const byId = await standards(rows.map((r) => r.standard_id));
      for (const r of rows) {
        const s = byId.get(r.standard_id)!;
        out.set(r.id, { kind, id: r.id, standard: s, title: `${r.label} ${r.title}`, link: pagePaths.section(s.slug, r.id) });
      }
      return out;
    }
    case "proposal": {
      const rows = await db.selectFrom("proposals").select(["id", "standard_id", "title"]).where("id", "in", ids).execute();
      const byId = await standards(rows.map((r) => r.standard_id));
      for (const r of rows) out.set(r.id, { kind, id: r.id, standard: byId.get(r.standard_id)!, title: r.title, link: pagePaths.proposal(r.id) });
      return out;
    }
    case "thread": {
      const rows = await db
        .selectFrom("comment_threads")
        .select(["id", "standard_id", "body", "target_kind", "section_id", "proposal_id", "release_version"])
        .where("id", "in", ids)
        .execute();
      const byId = await standards(rows.map((r) => r.standard_id));
      for (const r of rows) {
        const s = byId.get(r.standard_id)!;
        out.set(r.id, { kind, id: r.id, standard: s, title: threadTitle(r.body), link: pagePaths.thread(s.slug, r) });
      }
      return out;
    }
  }
}

/**
 * The target, when it exists and the actor may read it now. Throws 404 otherwise (a hidden
 * target is reported as missing, as everywhere), then 401 for the anonymous.
 */
async function readableTarget(db: Db, actor: Actor | null, kind: WatchKind, id: string): Promise<{ target: WatchTarget; actor: Actor }> {
  const target = (await targetsOf(db, kind, [id])).get(id);
  if (!target || !canRead(await standardAccess(db, target.standard, actor))) throw notFound(WHAT[kind]);
  assertSignedIn(actor);
  return { target, actor };
}

/** Starts watching a target the actor may read; watching it again changes nothing. Throws 404, 401. */
export async function watch(ctx: DomainContext, actor: Actor | null, kind: WatchKind, id: string): Promise<WatchState> {
  return ctx.db.transaction().execute(async (trx) => {
    const found = await readableTarget(trx, actor, kind, id);
    await addWatch(trx, found.actor.user.id, kind, id);
    return { watching: true };
  });
}

/**
 * Stops watching. A watch of one's own always goes, even on something one can no longer read;
 * without one, the target must be readable (404 otherwise, then 401).
 */
export async function unwatch(ctx: DomainContext, actor: Actor | null, kind: WatchKind, id: string): Promise<WatchState> {
  return ctx.db.transaction().execute(async (trx) => {
    if (actor) {
      const removed = await trx.deleteFrom("watches").where("user_id", "=", actor.user.id).where("kind", "=", kind).where("target_id", "=", id).executeTakeFirst();
      if (Number(removed.numDeletedRows) > 0) return { watching: false };
    }
    await readableTarget(trx, actor, kind, id);
    return { watching: false };
  });
}

/** Whether the actor watches the target, for a Watch toggle. Throws 404, 401 as `watch`. */
export async function watchState(ctx: DomainContext, actor: Actor | null, kind: WatchKind, id: string): Promise<WatchState> {
  const found = await readableTarget(ctx.db, actor, kind, id);
  const row = await ctx.db
    .selectFrom("watches")
    .select("user_id")
    .where("user_id", "=", found.actor.user.id)
    .where("kind", "=", kind)
    .where("target_id", "=", id)
    .executeTakeFirst();
  return { watching: row !== undefined };
}

/** What the actor watches and may read now, newest first. Throws 401. */
export async function listWatches(ctx: DomainContext, actor: Actor | null): Promise<WatchList> {
  assertSignedIn(actor);
  const db = ctx.db;
  const rows = await db.selectFrom("watches").selectAll().where("user_id", "=", actor.user.id).orderBy("created_at", "desc").orderBy("kind").orderBy("target_id").execute();
  if (rows.length === 0) return { watches: [] };
  const readable = new Set((await readableStandards(db, actor)).map((s) => s.id));
  const kinds: WatchKind[] = ["standard", "section", "proposal", "thread"];
  const targets = new Map<string, WatchTarget>();
  for (const kind of kinds) {
    const ids = rows.filter((r) => r.kind === kind).map((r) => r.target_id);
    for (const [id, t] of await targetsOf(db, kind, ids)) targets.set(`${kind} ${id}`, t);
  }
  const watches = [];
  for (const r of rows) {
    const t = targets.get(`${r.kind} ${r.target_id}`);
    if (!t || !readable.has(t.standard.id)) continue;
    watches.push({ kind: t.kind, id: t.id, standard: t.standard.slug, title: t.title, link: t.link, createdAt: new Date(r.created_at).toISOString() });
  }
  return { watches };
}

/**
 * Makes the user watch the target, without checking anything: for the operations that made it
 * theirs (a proposal they started or co-author, a thread they started or replied to). Call in
 * that operation's transaction.
 */
export async function addWatch(db: Db, userId: string, kind: WatchKind, targetId: string): Promise<void> {
  await db
    .insertInto("watches")
    .values({ user_id: userId, kind, target_id: targetId })
    .onConflict((oc) => oc.columns(["user_id", "kind", "target_id"]).doNothing())
    .execute();
}
