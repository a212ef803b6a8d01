import Fastify, { type FastifyInstance } from "fastify";
import cookie from "@fastify/cookie";
import helmet from "@fastify/helmet";
import rateLimit from "@fastify/rate-limit";
import swagger from "@fastify/swagger";
import websocket from "@fastify/websocket";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { Config } from "./config";
import type { DatabaseHandle } from "./db/connect";
import { AccessEvents, type DomainContext } from "./domain/context";
import { OutlineCache } from "./domain/outline-cache";
import { PasswordChecks } from "./domain/passwords";
import { systemClock, type Clock } from "./domain/clock";
import { settleActiveCycles } from "./domain/cycles/cycles";
import { ballotEffects } from "./domain/cycles/ballot/rounds";
import { firstDraftEffects } from "./domain/cycles/first-draft";
import { publicationEffects } from "./domain/cycles/publication";
import { SigningKeyStore } from "./domain/releases/signing";
import { bodyRepairs } from "./domain/section-body";
import { errorsPlugin, frameworkErrors } from "./http/plugins/errors";
import { authPlugin } from "./http/plugins/auth";
import { clientPlugin } from "./http/plugins/client";
import { syncPlugin } from "./http/plugins/sync";
import { activeBaseSeqs, proposalRoomGrant, workflowRecords } from "./domain/proposals";
import { draftRoomGrant } from "./domain/room-grants";
import { SyncService } from "./sync";
import { Background, Worker } from "./background/worker";
import { dispatchEvents, type EventHandler } from "./domain/events/outbox";
import { mailWorker } from "./background/mail";
import { webhookWorker } from "./background/webhooks";
import { createMailTransport } from "./mail/transport";
import { webhookDeliveries } from "./domain/webhooks/events";
import { DEFAULT_TIMEOUT_MS } from "./webhooks/sender";
import healthRoutes from "./http/routes/health";
import authRoutes from "./http/routes/auth";
import oidcRoutes from "./http/routes/oidc";
import accountRoutes from "./http/routes/accounts";
import userRoutes from "./http/routes/users";
import standardRoutes from "./http/routes/standards";
import sectionRoutes from "./http/routes/sections";
import importRoutes from "./http/routes/import";
import releaseRoutes from "./http/routes/releases";
import proposalRoutes from "./http/routes/proposals";
import commentRoutes from "./http/routes/comments";
import activityRoutes from "./http/routes/activity";
import webhookRoutes from "./http/routes/webhooks";
import cycleRoutes from "./http/routes/cycles";
import ballotRoutes from "./http/routes/ballot";
import notificationRoutes from "./http/routes/notifications";
import { notificationEvents, remindDeadlines, sendDigests } from "./domain/notifications";

export interface AppOptions {
  config: Config;
  database: DatabaseHandle;
  /** Log through pino; false in tests. Default true. */
  logger?: boolean;
  /** The domain's clock; default the system's. Tests pass one they set. */
  clock?: Clock;
}

declare module "fastify" {
  interface FastifyInstance {
    /** The database and the access event bus, as domain code needs them. */
    domain: DomainContext;
    /** Every route as `METHOD /path`, in registration order (the authorization matrix is built from it). */
    routeTable: string[];
    /** The workers of the database queues (events, mail, webhooks…); `drain()` empties them now. */
    background: Background;
  }
}

/**
 * Builds the whole platform as one Fastify instance: plugins (external, then ours), then routes.
 * The caller owns the database handle and the listening socket; `app.close()` stops everything else.
 */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const { config, database } = options;
  const app = Fastify({
    // Errors Fastify answers before any route runs get the same `{ error: { code, message } }` body.
    frameworkErrors,
    logger:
      options.logger === false
        ? false
        : {
            level: config.logLevel,
            // Websocket URLs may carry an API token (`?token=`): never write it to a log.
            serializers: {
              req: (request: { method: string; url: string; ip?: string }) => ({
                method: request.method,
                url: request.url.replace(/([?&]token=)[^&]*/g, "$1[redacted]"),
                remoteAddress: request.ip,
              }),
            },
          },
    bodyLimit: config.limits.bodyBytes,
    onProtoPoisoning: "error",
    onConstructorPoisoning: "error",
    trustProxy: false,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: false } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  // The release signing key: the release routes sign with it, and so do the cycle stages that publish a first draft.
  const signingKeys = new SigningKeyStore(database.db, config.dataDir);
  const ctx: DomainContext = {
    db: database.db,
    events: new AccessEvents(),
    outlines: new OutlineCache(),
    passwords: new PasswordChecks({ concurrent: config.limits.concurrentPasswordChecks, queued: config.limits.queuedPasswordChecks }),
    publicUrl: config.publicUrl,
    clock: options.clock ?? systemClock,
    cycleEffects: { ...firstDraftEffects(() => signingKeys.loaded(), workflowRecords), ballot: ballotEffects, publication: publicationEffects },
  };
  // A repaired body means the room holds content the schema cannot: someone should look at it.
  const stopRepairLog = bodyRepairs.listen(({ room, repairs }) => app.log.warn({ room, repairs }, "a section body did not fit the schema and was repaired when read"));
  app.addHook("onClose", async () => stopRepairLog());
  app.decorate("domain", ctx);
  app.decorate("routeTable", [] as string[]);
  app.addHook("onRoute", (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const m of methods) if (m !== "HEAD") app.routeTable.push(`${m} ${route.url}`);
  });

  await app.register(errorsPlugin);
  await app.register(cookie);
  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", "data:"],
        connectSrc: ["'self'", "ws:", "wss:"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        frameAncestors: ["'none'"],
        formAction: ["'self'"],
        upgradeInsecureRequests: null,
      },
    },
    crossOriginEmbedderPolicy: false,
  });
  // preHandler, so a limit can key on the parsed body (login: per address and email).
  await app.register(rateLimit, { global: false, hook: "preHandler" });
  await app.register(websocket, { options: { maxPayload: config.limits.messageBytes, perMessageDeflate: false } });
  await app.register(swagger, {
    openapi: {
      info: { title: "Codewright API", version: "1", description: "Co-author, review and publish a consensus standard." },
    },
  });
  await app.register(authPlugin, { ctx, allowedOrigins: config.allowedOrigins });
  // Every room kind and state point source is named here: the options are records of required
  // entries, so a kind left out does not compile.
  const sync = new SyncService({
    ctx,
    database,
    config,
    log: app.log,
    rooms: { draft: draftRoomGrant, proposal: proposalRoomGrant(ctx) },
    statePoints: { proposalBases: activeBaseSeqs },
  });
  await app.register(syncPlugin, { sync, ctx, allowedOrigins: config.allowedOrigins });

  const routeOptions = { ctx, config, signingKeys };
  await app.register(healthRoutes, { ...routeOptions, databaseKind: database.kind });
  await app.register(authRoutes, routeOptions);
  await app.register(oidcRoutes, routeOptions);
  await app.register(accountRoutes, routeOptions);
  await app.register(userRoutes, routeOptions);
  await app.register(standardRoutes, routeOptions);
  await app.register(sectionRoutes, routeOptions);
  await app.register(importRoutes, routeOptions);
  await app.register(releaseRoutes, routeOptions);
  await app.register(proposalRoutes, routeOptions);
  await app.register(commentRoutes, routeOptions);
  await app.register(activityRoutes, routeOptions);
  await app.register(webhookRoutes, routeOptions);
  await app.register(cycleRoutes, routeOptions);
  await app.register(ballotRoutes, routeOptions);
  await app.register(notificationRoutes, routeOptions);
  app.get("/api/openapi.json", { schema: { hide: true } }, async () => app.swagger());

  await app.register(clientPlugin, { dir: config.clientDir });

  // The queues in the database, each worked here and by every other process.
  const background = new Background();
  const eventHandlers: EventHandler[] = [notificationEvents(ctx), webhookDeliveries(config.publicUrl)];
  background.add(
    new Worker({
      name: "events",
      pollMs: config.background.pollMs,
      log: app.log,
      step: async () => {
        const dispatched = await dispatchEvents(ctx, eventHandlers);
        // Dispatching made deliveries (perhaps): their sender looks now, not at its next poll.
        if (dispatched > 0) ctx.events.emit("queued", { queue: "webhooks" });
        return dispatched;
      },
    }),
  );
  // Mail goes out through SMTP_URL, or into DATA_DIR/outbox as files (see mail/transport.ts).
  const mailTransport = createMailTransport(config.mail);
  background.add(mailWorker(ctx, mailTransport, { pollMs: config.background.pollMs, log: app.log }));
  background.add(webhookWorker(ctx, { allowPrivate: config.webhooks.allowPrivate, timeoutMs: DEFAULT_TIMEOUT_MS, pollMs: config.background.pollMs, log: app.log }));
  // Stages open and close by the clock: each active cycle is settled now and then, as well as by every action on it.
  background.add(new Worker({ name: "cycles", pollMs: config.background.pollMs, log: app.log, step: () => settleActiveCycles(ctx) }));
  // Work that falls due with time rather than being queued: looked at once a minute at most.
  const clockPollMs = config.background.pollMs && Math.max(config.background.pollMs, 60_000);
  background.add(new Worker({ name: "reminders", pollMs: clockPollMs, log: app.log, step: () => remindDeadlines(ctx) }));
  background.add(new Worker({ name: "digests", pollMs: clockPollMs, log: app.log, step: () => sendDigests(ctx, config.background.digestHourUtc) }));
  app.decorate("background", background);
  const onQueued = ({ queue }: { queue: string }) => background.get(queue)?.wake();
  ctx.events.on("queued", onQueued);
  app.addHook("onReady", async () => background.start());
  app.addHook("preClose", async () => {
    ctx.events.off("queued", onQueued);
    await background.stop();
    mailTransport.close();
  });
  return app;
}
