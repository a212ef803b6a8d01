import { Type } from "typebox";
import {
  AcceptProposalBody,
  AddCoAuthorBody,
  AddProposalSectionBody,
  CoAuthorList,
  CommitteeAction,
  CommitteeActionBody,
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
import {
  acceptProposal,
  addCoAuthor,
  addProposalSection,
  castVote,
  changeProposalSection,
  coAuthorCandidates,
  createProposal,
  deleteProposalSection,
  listProposals,
  openProposalSection,
  readProposal,
  readProposalDiff,
  readProposalPreview,
  rejectProposal,
  removeCoAuthor,
  reopenProposal,
  submitProposal,
  updateProposal,
  withdrawProposal,
} from "../../domain/proposals";
import { readCommitteeAction, recordCommitteeAction } from "../../domain/cycles/committee";

const SlugParams = Type.Object({ slug: Slug });
const IdParams = Type.Object({ id: Uuid });
const SectionParams = Type.Object({ id: Uuid, sid: Uuid });
const CoAuthorParams = Type.Object({ id: Uuid, userId: Uuid });
const tags = ["proposals"];

/** Proposals: create and list per standard; read, edit, co-author, submit, vote, decide one. */
export default async function proposalRoutes(app: App, { ctx }: RouteOptions) {
  app.post(
    "/api/standards/:slug/proposals",
    { schema: { tags, params: SlugParams, body: CreateProposalBody, response: responses({ 201: ProposalCreated }, 400, 401, 403, 404) } },
    async (request, reply) => {
      const created = await createProposal(ctx, request.actor, request.params.slug, request.body);
      reply.status(201);
      return created;
    },
  );

  app.get(
    "/api/standards/:slug/proposals",
    { schema: { tags, params: SlugParams, querystring: ProposalListQuery, response: responses({ 200: ProposalList }, 400, 404) } },
    async (request) => listProposals(ctx, request.actor, request.params.slug, request.query.state),
  );

  app.get("/api/proposals/:id", { schema: { tags, params: IdParams, response: responses({ 200: ProposalDetail }, 404) } }, async (request) =>
    readProposal(ctx, request.actor, request.params.id),
  );

  app.patch(
    "/api/proposals/:id",
    { schema: { tags, params: IdParams, body: UpdateProposalBody, response: responses({ 200: ProposalDetail }, 400, 401, 403, 404, 409) } },
    async (request) => updateProposal(ctx, request.actor, request.params.id, request.body),
  );

  app.post(
    "/api/proposals/:id/co-authors",
    { schema: { tags, params: IdParams, body: AddCoAuthorBody, response: responses({ 200: CoAuthorList }, 400, 401, 403, 404, 409) } },
    async (request) => addCoAuthor(ctx, request.actor, request.params.id, request.body.userId),
  );

  app.get(
    "/api/proposals/:id/co-authors/candidates",
    { schema: { tags, params: IdParams, response: responses({ 200: Type.Object({ candidates: Type.Array(UserRef) }) }, 401, 403, 404) } },
    async (request) => coAuthorCandidates(ctx, request.actor, request.params.id),
  );

  app.delete(
    "/api/proposals/:id/co-authors/:userId",
    { schema: { tags, params: CoAuthorParams, response: responses({ 200: CoAuthorList }, 401, 403, 404) } },
    async (request) => removeCoAuthor(ctx, request.actor, request.params.id, request.params.userId),
  );

  app.post(
    "/api/proposals/:id/sections",
    { schema: { tags, params: IdParams, body: AddProposalSectionBody, response: responses({ 201: ProposalSection }, 400, 401, 403, 404, 409) } },
    async (request, reply) => {
      const section = await addProposalSection(ctx, request.actor, request.params.id, request.body);
      reply.status(201);
      return section;
    },
  );

  app.patch(
    "/api/proposals/:id/sections/:sid",
    { schema: { tags, params: SectionParams, body: UpdateProposalSectionBody, response: responses({ 200: ProposalSection }, 400, 401, 403, 404, 409) } },
    async (request) => changeProposalSection(ctx, request.actor, request.params.id, request.params.sid, request.body),
  );

  app.delete(
    "/api/proposals/:id/sections/:sid",
    { schema: { tags, params: SectionParams, response: responses({ 200: Type.Object({ removed: Type.Array(Uuid) }) }, 401, 403, 404, 409) } },
    async (request) => deleteProposalSection(ctx, request.actor, request.params.id, request.params.sid),
  );

  app.post(
    "/api/proposals/:id/sections/:sid/fork",
    { schema: { tags, params: SectionParams, response: responses({ 200: Type.Object({ room: Type.String() }) }, 401, 403, 404, 409) } },
    async (request) => openProposalSection(ctx, request.actor, request.params.id, request.params.sid),
  );

  for (const [verb, run] of [
    ["submit", submitProposal],
    ["reopen", reopenProposal],
    ["withdraw", withdrawProposal],
  ] as const) {
    app.post(`/api/proposals/:id/${verb}`, { schema: { tags, params: IdParams, response: responses({ 200: ProposalDetail }, 401, 403, 404, 409) } }, async (request) =>
      run(ctx, request.actor, request.params.id),
    );
  }

  app.post(
    "/api/proposals/:id/accept",
    { schema: { tags, params: IdParams, body: AcceptProposalBody, response: responses({ 200: ProposalDetail }, 400, 401, 403, 404, 409) } },
    async (request) => acceptProposal(ctx, request.actor, request.params.id, request.body.note),
  );

  app.post(
    "/api/proposals/:id/reject",
    { schema: { tags, params: IdParams, body: RejectProposalBody, response: responses({ 200: ProposalDetail }, 400, 401, 403, 404, 409) } },
    async (request) => rejectProposal(ctx, request.actor, request.params.id, request.body.reason),
  );

  app.put(
    "/api/proposals/:id/committee-action",
    {
      schema: {
        tags,
        description: "Records the committee's action on an input of a revision cycle, with its statement, during the committee stage (editors).",
        params: IdParams,
        body: CommitteeActionBody,
        response: responses({ 200: ProposalDetail }, 400, 401, 403, 404, 409),
      },
    },
    async (request) => recordCommitteeAction(ctx, request.actor, request.params.id, request.body),
  );

  app.get("/api/proposals/:id/committee-action", { schema: { tags, params: IdParams, response: responses({ 200: CommitteeAction }, 404) } }, async (request) =>
    readCommitteeAction(ctx, request.actor, request.params.id),
  );

  app.put(
    "/api/proposals/:id/vote",
    { schema: { tags, params: IdParams, body: VoteBody, response: responses({ 200: Type.Object({ tally: Tally, vote: Vote }) }, 400, 401, 403, 404, 409) } },
    async (request) => castVote(ctx, request.actor, request.params.id, request.body),
  );

  app.get("/api/proposals/:id/diff", { schema: { tags, params: IdParams, response: responses({ 200: ProposalDiff }, 404) } }, async (request) =>
    readProposalDiff(ctx, request.actor, request.params.id),
  );

  app.get("/api/proposals/:id/preview", { schema: { tags, params: IdParams, response: responses({ 200: ProposalPreview }, 404) } }, async (request) =>
    readProposalPreview(ctx, request.actor, request.params.id),
  );
}
