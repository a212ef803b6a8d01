import { buildRelease, canonicalJson, isReleaseVersion, type ReleaseChange, type ReleaseComment, type ReleaseSummary } from "@codewright/shared";
import type { Kysely } from "kysely";
import type { Database, Db } from "../../db/database";
import type { ReleaseRow } from "../../db/tables/releases";
import type { StandardRow } from "../../db/tables/standards";
import type { Actor } from "../auth";
import type { DomainContext } from "../context";
import { assertEditor } from "../access";
import { accessToStandard } from "../standards";
import { recordAudit } from "../audit";
import { announceEvents, recordEvent } from "../events/outbox";
import { toReleaseSummary } from "./read";
import { invalidVersion, publishConflict, versionTaken } from "../errors";
import { snapshotDraft } from "./snapshot";
import type { ReleaseSigner } from "./signing";

export interface PublishInput {
  version: string;
  notes?: string;
}

/**
 * What a release records besides the draft: the proposals merged and not yet listed by an
 * earlier release, and the public comments on `previousVersion` (null for the first release)
 * disposed of. Read in the publishing transaction, so they match its snapshot of the draft;
 * `listed` then marks the changes as listed by `version`, in the same transaction, so that no
 * later release lists them again.
 */
export interface ReleaseRecords {
  changes(trx: Db, standard: StandardRow, previousVersion: string | null): Promise<ReleaseChange[]>;
  comments(trx: Db, standard: StandardRow, previousVersion: string | null): Promise<ReleaseComment[]>;
  listed(trx: Db, standard: StandardRow, version: string, changes: readonly ReleaseChange[]): Promise<void>;
}

// Publishes racing on the same standard both pick the same next sequence (or list the same
// proposals); the loser starts over.
const ATTEMPTS = 3;
const UNIQUE_VIOLATION = "23505";
const SERIALIZATION_FAILURE = "40001";
const RACED_CONSTRAINTS = new Set(["releases_sequence_key", "release_changes_pkey"]);

/**
 * Publishes the draft of the standard `slug` as a release, by one of its editors; answers with the
 * release's summary. The signing key is opened only once the actor is known to be an editor, and
 * their right is checked again in the publishing transaction.
 * Throws 401/403/404, and as `publishRelease`.
 */
export async function publishDraft(
  ctx: DomainContext,
  actor: Actor | null,
  slug: string,
  input: PublishInput,
  signer: () => Promise<ReleaseSigner>,
  records: ReleaseRecords,
): Promise<ReleaseSummary> {
  assertEditor(await accessToStandard(ctx.db, slug, actor));
  const row = await publishIn(ctx.db, input, await signer(), records, async (trx) => {
    const access = await accessToStandard(trx, slug, actor);
    assertEditor(access);
    return { standard: access.standard, actorId: access.actor.user.id };
  });
  announceEvents(ctx);
  return toReleaseSummary(row);
}

/**
 * Publishes the draft of `standard` as release `version`, without checking who asks: one snapshot
 * of the outline and of every section's log, built, hashed and signed, stored with its audit entry
 * in one transaction, so a crash leaves the release complete or absent. `records` are read in
 * that transaction.
 * Throws 400 `invalid_version`, 409 `version_taken`, 409 `publish_conflict` (others kept publishing).
 */
export async function publishRelease(
  db: Kysely<Database>,
  standard: StandardRow,
  input: PublishInput,
  actorId: string | null,
  signer: ReleaseSigner,
  records: ReleaseRecords,
): Promise<ReleaseRow> {
  return publishIn(db, input, signer, records, async () => ({ standard, actorId }));
}

/** The publishing transaction, retried when others publish at the same moment; `author` runs first in each attempt. */
async function publishIn(
  db: Kysely<Database>,
  input: PublishInput,
  signer: ReleaseSigner,
  records: ReleaseRecords,
  author: (trx: Db) => Promise<{ standard: StandardRow; actorId: string | null }>,
): Promise<ReleaseRow> {
  const version = input.version;
  const taken = () => versionTaken(version);

  for (let attempt = 1; ; attempt++) {
    try {
      return await db
        .transaction()
        .setIsolationLevel("repeatable read")
        .execute(async (trx) => {
          const { standard, actorId } = await author(trx);
          if (!isReleaseVersion(version)) throw invalidVersion(version);
          // Merges into the standard take its row for update: none commits while this release is
          // built, and one under way is waited for (this snapshot then lacks it, and so do these records).
          await trx.selectFrom("standards").select("id").where("id", "=", standard.id).forShare().execute();
          const existing = await trx.selectFrom("releases").select("version").where("standard_id", "=", standard.id).where("version", "=", version).executeTakeFirst();
          if (existing) throw taken();
          const previous = await trx
            .selectFrom("releases")
            .select(["version", "sequence"])
            .where("standard_id", "=", standard.id)
            .orderBy("sequence", "desc")
            .limit(1)
            .executeTakeFirst();
          const previousVersion = previous?.version ?? null;
          const sections = await snapshotDraft(trx, standard.id);
          const changes = await records.changes(trx, standard, previousVersion);
          const release = await buildRelease({
            standard: { slug: standard.slug, title: standard.title },
            version,
            publishedAt: new Date(),
            previousVersion,
            notes: input.notes ?? "",
            sections,
            changes,
            comments: await records.comments(trx, standard, previousVersion),
          });
          const document = canonicalJson(release);
          const row = await trx
            .insertInto("releases")
            .values({
              standard_id: standard.id,
              version,
              sequence: (previous?.sequence ?? 0) + 1,
              published_at: new Date(release.publishedAt),
              previous_version: previousVersion,
              notes: release.notes,
              document,
              digest: release.digest,
              signature: signer.sign(new TextEncoder().encode(document)),
              kid: signer.kid,
              published_by: actorId,
            })
            .returningAll()
            .executeTakeFirstOrThrow();
          await records.listed(trx, standard, version, changes);
          await recordAudit(trx, {
            actorId,
            standardId: standard.id,
            action: "release.publish",
            subjectType: "release",
            subjectId: `${standard.id}:${version}`,
            fromState: null,
            toState: "published",
            details: { version, previousVersion, digest: release.digest, kid: signer.kid, sections: countSections(sections) },
          });
          await recordEvent(trx, { event: "release.published", standardId: standard.id, actorId, payload: { version, notes: release.notes, digest: release.digest } });
          return row;
        });
    } catch (error) {
      const { code, constraint } = error as { code?: string; constraint?: string };
      if (code === UNIQUE_VIOLATION && constraint === "releases_pkey") throw taken();
      const raced = (code === UNIQUE_VIOLATION && RACED_CONSTRAINTS.has(constraint ?? "")) || code === SERIALIZATION_FAILURE;
      if (!raced) throw error;
      if (attempt >= ATTEMPTS) throw publishConflict();
    }
  }
}

function countSections(sections: { children: unknown[] }[]): number {
  let n = 0;
  const stack = [...sections];
  for (let s = stack.pop(); s; s = stack.pop()) {
    n++;
    stack.push(...(s.children as { children: unknown[] }[]));
  }
  return n;
}
