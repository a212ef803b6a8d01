import type { ServerResponse } from "node:http";
import type { FastifyBaseLogger, FastifyReply } from "fastify";
import type { Actor } from "../domain/auth";
import type { AccessEventMap, DomainContext } from "../domain/context";

/**
 * A server-sent event stream of the signed-in user's own news (the activity feed, the unread
 * count): it looks for what is new when it opens, when a domain event may concern it, now and then
 * (other processes' changes do not reach this one), and once more before it ends. It lasts no
 * longer than `waitSeconds`, nor than the credential it was opened with: a session ended, a token
 * revoked or a user changed closes it, and the reconnect is checked afresh.
 */
export interface EventStreamOptions {
  ctx: DomainContext;
  actor: Actor;
  reply: FastifyReply;
  log: FastifyBaseLogger;
  /** Seconds before it ends after sending what is pending; 0: send what is pending and end. */
  waitSeconds: number;
  /** Writes whatever is new since the last look (`write` takes one whole event's text). */
  look(write: (event: string) => void): Promise<void>;
  /** Domain events that may bring news, each with a test of whether it does for this stream. */
  wakeOn: WakeOn[];
  /** Streams of the same route, so the server's shutdown ends them. */
  streams: Set<ServerResponse>;
}

export type WakeOn = { [K in keyof AccessEventMap]: { event: K; concerns: (...args: AccessEventMap[K]) => boolean } }[keyof AccessEventMap];

// Notifications and rights changed by other processes do not reach this one: look now and then.
const POLL_MS = 15_000;
const HEARTBEAT_MS = 25_000;

export async function openEventStream(options: EventStreamOptions): Promise<void> {
  const { ctx, actor, reply, streams } = options;
  reply.hijack();
  const raw = reply.raw;
  raw.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache, no-transform", connection: "keep-alive", "x-accel-buffering": "no" });
  streams.add(raw);

  let busy: Promise<void> = Promise.resolve();
  const look = () => {
    busy = busy
      .then(() => (raw.writableEnded ? undefined : options.look((event) => void (raw.writableEnded || raw.write(event)))))
      .catch((err) => options.log.warn({ err }, "an event stream could not read what is new"));
    return busy;
  };

  const closing: WakeOn[] = [
    { event: "sessionEnded", concerns: (e) => e.sessionHash === actor.credentialHash },
    { event: "tokenRevoked", concerns: (e) => e.tokenHash === actor.credentialHash },
    { event: "userChanged", concerns: (e) => e.userId === actor.user.id },
  ];
  const listeners: [keyof AccessEventMap, (...args: never[]) => void][] = [
    ...options.wakeOn.map((w) => [w.event, (...args: never[]) => (w.concerns as (...a: never[]) => boolean)(...args) && void look()] as [keyof AccessEventMap, (...args: never[]) => void]),
    ...closing.map((w) => [w.event, (...args: never[]) => (w.concerns as (...a: never[]) => boolean)(...args) && close()] as [keyof AccessEventMap, (...args: never[]) => void]),
  ];
  const poll = setInterval(() => void look(), POLL_MS);
  const heartbeat = setInterval(() => raw.write(": keep-alive\n\n"), HEARTBEAT_MS);
  const end = setTimeout(() => void look().then(() => raw.end()), Math.max(options.waitSeconds, 1) * 1000);
  const stop = () => {
    clearInterval(poll);
    clearInterval(heartbeat);
    clearTimeout(end);
    for (const [event, listener] of listeners) ctx.events.off(event, listener as never);
    streams.delete(raw);
  };
  const close = () => {
    stop();
    raw.end();
  };
  raw.on("close", stop);
  for (const [event, listener] of listeners) ctx.events.on(event, listener as never);
  raw.write("retry: 5000\n\n");
  // After the listeners are on: a change between opening and listening is caught by this look.
  await look();
  if (options.waitSeconds === 0) close();
}
