import type { Db } from "../../db/database";
import type { CycleRow } from "../../db/tables/cycles";
import type { ReleaseRecords } from "../releases/publish";
import { publishInTransaction } from "../releases/publish";
import type { ReleaseSigner } from "../releases/signing";
import { cycleRecords } from "./publication";
import { unmetRequirements } from "./requirements";
import type { CycleEffects } from "./settle";

/**
 * The first draft of a revision cycle: the draft as the committee left it, published by the
 * platform (no editor's name) as a signed release of kind `first-draft` that belongs to the
 * cycle, for public comment. Its redline is against the cycle's base: the document names it in
 * `redlineFrom`, and `GET /api/standards/:slug/diff?from=<base>&to=<first draft>` draws it from
 * the two signed documents. Its `changes` are the inputs the committee accepted.
 *
 * It is published in the settling transaction, with the cycle's row locked, so exactly once:
 * when the `committee` stage closes with every input acted on; otherwise (actions still owed, or
 * a cycle without a committee stage) when the `comment` stage opens, the committee's work done.
 */
export function firstDraftEffects(signer: () => Promise<ReleaseSigner>, workflow: ReleaseRecords): CycleEffects {
  const publish = async (db: Db, cycle: CycleRow, now: Date) => publishFirstDraft(db, cycle, now, await signer(), workflow);
  return {
    committee: {
      closed: async (db, cycle, _stage, now) => {
        if ((await unmetRequirements(db, cycle, "committee")).length === 0) await publish(db, cycle, now);
      },
    },
    comment: { opened: (db, cycle, _stage, now) => publish(db, cycle, now) },
  };
}

/** Publishes the cycle's first draft in `db` (a transaction holding the cycle's row), unless it has one. */
export async function publishFirstDraft(db: Db, cycle: CycleRow, now: Date, signer: ReleaseSigner, workflow: ReleaseRecords): Promise<void> {
  const existing = await db.selectFrom("releases").select("version").where("cycle_id", "=", cycle.id).where("kind", "=", "first-draft").executeTakeFirst();
  if (existing) return;
  const standard = await db.selectFrom("standards").selectAll().where("id", "=", cycle.standard_id).executeTakeFirstOrThrow();
  const version = await freeFirstDraftVersion(db, standard.id, cycle.base_version);
  await publishInTransaction(
    db,
    { version, notes: `First draft of “${cycle.title}”, for public comment: ${cycle.base_version} with the inputs the committee accepted.` },
    signer,
    {
      standard,
      actorId: null,
      kind: "first-draft",
      cycle: { id: cycle.id, title: cycle.title, baseVersion: cycle.base_version },
      records: cycleRecords(cycle.id, workflow, { list: false }),
      publishedAt: now,
    },
  );
}

/**
 * The `n`-th candidate version of a first draft revising `base`: the next major version of a
 * semantic version (`1.4.2` → `2.0.0-fd1`), else the base with a suffix (`2026` → `2026-fd1`);
 * cut to fit the 64 characters of a version.
 */
export function firstDraftVersionFor(base: string, n: number): string {
  const semver = /^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(?:[-+][0-9A-Za-z.+-]*)?$/.exec(base);
  const stem = semver ? `${BigInt(semver[1]!) + 1n}.0.0` : base;
  const suffix = `-fd${n}`;
  return `${stem.slice(0, 64 - suffix.length)}${suffix}`;
}

/** The first candidate version no release of the standard has taken. */
async function freeFirstDraftVersion(db: Db, standardId: string, base: string): Promise<string> {
  const taken = new Set((await db.selectFrom("releases").select("version").where("standard_id", "=", standardId).execute()).map((r) => r.version));
  for (let n = 1; ; n++) {
    const version = firstDraftVersionFor(base, n);
    if (!taken.has(version)) return version;
  }
}
