import { randomUUID } from "node:crypto";
import { Value } from "typebox/value";
import { parseStandardMarkdown, resolveReferences, Slug, type Standard } from "@codewright/shared";
import type { Kysely } from "kysely";
import type { Database, Db } from "../db/database";
import type { StandardRow } from "../db/tables/standards";
import type { Actor } from "./auth";
import type { DomainContext } from "./context";
import { assertAdmin, standardAccess } from "./access";
import { invalidRequest, standardNotEmpty } from "./errors";
import { createSection } from "./sections";
import { insertStandard, toStandard } from "./standards";

export interface ImportProgress {
  (done: number, total: number, label: string): void;
}

export interface ImportResult {
  standard: StandardRow;
  sections: number;
}

/**
 * Imports a standard written in Codewright's Markdown format (see the shared markdown module)
 * into a new or empty standard, in one transaction: all of it or nothing. Checks no rights:
 * for the command line and `importMarkdown`. Titles, labels and the description follow the
 * API's rules for them, and the slug is the API's `Slug`.
 * Throws ContentError (with a line) for malformed input, 400 `invalid_request` for a slug that
 * is not one, 409 `standard_not_empty`.
 */
export async function importStandard(
  db: Kysely<Database>,
  markdown: string,
  slug: string,
  actorId: string | null,
  progress: ImportProgress = () => {},
): Promise<ImportResult> {
  const parsed = checkImport(markdown, slug);
  return db.transaction().execute((trx) => importInto(trx, parsed, slug, actorId, progress));
}

/**
 * Reads a standard's Markdown and checks the slug it is to be imported as, touching no storage:
 * the command line runs it before opening the database, so a malformed file fails at once.
 * Throws as `parseStandardMarkdown` (with the line), 400 `invalid_request` for a bad slug.
 */
export function checkImport(markdown: string, slug: string): ReturnType<typeof parseStandardMarkdown> {
  const parsed = parseStandardMarkdown(markdown);
  const isSlug: boolean = Value.Check(Slug, slug);
  if (!isSlug) throw invalidRequest(`"${slug.slice(0, 80)}" is not a slug: use lower-case letters, digits and hyphens, at most 64, e.g. building-code.`);
  return parsed;
}

/** The admin tooling's import: `importStandard`, by an admin, answered with the standard as they see it. Throws 401/403 too. */
export async function importMarkdown(ctx: DomainContext, actor: Actor | null, input: { slug: string; markdown: string }): Promise<{ standard: Standard; sections: number }> {
  assertAdmin(actor);
  const parsed = checkImport(input.markdown, input.slug);
  return ctx.db.transaction().execute(async (trx) => {
    const result = await importInto(trx, parsed, input.slug, actor.user.id, () => {});
    return { standard: toStandard(await standardAccess(trx, result.standard, actor)), sections: result.sections };
  });
}

async function importInto(trx: Db, parsed: ReturnType<typeof parseStandardMarkdown>, slug: string, actorId: string | null, progress: ImportProgress): Promise<ImportResult> {
  const ids = new Map(parsed.sections.map((s) => [s.label, randomUUID()]));
  const resolved = resolveReferences(parsed, ids);
  let standard = await trx.selectFrom("standards").selectAll().where("slug", "=", slug).executeTakeFirst();
  if (standard) {
    const any = await trx.selectFrom("sections").select("id").where("standard_id", "=", standard.id).executeTakeFirst();
    if (any) throw standardNotEmpty(slug);
  } else {
    standard = await insertStandard(trx, { slug, title: parsed.title, description: parsed.description }, actorId);
  }
  const total = resolved.sections.length;
  for (const [i, s] of resolved.sections.entries()) {
    await createSection(
      trx,
      standard,
      { id: ids.get(s.label)!, label: s.label, title: s.title, parentId: s.parentLabel ? ids.get(s.parentLabel)! : null, content: s.content },
      actorId,
    );
    progress(i + 1, total, s.label);
  }
  return { standard, sections: total };
}
