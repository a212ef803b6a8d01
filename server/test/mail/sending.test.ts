import { sql } from "kysely";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../src/app";
import { enqueueMail, type OutgoingMail } from "../../src/domain/mail/queue";
import { claimDueMail, MAIL_RETRY } from "../../src/domain/mail/delivery";
import type { Config } from "../../src/config";
import type { DatabaseHandle } from "../../src/db/connect";
import { databaseKinds, freshDatabase, testConfig, unique } from "../helper";
import { freshOutbox, header, linksIn, startSmtpServer, type TestSmtpServer } from "../mail";

const FROM = "Codewright Tests <codewright@example.org>";

/** A message with both parts, non-ASCII text and the unsubscribe headers of RFC 8058. */
function message(to: string, overrides: Partial<OutgoingMail> = {}): OutgoingMail {
  return {
    kind: "notification",
    to,
    subject: "Ada accepted “Rotate keys”",
    text: "Ada accepted “Rotate keys”.\n\nOpen it: https://codewright.example.org/proposals/p1\n",
    html: '<p>Ada accepted “Rotate keys”.</p><p><a href="https://codewright.example.org/proposals/p1">Open it</a></p>',
    headers: { "List-Unsubscribe": "<https://codewright.example.org/unsubscribe/tok>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" },
    ...overrides,
  };
}

describe.each(databaseKinds)("the mail sender on %s", (kind) => {
  let database: DatabaseHandle;
  const apps: { close(): Promise<void> }[] = [];
  const servers: TestSmtpServer[] = [];
  beforeAll(async () => {
    database = await freshDatabase(kind);
  });
  afterEach(async () => {
    for (const app of apps.splice(0)) await app.close();
    for (const s of servers.splice(0)) await s.close();
  });
  afterAll(async () => database?.close());

  /** An app on the file's database; `pollMs: 0`, so only a drain (or this process queueing) sends. */
  async function app(overrides: Partial<Config>) {
    const config = testConfig({ ...overrides, mail: { ...testConfig().mail, ...overrides.mail, from: FROM }, background: { pollMs: 0, digestHourUtc: 7 } });
    const instance = await buildApp({ config, database, logger: false });
    await instance.ready();
    apps.push(instance);
    // The first look at the queues (at start) is over before the test queues anything.
    await instance.background.drain();
    return instance;
  }
  async function smtp(options: Parameters<typeof startSmtpServer>[0] = {}) {
    const server = await startSmtpServer(options);
    servers.push(server);
    return server;
  }
  const queue = async (mail: OutgoingMail) => {
    const id = await enqueueMail(database.db, "https://codewright.example.org", mail);
    return database.db.selectFrom("mail_queue").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
  };
  const row = (id: string) => database.db.selectFrom("mail_queue").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
  const makeDue = (id: string) => database.db.updateTable("mail_queue").set({ next_attempt_at: sql<Date>`now()` }).where("id", "=", id).execute();
  const address = () => `${unique("to")}@example.org`;

  it("sends through SMTP with both parts, the queued Message-ID, Date and headers, once", async () => {
    const server = await smtp();
    const a = await app(server.config());
    const to = address();
    const queued = await queue(message(to));
    await a.background.drain();

    const mail = await server.waitFor(to);
    expect(mail.envelope).toEqual({ from: "codewright@example.org", to: [to] });
    expect(mail.from?.value).toEqual([{ address: "codewright@example.org", name: "Codewright Tests" }]);
    expect(mail.to).toMatchObject({ value: [{ address: to }] });
    expect(mail.subject).toBe("Ada accepted “Rotate keys”");
    expect(mail.messageId).toBe(`<${queued.message_id}>`);
    expect(queued.message_id).toMatch(/^[0-9a-f-]{36}@codewright\.example\.org$/);
    expect(mail.date?.getTime()).toBe(Math.floor(queued.created_at.getTime() / 1000) * 1000);
    expect(mail.text).toBe("Ada accepted “Rotate keys”.\n\nOpen it: https://codewright.example.org/proposals/p1\n");
    expect(mail.html).toContain('<a href="https://codewright.example.org/proposals/p1">Open it</a>');
    expect(linksIn(mail, "/proposals/")).toEqual(["https://codewright.example.org/proposals/p1"]);
    expect(header(mail, "List-Unsubscribe")).toBe("<https://codewright.example.org/unsubscribe/tok>");
    expect(header(mail, "List-Unsubscribe-Post")).toBe("List-Unsubscribe=One-Click");
    expect(mail.raw).toMatch(/Content-Type: multipart\/alternative/);

    const sent = await row(queued.id);
    expect(sent.sent_at).not.toBeNull();
    expect(sent).toMatchObject({ attempts: 1, locked_until: null, last_error: null, failed_at: null });
    // Sent means never again, however often the queue is looked at.
    await a.background.drain();
    await makeDue(queued.id);
    await a.background.drain();
    expect(server.messages.filter((m) => m.envelope.to.includes(to))).toHaveLength(1);
  });

  it("signs in to a server that requires it, and retries while the credentials are wrong", async () => {
    const server = await smtp({ auth: { user: "mailer", pass: "s3cret pass" } });
    const right = await app(server.config());
    const to = address();
    const queued = await queue(message(to, { subject: "Signed in" }));
    await right.background.drain();
    expect((await server.waitFor(to)).subject).toBe("Signed in");
    await right.close();
    apps.splice(apps.indexOf(right), 1);

    const wrong = await app({ mail: { ...testConfig().mail, smtpUrl: server.url.replace("s3cret%20pass", "wrong") } });
    const refused = await queue(message(to, { subject: "Not signed in" }));
    await wrong.background.drain();
    const failed = await row(refused.id);
    expect(failed).toMatchObject({ sent_at: null, failed_at: null, attempts: 1 });
    expect(failed.last_error).toMatch(/EAUTH/);
    expect(failed.last_error).not.toContain("wrong");
    expect(server.messages.map((m) => m.subject)).toEqual(["Signed in"]);
    expect((await row(queued.id)).attempts).toBe(1);
  });

  it("speaks implicit TLS for smtps:// addresses", async () => {
    const server = await smtp({ secure: true });
    expect(server.url).toMatch(/^smtps:\/\//);
    const a = await app(server.config());
    const to = address();
    await queue(message(to, { subject: "Over TLS" }));
    await a.background.drain();
    expect((await server.waitFor(to)).subject).toBe("Over TLS");
  });

  it("tries again after a temporary refusal, later and with the same Message-ID, and sends once", async () => {
    const server = await smtp({ reject: ({ count }) => (count === 1 ? { code: 451, message: "Greylisted, try again later" } : undefined) });
    const a = await app(server.config());
    const to = address();
    const queued = await queue(message(to));
    await a.background.drain();

    const failed = await row(queued.id);
    expect(failed).toMatchObject({ sent_at: null, failed_at: null, attempts: 1, locked_until: null });
    expect(failed.last_error).toMatch(/451/);
    const { later } = (await sql<{ later: boolean }>`select next_attempt_at >= now() + interval '50 seconds' as later from mail_queue where id = ${queued.id}`.execute(database.db)).rows[0]!;
    expect(later, "the retry waits the first backoff (a minute)").toBe(true);
    // Not due yet: another look sends nothing.
    await a.background.drain();
    expect(server.messages).toHaveLength(0);

    await makeDue(queued.id);
    await a.background.drain();
    const mail = await server.waitFor(to);
    expect(mail.messageId).toBe(`<${queued.message_id}>`);
    expect(await row(queued.id)).toMatchObject({ attempts: 2, last_error: null, failed_at: null });
    expect(server.messages).toHaveLength(1);
  });

  it("waits twice as long after each failure, and gives up after the last attempt", async () => {
    const server = await smtp({ reject: () => ({ code: 421, message: "Service not available" }) });
    const a = await app(server.config());
    const queued = await queue(message(address()));
    const waits: number[] = [];
    for (let attempt = 1; attempt <= MAIL_RETRY.maxAttempts; attempt++) {
      await makeDue(queued.id);
      await a.background.drain();
      const { wait } = (await sql<{ wait: number }>`select extract(epoch from (next_attempt_at - now()))::float8 as wait from mail_queue where id = ${queued.id}`.execute(database.db)).rows[0]!;
      waits.push(Number(wait));
    }
    const given = await row(queued.id);
    expect(given.attempts).toBe(MAIL_RETRY.maxAttempts);
    expect(given.failed_at).not.toBeNull();
    expect(given.sent_at).toBeNull();
    // Each wait doubles (a minute, two, four…) up to the cap; the last failure schedules nothing.
    const expected = Array.from({ length: MAIL_RETRY.maxAttempts - 1 }, (_, i) => Math.min(60 * 2 ** i, MAIL_RETRY.maxDelayMs / 1000));
    expect(expected.at(-1), "the cap is reached before the end").toBe(MAIL_RETRY.maxDelayMs / 1000);
    // (Less the moments between the failure being recorded and this look.)
    expected.forEach((seconds, i) => {
      expect(waits[i], `wait after attempt ${i + 1}`).toBeLessThanOrEqual(seconds);
      expect(waits[i], `wait after attempt ${i + 1}`).toBeGreaterThan(seconds - 10);
    });
    expect(waits.at(-1)).toBeLessThanOrEqual(0);
    // Given up is for good.
    await makeDue(queued.id);
    await a.background.drain();
    expect((await row(queued.id)).attempts).toBe(MAIL_RETRY.maxAttempts);
  });

  it("gives a message up at once when the server refuses it for good", async () => {
    const server = await smtp({ reject: () => ({ code: 550, message: "No such user here" }) });
    const a = await app(server.config());
    const queued = await queue(message(address()));
    await a.background.drain();
    const given = await row(queued.id);
    expect(given).toMatchObject({ attempts: 1, sent_at: null });
    expect(given.failed_at).not.toBeNull();
    expect(given.last_error).toMatch(/550/);
  });

  it("writes each message as an .eml file to the outbox without SMTP_URL, the folder made on demand", async () => {
    const outbox = freshOutbox();
    const a = await app(outbox.config());
    expect(await outbox.read()).toEqual([]);
    const first = await queue(message(address(), { kind: "verify", subject: "First" }));
    const second = await queue(message(address(), { kind: "reset", subject: "Second" }));
    await a.background.drain();

    const files = await outbox.read();
    expect(files.map((f) => f.subject)).toEqual(["First", "Second"]);
    expect(files[0]!.file).toMatch(new RegExp(`^\\d{8}T\\d{9}Z-verify-${first.id}\\.eml$`));
    expect(files[1]!.file).toMatch(new RegExp(`^\\d{8}T\\d{9}Z-reset-${second.id}\\.eml$`));
    const [eml] = files;
    expect(eml!.messageId).toBe(`<${first.message_id}>`);
    expect(eml!.from?.value).toEqual([{ address: "codewright@example.org", name: "Codewright Tests" }]);
    expect(eml!.to).toMatchObject({ value: [{ address: first.to_address }] });
    expect(eml!.text).toBe(first.text_body);
    expect(eml!.html).toContain("Ada accepted “Rotate keys”.");
    expect(header(eml!, "List-Unsubscribe")).toBe("<https://codewright.example.org/unsubscribe/tok>");
    expect(header(eml!, "List-Unsubscribe-Post")).toBe("List-Unsubscribe=One-Click");
    expect(eml!.date?.getTime()).toBe(Math.floor(first.created_at.getTime() / 1000) * 1000);
    // RFC 5322: CRLF line ends, headers first.
    expect(eml!.raw.split("\r\n").length).toBeGreaterThan(10);
    expect(eml!.raw.replace(/\r\n/g, "")).not.toMatch(/\n/);
    expect((await row(first.id)).sent_at).not.toBeNull();
  });

  it("sends after a restart what was queued before it, and resends a claimed message only once its lease ran out", async () => {
    const server = await smtp();
    const before = await app(server.config());
    // A sender that claimed a message and died before marking it: its lease still runs.
    const claimedTo = address();
    await queue(message(claimedTo, { subject: "Claimed by a sender that died" }));
    const [claimed] = await claimDueMail(before.domain, 20);
    expect(claimed?.to).toBe(claimedTo);
    expect(await claimDueMail(before.domain, 20), "a message under lease is not claimed twice").toEqual([]);
    // Queued, and the process stops before it looks (nothing woke its sender).
    await queue(message(address(), { subject: "Queued before the restart" }));
    await before.close();
    apps.splice(apps.indexOf(before), 1);

    const after = await app(server.config());
    await after.background.drain();
    expect(server.messages.map((m) => m.subject)).toEqual(["Queued before the restart"]);

    await database.db.updateTable("mail_queue").set({ locked_until: sql<Date>`now() - interval '1 second'` }).where("id", "=", claimed!.id).execute();
    await after.background.drain();
    const resent = await server.waitFor(claimedTo);
    expect(resent.messageId).toBe(`<${claimed!.messageId}>`);
    expect(server.messages).toHaveLength(2);
  });
});
