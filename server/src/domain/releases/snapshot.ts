import * as Y from "yjs";
import { parseContent, plainText, type ReleaseSection } from "@codewright/shared";
import type { Db } from "../../db/database";
import { outline } from "../sections";
import { readBody } from "../section-body";

/**
 * The draft of a standard as a release's section tree: every live section in outline order
 * with its number, its body rebuilt from its room's log, and that body's plain text (cross-
 * references read as their target's number). Reads the outline and every log in two queries;
 * run it in a repeatable-read transaction to get one consistent point even while people type
 * (the sync server stores each update before anyone sees it, so the log is the truth).
 */
export async function snapshotDraft(db: Db, standardId: string): Promise<ReleaseSection[]> {
  const sections = await outline(db, standardId);
  const rows = await db
    .selectFrom("room_updates")
    .innerJoin("sections", "sections.room", "room_updates.room")
    .select(["room_updates.room", "room_updates.data"])
    .where("sections.standard_id", "=", standardId)
    .where("sections.deleted_at", "is", null)
    .orderBy("room_updates.room")
    .orderBy("room_updates.seq")
    .execute();
  const logs = new Map<string, Uint8Array[]>();
  for (const row of rows) {
    const log = logs.get(row.room);
    if (log) log.push(row.data);
    else logs.set(row.room, [row.data]);
  }

  const numbers = new Map(sections.map((s) => [s.id, s.number]));
  const byId = new Map<string, ReleaseSection>();
  const roots: ReleaseSection[] = [];
  // `outline` is depth-first, so a parent is always placed before its children.
  for (const s of sections) {
    const content = bodyOf(s.room, logs.get(s.room) ?? []);
    const section: ReleaseSection = {
      id: s.id,
      label: s.label,
      number: s.number,
      title: s.title,
      content,
      text: plainText(parseContent(content), (id) => numbers.get(id)),
      children: [],
    };
    byId.set(s.id, section);
    if (s.parent_id === null) roots.push(section);
    else byId.get(s.parent_id)!.children.push(section);
  }
  return roots;
}

function bodyOf(room: string, log: Uint8Array[]) {
  // Naming the doc saves Yjs drawing a random guid, which costs more than reading a small body.
  const doc = new Y.Doc({ gc: false, guid: room });
  try {
    if (log.length > 0) Y.applyUpdate(doc, log.length === 1 ? log[0]! : Y.mergeUpdates(log));
    return readBody(doc, room);
  } finally {
    doc.destroy();
  }
}
