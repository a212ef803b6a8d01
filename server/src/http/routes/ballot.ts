import { Type } from "typebox";
import { Ballot, BallotVoteBody, NegativeResponseBody, Uuid } from "@codewright/shared";
import type { App, RouteOptions } from "../types";
import { responses } from "../schemas";
import { castBallot, readBallot, respondToNegative } from "../../domain/cycles/ballot/ballot";

const CycleParams = Type.Object({ id: Uuid });
const NegativeParams = Type.Object({ id: Uuid, userId: Uuid });

/** The ballot of a cycle on its whole draft: rounds, named votes, responses to disapprovals, the roster's balance. */
export default async function ballotRoutes(app: App, { ctx }: RouteOptions) {
  app.get(
    "/api/cycles/:id/ballot",
    { schema: { tags: ["cycles"], description: "Every ballot round with its tally, result and named votes, and the roster's balance.", params: CycleParams, response: responses({ 200: Ballot }, 400, 404) } },
    async (request) => readBallot(ctx, request.actor, request.params.id),
  );

  app.put(
    "/api/cycles/:id/ballot",
    {
      schema: {
        tags: ["cycles"],
        description: "Casts or changes the caller's vote on the open ballot round (voters on its frozen roster).",
        params: CycleParams,
        body: BallotVoteBody,
        response: responses({ 200: Ballot }, 400, 401, 403, 404, 409),
      },
    },
    async (request) => castBallot(ctx, request.actor, request.params.id, request.body),
  );

  app.put(
    "/api/cycles/:id/ballot/negatives/:userId",
    {
      schema: {
        tags: ["cycles"],
        description: "The editors' response to a voter's disapproval on the open round.",
        params: NegativeParams,
        body: NegativeResponseBody,
        response: responses({ 200: Ballot }, 400, 401, 403, 404, 409),
      },
    },
    async (request) => respondToNegative(ctx, request.actor, request.params.id, request.params.userId, request.body),
  );
}
