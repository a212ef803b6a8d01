import { Type } from "typebox";
import { CreateStandardBody, MemberList, Membership, Ok, SetMembershipBody, Slug, Standard, StandardList, UpdateStandardBody, Uuid } from "@codewright/shared";
import type { App, RouteOptions } from "../types";
import { responses } from "../schemas";
import { assertAdmin, assertEditor, assertRead } from "../../domain/access";
import {
  accessToStandard,
  createStandard,
  listMembers,
  listStandards,
  removeMembership,
  setMembership,
  toStandard,
  updateStandard,
} from "../../domain/standards";
import { toUser } from "../../domain/users";

const SlugParams = Type.Object({ slug: Slug });
const MemberParams = Type.Object({ slug: Slug, userId: Uuid });

export default async function standardRoutes(app: App, { ctx }: RouteOptions) {
  app.get("/api/standards", { schema: { tags: ["standards"], response: responses({ 200: StandardList }) } }, async (request) => ({
    standards: await listStandards(ctx.db, request.actor),
  }));

  app.post("/api/standards", { schema: { tags: ["standards"], body: CreateStandardBody, response: responses({ 201: Standard }, 400, 401, 403, 409) } }, async (request, reply) => {
    const admin = assertAdmin(request.actor);
    const row = await ctx.db.transaction().execute((trx) => createStandard(trx, request.body, admin.user.id));
    reply.status(201);
    return toStandard(row);
  });

  app.get("/api/standards/:slug", { schema: { tags: ["standards"], params: SlugParams, response: responses({ 200: Standard }, 404) } }, async (request) => {
    const access = await accessToStandard(ctx.db, request.params.slug, request.actor);
    assertRead(access);
    return toStandard(access.standard);
  });

  app.patch(
    "/api/standards/:slug",
    { schema: { tags: ["standards"], params: SlugParams, body: UpdateStandardBody, response: responses({ 200: Standard }, 400, 401, 403, 404) } },
    async (request) => {
      const access = await accessToStandard(ctx.db, request.params.slug, request.actor);
      assertRead(access);
      const admin = assertAdmin(request.actor);
      return toStandard(await updateStandard(ctx, access.standard, request.body, admin.user.id));
    },
  );

  app.get("/api/standards/:slug/members", { schema: { tags: ["standards"], params: SlugParams, response: responses({ 200: MemberList }, 401, 403, 404) } }, async (request) => {
    const access = await accessToStandard(ctx.db, request.params.slug, request.actor);
    assertEditor(access);
    const rows = await listMembers(ctx.db, access.standard);
    return { members: rows.map((r) => ({ user: toUser(r), role: r.role, voting: r.voting })) };
  });

  app.put(
    "/api/standards/:slug/members/:userId",
    { schema: { tags: ["standards"], params: MemberParams, body: SetMembershipBody, response: responses({ 200: Membership }, 400, 401, 403, 404) } },
    async (request) => {
      const access = await accessToStandard(ctx.db, request.params.slug, request.actor);
      const admin = assertAdmin(request.actor);
      return setMembership(ctx, access.standard, request.params.userId, request.body, admin.user.id);
    },
  );

  app.delete(
    "/api/standards/:slug/members/:userId",
    { schema: { tags: ["standards"], params: MemberParams, response: responses({ 200: Ok }, 401, 403, 404) } },
    async (request) => {
      const access = await accessToStandard(ctx.db, request.params.slug, request.actor);
      const admin = assertAdmin(request.actor);
      await removeMembership(ctx, access.standard, request.params.userId, admin.user.id);
      return { ok: true as const };
    },
  );
}
