import { buildRelease, canonicalJson, isReleaseVersion, type ReleaseChange, type ReleaseComment, type ReleaseCycle, type ReleaseKind, type ReleaseSummary } from "@codewright/shared";
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
import { editionPlan } from "../cycles/publication";

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

/** What is published besides the draft: by whom, of which kind, for which cycle, with which records. */
export interface ReleasePlan {
  standard: StandardRow;
  /** Null for the platform (a first draft published when its stage closes). */
  actorId: string | null;
  kind: ReleaseKind;
  cycle: ReleaseCycle | null;
  records: ReleaseRecords;
  publishedAt: Date;
  /** Runs in the publishing transaction once the release is stored (the cycle an edition completes closes). */
  after?(trx: Db, row: ReleaseRow): Promise<void>;
}

/**
 * Publishes the draft of the standard `slug` as a release, by one of its editors; answers with the
 * release's summary. The signing key is opened only once the actor is known to be an editor, and
 * their right is checked again in the publishing transaction. During a revision cycle the release
 * is the cycle's edition, published only in its `publication` stage once its ballot passed.
 * Throws 401/403/404, 409 `stage_closed`, 409 `ballot_not_passed`, and as `publishRelease`.
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
  const row = await publishIn(ctx.db, input, await signer(), async (trx) => {
    const access = await accessToStandard(trx, slug, actor);
    assertEditor(access);
    const edition = await editionPlan(ctx, trx, access.standard, records);
    return { standard: access.standard, actorId: access.actor.user.id, publishedAt: ctx.clock.now(), ...edition };
  });
  announceEvents(ctx);
  return toReleaseSummary(row);
}

/**
 * Publishes the draft of `standard` as edition `version`, outside any cycle's rules and without
 * checking who asks (imports, tests). Throws as `publishInTransaction`, and 409 `publish_conflict`.
 */
export async function publishRelease(
  db: Kysely<Database>,
  standard: StandardRow,
  input: PublishInput,
  actorId: string | null,
  signer: ReleaseSigner,
  records: ReleaseRecords,
): Promise<ReleaseRow> {
  return publishIn(db, input, signer, async () => ({ standard, actorId, kind: "edition", cycle: null, records, publishedAt: new Date() }));
}

/** The publishing transaction, retried when others publish at the same moment; `plan` runs first in each attempt. */
async function publishIn(db: Kysely<Database>, input: PublishInput, signer: ReleaseSigner, plan: (trx: Db) => Promise<ReleasePlan>): Promise<ReleaseRow> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db
        .transaction()
        .setIsolationLevel("repeatable read")
        .execute(async (trx) => publishInTransaction(trx, input, signer, await plan(trx)));
    } catch (error) {
      const { code, constraint } = error as { code?: string; constraint?: string };
      if (code === UNIQUE_VIOLATION && constraint === "releases_pkey") throw versionTaken(input.version);
      const raced = (code === UNIQUE_VIOLATION && RACED_CONSTRAINTS.has(constraint ?? "")) || code === SERIALIZATION_FAILURE;
      if (!raced) throw error;
      if (attempt >= ATTEMPTS) throw publishConflict();
    }
  }
}

/**
 * Publishes the draft as release `version` in the transaction `trx`, without checking who asks:
 * one snapshot of the outline and of every section's log, built, hashed and signed, stored with
 * its audit entry and event, so the transaction leaves the release complete or absent. The
 * signing key's public half is recorded in the same transaction. Run it in a repeatable-read
 * transaction for one consistent snapshot (`publishDraft` does); a cycle's stage publishes its
 * first draft in the settling transaction.
 * Throws 400 `invalid_version`, 409 `version_taken`; a unique violation when another release took its sequence meanwhile.
 */
export async function publishInTransaction(trx: Db, input: PublishInput, signer: ReleaseSigner, plan: ReleasePlan): Promise<ReleaseRow> {
  const { standard, actorId, records } = plan;
  const version = input.version;
  if (!isReleaseVersion(version)) throw invalidVersion(version);
  // Merges into the standard take its row for update: none commits while this release is
  // built, and one under way is waited for (this snapshot then lacks it, and so do these records).
  await trx.selectFrom("standards").select("id").where("id", "=", standard.id).forShare().execute();
  const existing = await trx.selectFrom("releases").select("version").where("standard_id", "=", standard.id).where("version", "=", version).executeTakeFirst();
  if (existing) throw versionTaken(version);
  const previous = await trx.selectFrom("releases").select(["version", "sequence"]).where("standard_id", "=", standard.id).orderBy("sequence", "desc").limit(1).executeTakeFirst();
  const previousVersion = previous?.version ?? null;
  const sections = await snapshotDraft(trx, standard.id);
  const changes = await records.changes(trx, standard, previousVersion);
  const release = await buildRelease({
    standard: { slug: standard.slug, title: standard.title },
    version,
    publishedAt: plan.publishedAt,
    previousVersion,
    notes: input.notes ?? "",
    sections,
    changes,
    comments: await records.comments(trx, standard, previousVersion),
    kind: plan.kind,
    cycle: plan.cycle,
  });
  const document = canonicalJson(release);
  await signer.record(trx);
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
      kind: plan.kind,
      cycle_id: plan.cycle?.id ?? null,
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
    details: { version, kind: plan.kind, cycleId: plan.cycle?.id ?? null, previousVersion, digest: release.digest, kid: signer.kid, sections: countSections(sections) },
  });
  await recordEvent(trx, { event: "release.published", standardId: standard.id, actorId, payload: { version, notes: release.notes, digest: release.digest } });
  await plan.after?.(trx, row);
  return row;
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
