import { randomUUID } from "node:crypto";
import { parseStandardMarkdown, resolveReferences } from "@codewright/shared";
import type { Kysely } from "kysely";
import type { Database } from "../db/database";
import type { StandardRow } from "../db/tables/standards";
import { standardNotEmpty } from "./errors";
import { createSection } from "./sections";
import { createStandard } from "./standards";

export interface ImportProgress {
  (done: number, total: number, label: string): void;
}

export interface ImportResult {
  standard: StandardRow;
  sections: number;
}

/**
 * Imports a standard written in Codewright's Markdown format (see the shared markdown module)
 * into a new or empty standard, in one transaction: all of it or nothing.
 * Throws ContentError (with a line) for malformed input, 409 `standard_not_empty` otherwise.
 */
export async function importStandard(
  db: Kysely<Database>,
  markdown: string,
  slug: string,
  actorId: string | null,
  progress: ImportProgress = () => {},
): Promise<ImportResult> {
  const parsed = parseStandardMarkdown(markdown);
  const ids = new Map(parsed.sections.map((s) => [s.label, randomUUID()]));
  const resolved = resolveReferences(parsed, ids);
  return db.transaction().execute(async (trx) => {
    let standard = await trx.selectFrom("standards").selectAll().where("slug", "=", slug).executeTakeFirst();
    if (standard) {
      const any = await trx.selectFrom("sections").select("id").where("standard_id", "=", standard.id).executeTakeFirst();
      if (any) throw standardNotEmpty(slug);
    } else {
      standard = await createStandard(trx, { slug, title: parsed.title, description: parsed.description }, actorId);
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
  });
}
