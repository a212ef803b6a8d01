import * as Y from "yjs";
import { buildTree, diffReleases, numberOutline, type DiffableRelease, type DiffableSection, type PMJSON, type ReleaseDiff } from "@codewright/shared";
import type { Db } from "../../db/database";
import type { OutlineEntry, ProposalRoomRow, ProposalRow } from "../../db/tables/proposals";
import { loadRoomDoc } from "../room-log";
import { readBody } from "../section-body";
import { draftRoom, outline as draftOutline } from "../sections";
import { mergeOutline, planMerge, type MergeConflict } from "./outline";
import { baseSeqs, docOf, forkedRooms, stateUpTo } from "./rooms";

/**
 * A proposal read as documents the diff engine understands: its base, itself, today's draft,
 * and the draft as it would be if the proposal were accepted now.
 */

/**
 * Stands in for the body of a section whose text is the same on both sides of a diff (nobody
 * forked it), so that no room has to be read for it. The diff engine only compares such bodies.
 */
const SAME_TEXT: PMJSON = { type: "doc", content: [{ type: "paragraph" }] };

/** Outline entries and a body for each, as a release-shaped document. */
export function diffable(entries: readonly OutlineEntry[], content: (id: string) => PMJSON, version: string): DiffableRelease {
  const numbers = new Map(numberOutline(entries).map((e) => [e.id, e.number]));
  type Node = OutlineEntry & { children: Node[] };
  const convert = (node: Node): DiffableSection => ({
    id: node.id,
    label: node.label,
    title: node.title,
    number: numbers.get(node.id)!,
    content: content(node.id),
    children: node.children.map(convert),
  });
  return { version, sections: (buildTree(entries) as Node[]).map(convert) };
}

/** The body a document holds, as ProseMirror JSON (see `readBody`; documents are named after their room); the document is destroyed. */
function contentOf(doc: Y.Doc): PMJSON {
  try {
    return readBody(doc, doc.guid);
  } finally {
    doc.destroy();
  }
}

/** What the proposal's fork of a section adds to its base: the update to apply to the draft, or null when the fork changed nothing. */
export interface ForkDelta {
  room: ProposalRoomRow;
  /** Updates of the fork that the base lacks (with the fork's delete set). */
  update: Uint8Array | null;
  /** The whole fork, for sections the proposal adds. */
  state: Uint8Array;
}

/** The delta of every room of the proposal: forks of base sections against their base, added sections whole. */
export async function forkDeltas(db: Db, proposalId: string): Promise<ForkDelta[]> {
  const rooms = await forkedRooms(db, proposalId);
  const seqs = await baseSeqs(db, proposalId);
  const out: ForkDelta[] = [];
  for (const room of rooms) {
    const fork = await loadRoomDoc(db, room.room);
    const state = Y.encodeStateAsUpdate(fork);
    let update: Uint8Array | null = state;
    if (room.base_room !== null) {
      const base = docOf(await stateUpTo(db, room.base_room, seqs.get(room.base_room) ?? 0n));
      // A deletion adds no item, so compare snapshots (state vector and delete set), not state vectors alone.
      update = Y.equalSnapshots(Y.snapshot(base), Y.snapshot(fork)) ? null : Y.encodeStateAsUpdate(fork, Y.encodeStateVector(base));
      base.destroy();
    }
    fork.destroy();
    out.push({ room, update, state });
  }
  return out;
}

/** Loads the bodies a diff needs, keyed by section id. */
class Bodies {
  readonly #map = new Map<string, PMJSON>();
  set(id: string, content: PMJSON) {
    this.#map.set(id, content);
  }
  get = (id: string): PMJSON => this.#map.get(id) ?? SAME_TEXT;
}

/**
 * The proposal against its base, as diff-engine documents. With `full`, bodies of added and
 * deleted sections are read too (for word changes); otherwise only forked sections are read,
 * which is all that telling modified from unchanged needs.
 */
export async function proposalVersusBase(db: Db, proposal: ProposalRow, full: boolean): Promise<{ base: DiffableRelease; proposed: DiffableRelease; forked: Set<string> }> {
  const rooms = await forkedRooms(db, proposal.id);
  const seqs = await baseSeqs(db, proposal.id);
  const inBase = new Set(proposal.base_outline.map((e) => e.id));
  const inProposal = new Set(proposal.outline.map((e) => e.id));
  const before = new Bodies();
  const after = new Bodies();
  const baseBody = async (id: string) => contentOf(docOf(await stateUpTo(db, draftRoom(id), seqs.get(draftRoom(id)) ?? 0n), draftRoom(id)));
  for (const room of rooms) {
    if (!inProposal.has(room.section_id)) continue;
    after.set(room.section_id, contentOf(await loadRoomDoc(db, room.room)));
    if (inBase.has(room.section_id)) before.set(room.section_id, await baseBody(room.section_id));
  }
  if (full) {
    for (const id of inBase) if (!inProposal.has(id)) before.set(id, await baseBody(id));
  }
  return {
    base: diffable(proposal.base_outline, before.get, "base"),
    proposed: diffable(proposal.outline, after.get, "proposal"),
    forked: new Set(rooms.map((r) => r.section_id)),
  };
}

/** `GET /api/proposals/:id/diff`: the proposal's changes against its base, with word changes. */
export async function proposalDiff(db: Db, proposal: ProposalRow): Promise<ReleaseDiff> {
  const { base, proposed } = await proposalVersusBase(db, proposal, true);
  return diffReleases(base, proposed);
}

/** The draft outline as outline entries. */
export async function draftEntries(db: Db, standardId: string): Promise<OutlineEntry[]> {
  return (await draftOutline(db, standardId)).map((s) => ({ id: s.id, parentId: s.parent_id, position: s.position, label: s.label, title: s.title }));
}

/**
 * `GET /api/proposals/:id/preview`: today's draft against the draft if the proposal were
 * accepted now (its structure replayed, its forks merged with Yjs), and what could not be replayed.
 */
export async function proposalPreview(db: Db, proposal: ProposalRow): Promise<{ diff: ReleaseDiff; conflicts: MergeConflict[] }> {
  const today = await draftEntries(db, proposal.standard_id);
  const { outline: merged, conflicts } = mergeOutline(today, planMerge(proposal.base_outline, proposal.outline));
  const inToday = new Set(today.map((e) => e.id));
  const inMerged = new Set(merged.map((e) => e.id));
  const before = new Bodies();
  const after = new Bodies();
  for (const delta of await forkDeltas(db, proposal.id)) {
    const id = delta.room.section_id;
    if (!inMerged.has(id)) continue;
    if (delta.room.base_room === null) {
      if (!inToday.has(id)) after.set(id, contentOf(docOf(delta.state, delta.room.room)));
      continue;
    }
    if (!inToday.has(id) || delta.update === null) continue;
    const draft = await loadRoomDoc(db, draftRoom(id));
    before.set(id, readBody(draft, draft.guid));
    Y.applyUpdate(draft, delta.update);
    after.set(id, contentOf(draft));
  }
  for (const id of inToday) if (!inMerged.has(id)) before.set(id, contentOf(await loadRoomDoc(db, draftRoom(id))));
  return { diff: diffReleases(diffable(today, before.get, "draft"), diffable(merged, after.get, "proposal")), conflicts };
}
