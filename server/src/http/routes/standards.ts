import { Type } from "typebox";
import { CreateStandardBody, MemberList, Membership, Ok, SetMembershipBody, Slug, Standard, StandardList, UpdateStandardBody, Uuid } from "@codewright/shared";
import type { App, RouteOptions } from "../types";
import { responses } from "../schemas";
import { createStandard, listMembers, listStandards, readStandard, removeMembership, setMembership, updateStandard } from "../../domain/standards";

const SlugParams = Type.Object({ slug: Slug });
const MemberParams = Type.Object({ slug: Slug, userId: Uuid });

export default async function standardRoutes(app: App, { ctx }: RouteOptions) {
  app.get("/api/standards", { schema: { tags: ["standards"], response: responses({ 200: StandardList }) } }, async (request) => listStandards(ctx, request.actor));

  app.post("/api/standards", { schema: { tags: ["standards"], body: CreateStandardBody, response: responses({ 201: Standard }, 400, 401, 403, 409) } }, async (request, reply) => {
    const standard = await createStandard(ctx, request.actor, request.body);
    reply.status(201);
    return standard;
  });

  app.get("/api/standards/:slug", { schema: { tags: ["standards"], params: SlugParams, response: responses({ 200: Standard }, 404) } }, async (request) =>
    readStandard(ctx, request.actor, request.params.slug),
  );

  app.patch(
    "/api/standards/:slug",
    { schema: { tags: ["standards"], params: SlugParams, body: UpdateStandardBody, response: responses({ 200: Standard }, 400, 401, 403, 404) } },
    async (request) => updateStandard(ctx, request.actor, request.params.slug, request.body),
  );

  app.get("/api/standards/:slug/members", { schema: { tags: ["standards"], params: SlugParams, response: responses({ 200: MemberList }, 401, 403, 404) } }, async (request) =>
    listMembers(ctx, request.actor, request.params.slug),
  );

  app.put(
    "/api/standards/:slug/members/:userId",
    { schema: { tags: ["standards"], params: MemberParams, body: SetMembershipBody, response: responses({ 200: Membership }, 400, 401, 403, 404) } },
    async (request) => setMembership(ctx, request.actor, request.params.slug, request.params.userId, request.body),
  );

  app.delete(
    "/api/standards/:slug/members/:userId",
    { schema: { tags: ["standards"], params: MemberParams, response: responses({ 200: Ok }, 401, 403, 404) } },
    async (request) => removeMembership(ctx, request.actor, request.params.slug, request.params.userId),
  );
}
