/**
 * What the sync module logs through: the subset of pino it uses, so any pino (or Fastify) logger
 * fits, and so does a test's silent one. Each call takes structured fields, then a sentence.
 */
export interface SyncLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}
