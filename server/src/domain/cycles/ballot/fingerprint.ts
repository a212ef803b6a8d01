import { createHash } from "node:crypto";
import { canonicalJson } from "@codewright/shared";
import type { Db } from "../../../db/database";
import { snapshotDraft } from "../../releases/snapshot";

/**
 * A fingerprint of the draft's text: `sha256:` + the SHA-256 of the canonical JSON of the draft
 * as a release would snapshot it (every live section in outline order with its label, number,
 * title and body). Exact: the same text gives the same fingerprint whatever edits led to it (an
 * edit undone changes nothing), and any change of a body or of the outline gives another. It
 * costs what building a release costs, and is taken only when a ballot round opens and closes.
 */
export async function draftFingerprint(db: Db, standardId: string): Promise<string> {
  const sections = await snapshotDraft(db, standardId);
  return `sha256:${createHash("sha256").update(canonicalJson(sections)).digest("hex")}`;
}
