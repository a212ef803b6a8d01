import { stringify } from "csv-stringify/sync";
import type { CycleReport } from "@codewright/shared";
import type { Actor } from "../auth";
import type { DomainContext } from "../context";
import { readCycleReport } from "./report";

/**
 * The comments of a cycle as a spreadsheet: RFC 4180 CSV (CRLF, fields quoted as needed), UTF-8
 * with a byte order mark so LibreOffice and Excel read the characters right, one comment a row,
 * in the order of the cycle report (the same record: the frozen report once the cycle ended).
 * Cells beginning with `=`, `+`, `-`, `@`, a tab or a carriage return get a leading `'`, so a
 * spreadsheet shows them as text instead of running them as formulas.
 */

const COLUMNS = ["id", "section number", "section label", "kind", "commenter", "affiliation", "quoted text", "comment", "proposed text", "disposition", "response", "commenter's answer"];

/** The CSV text of the cycle's comments, for whoever may read its standard. */
export async function cycleCommentsCsv(ctx: DomainContext, actor: Actor | null, id: string): Promise<{ csv: string; final: boolean }> {
  const report = await readCycleReport(ctx, actor, id);
  const { comments } = JSON.parse(report.text) as CycleReport;
  const rows = comments.map((c) => [
    c.id,
    c.section?.number ?? "",
    c.section?.label ?? "",
    c.kind ?? "",
    c.commenter.name,
    c.commenter.affiliation ?? "",
    c.quotedText ?? "",
    c.body,
    c.proposedText ?? "",
    c.disposition ?? "",
    c.response ?? "",
    c.answer ?? "",
  ]);
  return { csv: stringify(rows, { bom: true, header: true, columns: COLUMNS, record_delimiter: "windows", escape_formulas: true }), final: report.final };
}
