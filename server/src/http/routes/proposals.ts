import { Type } from "typebox";
import {
  AcceptProposalBody,
  AddCoAuthorBody,
  AddProposalSectionBody,
  CoAuthorList,
  CreateProposalBody,
  ProposalCreated,
  ProposalDetail,
  ProposalDiff,
  ProposalList,
  ProposalListQuery,
  ProposalPreview,
  ProposalSection,
  RejectProposalBody,
  Slug,
  Tally,
  UserRef,
  UpdateProposalBody,
  UpdateProposalSectionBody,
  Uuid,
  Vote,
  VoteBody,
} from "@codewright/shared";
import type { App, RouteOptions } from "../types";
import { responses } from "../schemas";
import type { Actor } from "../../domain/auth";
import type { DomainContext } from "../../domain/context";
import { accessToStandard } from "../../domain/standards";
import {
  acceptProposal,
  accessToProposal,
  addCoAuthor,
  addProposalSection,
  castVote,
  changeProposalSection,
  coAuthorCandidates,
  createProposal,
  deleteProposalSection,
  listProposals,
  openProposalSection,
  proposalDetail,
  proposalDiff,
  proposalPreview,
  proposalSections,
  rejectProposal,
  removeCoAuthor,
  reopenProposal,
  submitProposal,
  updateProposal,
  withdrawProposal,
} from "../../domain/proposals";

const SlugParams = Type.Object({ slug: Slug });
const IdParams = Type.Object({ id: Uuid });
const SectionParams = Type.Object({ id: Uuid, sid: Uuid });
const CoAuthorParams = Type.Object({ id: Uuid, userId: Uuid });
const tags = ["proposals"];

async function detail(ctx: DomainContext, id: string, actor: Actor | null) {
  return proposalDetail(ctx.db, await accessToProposal(ctx.db, id, actor));
}

async function section(ctx: DomainContext, id: string, sectionId: string, actor: Actor | null) {
  const sections = await proposalSections(ctx.db, await accessToProposal(ctx.db, id, actor));
  return sections.find((s) => s.id === sectionId)!;
}

/** Proposals: create and list per standard; read, edit, co-author, submit, vote, decide one. */
export default async function proposalRoutes(app: App, { ctx }: RouteOptions) {
  app.post(
    "/api/standards/:slug/proposals",
    { schema: { tags, params: SlugParams, body: CreateProposalBody, response: responses({ 201: ProposalCreated }, 400, 401, 403, 404) } },
    async (request, reply) => {
      const access = await accessToStandard(ctx.db, request.params.slug, request.actor);
      const row = await createProposal(ctx, access, request.body);
      reply.status(201);
      return { id: row.id, state: "draft" as const };
    },
  );

  app.get(
    "/api/standards/:slug/proposals",
    { schema: { tags, params: SlugParams, querystring: ProposalListQuery, response: responses({ 200: ProposalList }, 400, 404) } },
    async (request) => {
      const access = await accessToStandard(ctx.db, request.params.slug, request.actor);
      return { proposals: await listProposals(ctx.db, access, request.query.state) };
    },
  );

  app.get("/api/proposals/:id", { schema: { tags, params: IdParams, response: responses({ 200: ProposalDetail }, 404) } }, async (request) =>
    detail(ctx, request.params.id, request.actor),
  );

  app.patch(
    "/api/proposals/:id",
    { schema: { tags, params: IdParams, body: UpdateProposalBody, response: responses({ 200: ProposalDetail }, 400, 401, 403, 404, 409) } },
    async (request) => {
      await updateProposal(ctx, request.params.id, request.actor, request.body);
      return detail(ctx, request.params.id, request.actor);
    },
  );

  app.post(
    "/api/proposals/:id/co-authors",
    { schema: { tags, params: IdParams, body: AddCoAuthorBody, response: responses({ 200: CoAuthorList }, 400, 401, 403, 404, 409) } },
    async (request) => {
      const coAuthors = await addCoAuthor(ctx, request.params.id, request.actor, request.body.userId);
      return { coAuthors };
    },
  );

  app.get(
    "/api/proposals/:id/co-authors/candidates",
    { schema: { tags, params: IdParams, response: responses({ 200: Type.Object({ candidates: Type.Array(UserRef) }) }, 401, 403, 404) } },
    async (request) => ({ candidates: await coAuthorCandidates(ctx.db, request.params.id, request.actor) }),
  );

  app.delete(
    "/api/proposals/:id/co-authors/:userId",
    { schema: { tags, params: CoAuthorParams, response: responses({ 200: CoAuthorList }, 401, 403, 404) } },
    async (request) => ({ coAuthors: await removeCoAuthor(ctx, request.params.id, request.actor, request.params.userId) }),
  );

  app.post(
    "/api/proposals/:id/sections",
    { schema: { tags, params: IdParams, body: AddProposalSectionBody, response: responses({ 201: ProposalSection }, 400, 401, 403, 404, 409) } },
    async (request, reply) => {
      const entry = await addProposalSection(ctx, request.params.id, request.actor, request.body);
      reply.status(201);
      return section(ctx, request.params.id, entry.id, request.actor);
    },
  );

  app.patch(
    "/api/proposals/:id/sections/:sid",
    { schema: { tags, params: SectionParams, body: UpdateProposalSectionBody, response: responses({ 200: ProposalSection }, 400, 401, 403, 404, 409) } },
    async (request) => {
      await changeProposalSection(ctx, request.params.id, request.actor, request.params.sid, request.body);
      return section(ctx, request.params.id, request.params.sid, request.actor);
    },
  );

  app.delete(
    "/api/proposals/:id/sections/:sid",
    { schema: { tags, params: SectionParams, response: responses({ 200: Type.Object({ removed: Type.Array(Uuid) }) }, 401, 403, 404, 409) } },
    async (request) => ({ removed: await deleteProposalSection(ctx, request.params.id, request.actor, request.params.sid) }),
  );

  app.post(
    "/api/proposals/:id/sections/:sid/fork",
    { schema: { tags, params: SectionParams, response: responses({ 200: Type.Object({ room: Type.String() }) }, 401, 403, 404, 409) } },
    async (request) => ({ room: await openProposalSection(ctx, request.params.id, request.actor, request.params.sid) }),
  );

  for (const [verb, run] of [
    ["submit", submitProposal],
    ["reopen", reopenProposal],
    ["withdraw", withdrawProposal],
  ] as const) {
    app.post(`/api/proposals/:id/${verb}`, { schema: { tags, params: IdParams, response: responses({ 200: ProposalDetail }, 401, 403, 404, 409) } }, async (request) => {
      await run(ctx, request.params.id, request.actor);
      return detail(ctx, request.params.id, request.actor);
    });
  }

  app.post(
    "/api/proposals/:id/accept",
    { schema: { tags, params: IdParams, body: AcceptProposalBody, response: responses({ 200: ProposalDetail }, 400, 401, 403, 404, 409) } },
    async (request) => {
      await acceptProposal(ctx, request.params.id, request.actor, request.body.note);
      return detail(ctx, request.params.id, request.actor);
    },
  );

  app.post(
    "/api/proposals/:id/reject",
    { schema: { tags, params: IdParams, body: RejectProposalBody, response: responses({ 200: ProposalDetail }, 400, 401, 403, 404, 409) } },
    async (request) => {
      await rejectProposal(ctx, request.params.id, request.actor, request.body.reason);
      return detail(ctx, request.params.id, request.actor);
    },
  );

  app.put(
    "/api/proposals/:id/vote",
    { schema: { tags, params: IdParams, body: VoteBody, response: responses({ 200: Type.Object({ tally: Tally, vote: Vote }) }, 400, 401, 403, 404, 409) } },
    async (request) => {
      await castVote(ctx, request.params.id, request.actor, request.body);
      const d = await detail(ctx, request.params.id, request.actor);
      return { tally: d.tally, vote: d.myVote! };
    },
  );

  app.get("/api/proposals/:id/diff", { schema: { tags, params: IdParams, response: responses({ 200: ProposalDiff }, 404) } }, async (request) => {
    const { proposal } = await accessToProposal(ctx.db, request.params.id, request.actor);
    return proposalDiff(ctx.db, proposal);
  });

  app.get("/api/proposals/:id/preview", { schema: { tags, params: IdParams, response: responses({ 200: ProposalPreview }, 404) } }, async (request) => {
    const { proposal } = await accessToProposal(ctx.db, request.params.id, request.actor);
    return proposalPreview(ctx.db, proposal);
  });
}
