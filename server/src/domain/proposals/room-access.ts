import type { Kysely } from "kysely";
import type { Database, Db } from "../../db/database";
import type { DomainContext } from "../context";
import { presenceRole, proposalRoomRights, standardAccess } from "../access";
import { stageNow } from "../cycles/cycles";
import type { RoomGrant, RoomResolver } from "../room-grants";
import { forkSection, parseProposalRoom } from "./rooms";

/**
 * Who may open `proposal.<proposalId>.<sectionId>`: the resolver of the `proposal` room kind.
 * - The proposal's author and co-authors write while it is a draft (for an input to a public
 *   standard, members or not); editors write to an open input while its cycle's committee stage
 *   is the working one (`canCoEdit`). Opening the room to write forks it from the base first
 *   (copy-on-write), so the first edit lands on the base text.
 * - Rights hold for the connection's life: a committee action closes the writers' and editors'
 *   connections (see `recordCommitteeAction`), so they rejoin read-only.
 * - Whoever may read the standard reads a room that exists. A room nobody forked yet does not
 *   exist (null): its text is the base text, which the proposal's diff shows.
 * Null too for a malformed name, an unknown proposal, or a section not in the proposal's outline.
 */
export const proposalRoomGrant =
  (ctx: DomainContext): RoomResolver =>
  async (db, room, actor) => {
    const parsed = parseProposalRoom(room);
    if (!parsed) return null;
    const proposal = await db.selectFrom("proposals").selectAll().where("id", "=", parsed.proposalId).executeTakeFirst();
    if (!proposal) return null;
    const standard = await db.selectFrom("standards").selectAll().where("id", "=", proposal.standard_id).executeTakeFirstOrThrow();
    const access = await standardAccess(db, standard, actor);
    const coAuthors = await db.selectFrom("proposal_co_authors").select("user_id").where("proposal_id", "=", proposal.id).execute();
    const cycleStage = proposal.cycle_id ? await stageNow(ctx, db, proposal.cycle_id) : null;
    const rights = proposalRoomRights(access, { authorId: proposal.author_id, coAuthorIds: coAuthors.map((c) => c.user_id), state: proposal.state, cycleId: proposal.cycle_id, cycleStage });
    const grant: RoomGrant = { standardId: standard.id, rights, role: presenceRole(access) };
    const forked = await db.selectFrom("proposal_rooms").select("room").where("room", "=", room).executeTakeFirst();
    if (forked) return grant;
    if (!rights.write || !proposal.outline.some((e) => e.id === parsed.sectionId)) return null;
    const fork = (trx: Db) => forkSection(trx, proposal.id, parsed.sectionId);
    const made = db.isTransaction ? await fork(db) : await (db as Kysely<Database>).transaction().execute(fork);
    return made ? grant : null;
  };
