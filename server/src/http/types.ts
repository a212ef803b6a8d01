import type { FastifyInstance, FastifyBaseLogger, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from "fastify";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { DomainContext } from "../domain/context";
import type { Config } from "../config";
import type { SigningKeyStore } from "../domain/releases/signing";

/** The Fastify instance with TypeBox types, as every route module sees it. */
export type App = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, TypeBoxTypeProvider>;

/** What every route plugin is registered with. */
export interface RouteOptions {
  ctx: DomainContext;
  config: Config;
  /** The release signing key, one per process. */
  signingKeys: SigningKeyStore;
}
