import { sql } from "kysely";
import * as Y from "yjs";
import type { Db } from "../../db/database";
import type { ProposalRoomRow } from "../../db/tables/proposals";
import { appendUpdates } from "../room-log";
import { draftRoom } from "../sections";

/**
 * A proposal's sections live in rooms of their own, `proposal.<proposalId>.<sectionId>`. A room
 * is forked from the proposal's base when first written (copy-on-write): its first log row is the
 * base state of the draft room, with the same Yjs item ids, so the fork's own updates since the
 * base are exactly what accepting it applies to the draft.
 */

const UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
const PROPOSAL_ROOM = new RegExp(`^proposal\\.(${UUID})\\.(${UUID})$`);

/** The room of a section's body inside a proposal. */
export const proposalRoom = (proposalId: string, sectionId: string) => `proposal.${proposalId}.${sectionId}`;

/** The proposal and section a room name stands for; null when it is not a proposal room. */
export function parseProposalRoom(room: string): { proposalId: string; sectionId: string } | null {
  const m = PROPOSAL_ROOM.exec(room);
  return m ? { proposalId: m[1]!, sectionId: m[2]! } : null;
}

/** Rows of a room's log up to and including `seq`, merged into one update (null when there are none). */
export async function stateUpTo(db: Db, room: string, seq: bigint): Promise<Uint8Array | null> {
  const rows = await db.selectFrom("room_updates").select("data").where("room", "=", room).where("seq", "<=", seq.toString()).orderBy("seq").execute();
  if (rows.length === 0) return null;
  return rows.length === 1 ? rows[0]!.data : Y.mergeUpdates(rows.map((r) => r.data));
}

/** A document (gc off, like every room) holding `update`; empty for null. Named `room` when given, as `loadRoomDoc` names its documents. */
export function docOf(update: Uint8Array | null, room?: string): Y.Doc {
  const doc = new Y.Doc({ gc: false, guid: room });
  if (update) Y.applyUpdate(doc, update);
  return doc;
}

/** The base seq of every draft room of the proposal's base. */
export async function baseSeqs(db: Db, proposalId: string): Promise<Map<string, bigint>> {
  const rows = await db.selectFrom("proposal_bases").select(["room", "seq"]).where("proposal_id", "=", proposalId).execute();
  return new Map(rows.map((r) => [r.room, BigInt(r.seq)]));
}

/** The base state of a section as an update (null when the section was not in the base). */
export async function baseState(db: Db, proposalId: string, sectionId: string): Promise<Uint8Array | null> {
  const room = draftRoom(sectionId);
  const row = await db.selectFrom("proposal_bases").select("seq").where("proposal_id", "=", proposalId).where("room", "=", room).executeTakeFirst();
  if (!row) return null;
  return (await stateUpTo(db, room, BigInt(row.seq))) ?? Y.encodeStateAsUpdate(new Y.Doc());
}

export async function forkedRooms(db: Db, proposalId: string): Promise<ProposalRoomRow[]> {
  return db.selectFrom("proposal_rooms").selectAll().where("proposal_id", "=", proposalId).execute();
}

/**
 * Creates a proposal room whose first row is `origin` (author null). Idempotent: when the room
 * exists already (another writer forked it first) nothing is written. Call in a transaction.
 */
export async function createProposalRoom(db: Db, proposalId: string, sectionId: string, baseRoom: string | null, origin: Uint8Array): Promise<ProposalRoomRow> {
  const room = proposalRoom(proposalId, sectionId);
  // Claim the room first; a concurrent fork waits on this row and then does nothing.
  const claimed = await db
    .insertInto("proposal_rooms")
    .values({ proposal_id: proposalId, section_id: sectionId, room, base_room: baseRoom, origin_seq: 0 })
    .onConflict((oc) => oc.columns(["proposal_id", "section_id"]).doNothing())
    .returningAll()
    .executeTakeFirst();
  if (!claimed) {
    return db.selectFrom("proposal_rooms").selectAll().where("proposal_id", "=", proposalId).where("section_id", "=", sectionId).executeTakeFirstOrThrow();
  }
  const [seq] = await appendUpdates(db, room, [{ data: origin, authorId: null }]);
  return db
    .updateTable("proposal_rooms")
    .set({ origin_seq: seq!.toString() })
    .where("proposal_id", "=", proposalId)
    .where("section_id", "=", sectionId)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/**
 * Forks the proposal's room for a section of its base, from the base state of the draft room.
 * Returns the existing room when it was forked already. Throws nothing for a section that was
 * not in the base: returns null (added sections get their room when they are added).
 * Call in a transaction.
 */
export async function forkSection(db: Db, proposalId: string, sectionId: string): Promise<ProposalRoomRow | null> {
  const existing = await db.selectFrom("proposal_rooms").selectAll().where("proposal_id", "=", proposalId).where("section_id", "=", sectionId).executeTakeFirst();
  if (existing) return existing;
  const base = await baseState(db, proposalId, sectionId);
  if (!base) return null;
  // Re-encode through a document so the origin is one compact update with the base's item ids.
  const doc = docOf(base);
  try {
    return await createProposalRoom(db, proposalId, sectionId, draftRoom(sectionId), Y.encodeStateAsUpdate(doc));
  } finally {
    doc.destroy();
  }
}

/**
 * The base seqs of the proposals still in `draft` or `open` that depend on a draft room, lowest
 * first: the room's state up to each must stay exact, so compaction merges no rows across them.
 */
export async function activeBaseSeqs(db: Db, room: string): Promise<bigint[]> {
  const rows = await db
    .selectFrom("proposal_bases")
    .innerJoin("proposals", "proposals.id", "proposal_bases.proposal_id")
    .select("proposal_bases.seq")
    .distinct()
    .where("proposal_bases.room", "=", room)
    .where("proposals.state", "in", ["draft", "open"])
    .orderBy("proposal_bases.seq")
    .execute();
  return rows.map((r) => BigInt(r.seq));
}

/**
 * The lowest base seq of a proposal still in `draft` or `open` for a draft room, or null when no
 * such proposal depends on the room. Compaction must not merge rows after it: those proposals
 * rebuild their base from the rows up to their seq.
 */
export async function lowestActiveBaseSeq(db: Db, room: string): Promise<bigint | null> {
  const row = await db
    .selectFrom("proposal_bases")
    .innerJoin("proposals", "proposals.id", "proposal_bases.proposal_id")
    .select(sql<string | null>`min(proposal_bases.seq)`.as("seq"))
    .where("proposal_bases.room", "=", room)
    .where("proposals.state", "in", ["draft", "open"])
    .executeTakeFirst();
  return row?.seq == null ? null : BigInt(row.seq);
}
