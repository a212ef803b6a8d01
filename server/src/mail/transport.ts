import { mkdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import nodemailer from "nodemailer";
import type { MailSettings } from "../config";
import type { QueuedMail } from "../domain/mail/delivery";

/**
 * Where queued mail goes: an SMTP server (`SMTP_URL`, through nodemailer), or, without one, an
 * RFC 5322 `.eml` file per message in the outbox folder (`DATA_DIR/outbox`). Both build the
 * message with nodemailer from the same fields, so a file holds exactly what SMTP would carry:
 * From, To, Subject, the queued Message-ID and Date, the queued extra headers (List-Unsubscribe…),
 * and a text and an HTML part.
 */
export interface MailTransport {
  /** Hands one message over; resolves once the server accepted it (or the file is written). */
  send(message: QueuedMail): Promise<void>;
  close(): void;
}

/** Bounds on one SMTP conversation, so a stuck server cannot hold a message past its lease. */
const SMTP_TIMEOUTS = { connectionTimeout: 30_000, greetingTimeout: 30_000, socketTimeout: 60_000 };

export function createMailTransport(settings: MailSettings): MailTransport {
  return settings.smtpUrl ? smtpTransport(settings.smtpUrl, settings.from) : outboxTransport(settings.outboxDir, settings.from);
}

/** Where mail goes, in one line for the start-up log: the SMTP server (never its password), or the outbox folder. */
export function mailDestination(settings: MailSettings): string {
  if (!settings.smtpUrl) return `no SMTP_URL is set: mail is written as .eml files to ${resolve(settings.outboxDir)}`;
  const parsed = new URL(settings.smtpUrl);
  const port = parsed.port || (parsed.protocol === "smtps:" ? "465" : "587");
  return `mail is sent through ${parsed.protocol}//${parsed.hostname}:${port}${parsed.username ? ` as ${decodeURIComponent(parsed.username)}` : ""}, from ${settings.from}`;
}

/** The message as nodemailer composes it; the same for SMTP and for a file. */
function composed(from: string, message: QueuedMail) {
  return {
    from,
    to: message.to,
    subject: message.subject,
    messageId: `<${message.messageId}>`,
    date: message.createdAt,
    headers: message.headers,
    text: message.text,
    html: message.html,
    // Bodies are our own text, but never let a part name a file or a URL to be read in.
    disableFileAccess: true,
    disableUrlAccess: true,
  };
}

function smtpTransport(url: string, from: string): MailTransport {
  const parsed = new URL(url);
  if (parsed.protocol !== "smtp:" && parsed.protocol !== "smtps:") throw new Error(`SMTP_URL must start with smtp:// or smtps://, got "${parsed.protocol}//…".`);
  const mailer = nodemailer.createTransport({ url, ...SMTP_TIMEOUTS, disableFileAccess: true, disableUrlAccess: true });
  return {
    async send(message) {
      await mailer.sendMail(composed(from, message));
    },
    close: () => mailer.close(),
  };
}

function outboxTransport(dir: string, from: string): MailTransport {
  // `buffer` hands back the whole message, CRLF line ends as on the wire.
  const composer = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: "windows" });
  return {
    async send(message) {
      const info = await composer.sendMail(composed(from, message));
      await mkdir(dir, { recursive: true });
      // `wx`: a file is never overwritten; the name sorts by the time it was written.
      await writeFile(join(dir, outboxFileName(message, new Date())), info.message as Buffer, { flag: "wx", mode: 0o640 });
    },
    close: () => composer.close(),
  };
}

/** `20261204T180948123Z-verify-<id>.eml`: sorts by time, unique by the queue id. */
export function outboxFileName(message: Pick<QueuedMail, "id" | "kind">, at: Date): string {
  const stamp = at.toISOString().replace(/[-:.]/g, "");
  const kind = message.kind.replace(/[^A-Za-z0-9-]/g, "-").slice(0, 40);
  return `${stamp}-${kind}-${message.id}.eml`;
}

/**
 * True when the SMTP server refused the recipient or the message itself for good (a 5xx reply to
 * RCPT or DATA): trying again cannot help. Failures to connect, sign in or get an answer, and 4xx
 * replies, are worth another try (the configuration or the server may be fixed meanwhile).
 */
export function isPermanentMailFailure(err: unknown): boolean {
  const e = err as { code?: unknown; responseCode?: unknown };
  return (e.code === "EENVELOPE" || e.code === "EMESSAGE") && typeof e.responseCode === "number" && e.responseCode >= 500 && e.responseCode < 600;
}

/** One line saying why a send failed, for the queue's `last_error` (never a credential). */
export function describeMailFailure(err: unknown): string {
  const e = err as { code?: unknown; responseCode?: unknown; response?: unknown; message?: unknown };
  if (typeof e.response === "string") return `${typeof e.code === "string" ? `${e.code}: ` : ""}${e.response}`.replace(/\s+/g, " ").trim();
  if (err instanceof Error) return `${typeof e.code === "string" ? `${e.code}: ` : ""}${err.message}`.replace(/\s+/g, " ").trim();
  return String(err);
}
