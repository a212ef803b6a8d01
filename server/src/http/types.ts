import type { FastifyInstance, FastifyBaseLogger, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from "fastify";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { DomainContext } from "../domain/context";
import type { Config } from "../config";

/** The Fastify instance with TypeBox types, as every route module sees it. */
export type App = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, TypeBoxTypeProvider>;

/** What every route plugin is registered with. */
export interface RouteOptions {
  ctx: DomainContext;
  config: Config;
}
