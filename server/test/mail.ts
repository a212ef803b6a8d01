/**
 * Mail in tests: a real SMTP server in the test process, and the outbox folder the app writes to
 * without one.
 *
 *   const smtp = await startSmtpServer();                  // `{ auth: { user, pass } }` to require AUTH
 *   const t = await startTestApp(kind, smtp.config());      // the app sends through it (spread to add more)
 *   … a request that queues mail …
 *   await t.app.background.drain();                        // sends what is queued, now
 *   const mail = await smtp.waitFor("ada@example.org");     // the next message to Ada (parsed by mailparser)
 *   mail.subject; mail.text; mail.html; mail.messageId; header(mail, "List-Unsubscribe");
 *   const [link] = linksIn(mail, "/verify");               // links of the text part, here those containing "/verify"
 *   await smtp.close();
 *
 * `waitFor` hands each message out once: called again for the same address, it gives the next
 * one, waiting for it to arrive (up to `timeoutMs`, default 10 s, then it fails listing what came).
 * `smtp.messages` holds every message accepted so far, in order. `reject` refuses messages, e.g.
 * `reject: ({ count }) => (count === 1 ? { code: 451, message: "Try again later" } : undefined)`.
 *
 * Without SMTP_URL: `const outbox = freshOutbox()` is a folder of its own (made by the app on its
 * first message), `startTestApp(kind, outbox.config())`, and `await outbox.read()` (or
 * `readOutbox(dir)`) parses its `.eml` files, oldest first.
 */
import { randomBytes } from "node:crypto";
import { readdir, readFile, rm } from "node:fs/promises";
import { rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { simpleParser, type ParsedMail } from "mailparser";
import { SMTPServer } from "smtp-server";
import type { Config } from "../src/config";
import { testConfig } from "./helper";

/** A message as the SMTP server received it: parsed, with its envelope and its raw text. */
export type ReceivedMail = ParsedMail & {
  envelope: { from: string; to: string[] };
  /** The message exactly as it came over the wire. */
  raw: string;
};

export interface SmtpServerOptions {
  /** Require AUTH PLAIN/LOGIN with these credentials; without it the server takes mail from anyone. */
  auth?: { user: string; pass: string };
  /** Implicit TLS (`smtps://`), with smtp-server's built-in test certificate. */
  secure?: boolean;
  /**
   * Refuses a message at the end of DATA: return the SMTP reply (4xx: try later, 5xx: never) or
   * undefined to accept it. `count` numbers the messages offered so far, this one included.
   */
  reject?: (offered: { to: string[]; from: string; count: number }) => { code: number; message: string } | undefined;
}

export interface TestSmtpServer {
  /** `smtp://127.0.0.1:<port>` (with the credentials, or `smtps://…`): the app's SMTP_URL. */
  url: string;
  port: number;
  /** Every message accepted so far, in the order they came. */
  messages: ReceivedMail[];
  /** The next message to `to` not handed out yet that `match` accepts; waits for it. */
  waitFor(to: string, options?: { match?: (mail: ReceivedMail) => boolean; timeoutMs?: number }): Promise<ReceivedMail>;
  /** A configuration override that sends the app's mail here (`startTestApp(kind, smtp.config())`). */
  config(): Partial<Config>;
  close(): Promise<void>;
}

export async function startSmtpServer(options: SmtpServerOptions = {}): Promise<TestSmtpServer> {
  const messages: ReceivedMail[] = [];
  const handedOut = new Set<ReceivedMail>();
  const waiters = new Set<() => void>();
  let offered = 0;

  const server = new SMTPServer({
    logger: false,
    secure: options.secure ?? false,
    disabledCommands: options.auth ? ["STARTTLS"] : ["STARTTLS", "AUTH"],
    authOptional: !options.auth,
    allowInsecureAuth: true,
    disableReverseLookup: true,
    onAuth(auth, _session, callback) {
      if (options.auth && auth.username === options.auth.user && auth.password === options.auth.pass) return callback(null, { user: auth.username });
      callback(Object.assign(new Error("Invalid username or password"), { responseCode: 535 }));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("error", (err) => callback(err));
      stream.on("end", () => {
        const envelope = {
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((r) => r.address),
        };
        const refusal = options.reject?.({ ...envelope, count: ++offered });
        if (refusal) return callback(Object.assign(new Error(refusal.message), { responseCode: refusal.code }));
        const raw = Buffer.concat(chunks);
        simpleParser(raw).then(
          (parsed) => {
            messages.push(Object.assign(parsed, { envelope, raw: raw.toString("utf8") }));
            for (const wake of [...waiters]) wake();
            callback();
          },
          (err: Error) => callback(err),
        );
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  const credentials = options.auth ? `${encodeURIComponent(options.auth.user)}:${encodeURIComponent(options.auth.pass)}@` : "";
  const url = options.secure ? `smtps://${credentials}127.0.0.1:${port}/?tls.rejectUnauthorized=false` : `smtp://${credentials}127.0.0.1:${port}`;

  const sameAddress = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();
  const find = (to: string, match?: (mail: ReceivedMail) => boolean) =>
    messages.find((m) => !handedOut.has(m) && m.envelope.to.some((r) => sameAddress(r, to)) && (!match || match(m)));

  return {
    url,
    port,
    messages,
    waitFor(to, { match, timeoutMs = 10_000 } = {}) {
      return new Promise<ReceivedMail>((resolve, reject) => {
        const check = () => {
          const found = find(to, match);
          if (!found) return false;
          handedOut.add(found);
          waiters.delete(wake);
          clearTimeout(timer);
          resolve(found);
          return true;
        };
        const wake = () => void check();
        const timer = setTimeout(() => {
          waiters.delete(wake);
          const seen = messages.map((m) => `${m.envelope.to.join(",")}: ${m.subject ?? ""}${handedOut.has(m) ? " (handed out)" : ""}`);
          reject(new Error(`No message to ${to} arrived within ${timeoutMs} ms. Received: ${seen.length ? seen.join("; ") : "nothing"}`));
        }, timeoutMs);
        if (!check()) waiters.add(wake);
      });
    },
    config: () => ({ mail: { ...testConfig().mail, smtpUrl: url } }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The links (http and https URLs) in a message's text part, those containing `containing` if given. */
export function linksIn(mail: Pick<ParsedMail, "text">, containing?: string): string[] {
  const links = (mail.text ?? "").match(/https?:\/\/[^\s<>"]+/g) ?? [];
  return containing === undefined ? links : links.filter((l) => l.includes(containing));
}

/**
 * A header's value as it was sent, unfolded (mailparser's `headers` map turns some headers, the
 * List-* ones among them, into objects); undefined when the message has none.
 */
export function header(mail: Pick<ParsedMail, "headerLines">, name: string): string | undefined {
  const line = mail.headerLines.find((h) => h.key === name.toLowerCase())?.line;
  return line === undefined ? undefined : line.slice(line.indexOf(":") + 1).replace(/\r?\n[ \t]+/g, " ").trim();
}

/** A message of the outbox folder: parsed, with its file name and raw text. */
export type OutboxMail = ParsedMail & { file: string; raw: string };

/** Parses every `.eml` file of `dir`, in file-name order (the order they were written); [] when the folder does not exist. */
export async function readOutbox(dir: string): Promise<OutboxMail[]> {
  let files: string[];
  try {
    files = (await readdir(dir)).filter((f) => f.endsWith(".eml")).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw err;
  }
  const out: OutboxMail[] = [];
  for (const file of files) {
    const raw = await readFile(join(dir, file));
    out.push(Object.assign(await simpleParser(raw), { file, raw: raw.toString("utf8") }));
  }
  return out;
}

const outboxes: string[] = [];
process.once("exit", () => {
  for (const dir of outboxes) rmSync(dir, { recursive: true, force: true });
});

export interface TestOutbox {
  /** The folder; it does not exist until the app writes its first message. */
  dir: string;
  /** A configuration override without SMTP_URL that writes mail to `dir`. */
  config(): Partial<Config>;
  read(): Promise<OutboxMail[]>;
  /** Deletes the folder and what is in it. */
  clear(): Promise<void>;
}

/** An outbox folder of its own, removed when the test process exits. */
export function freshOutbox(): TestOutbox {
  const dir = join(tmpdir(), `codewright-outbox-${process.pid}-${randomBytes(4).toString("hex")}`);
  outboxes.push(dir);
  return {
    dir,
    config: () => ({ mail: { ...testConfig().mail, smtpUrl: undefined, outboxDir: dir } }),
    read: () => readOutbox(dir),
    clear: () => rm(dir, { recursive: true, force: true }),
  };
}
