import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { Webhook } from "standardwebhooks";
import { buildApp } from "../../src/app";
import type { DatabaseHandle } from "../../src/db/connect";
import { refusedAddress } from "../../src/domain/webhooks/address";
import { WEBHOOK_RETRY } from "../../src/domain/webhooks/deliveries";
import { sendDelivery } from "../../src/webhooks/sender";
import { databaseKinds, freshDatabase, makeUser, snapshotTables, startTestApp, testConfig, type TestApp, type TestUser } from "../helper";
import { buildWorkflowWorld, type WorkflowWorld } from "../workflow/fixture";
import { startReceiver, type Receiver } from "./receiver";

const ALL_EVENTS = ["release.published", "proposal.submitted", "proposal.decided", "comment.created", "comment.disposed"];

describe("the webhook address guard", () => {
  it.each([
    ["127.0.0.1", "loopback"],
    ["127.255.0.9", "loopback"],
    ["10.1.2.3", "private"],
    ["172.16.0.1", "private"],
    ["192.168.1.1", "private"],
    ["169.254.169.254", "metadata"],
    ["169.254.10.10", "link-local"],
    ["100.64.0.1", "carrier-grade NAT"],
    ["0.0.0.0", "unspecified"],
    ["224.0.0.1", "multicast"],
    ["255.255.255.255", "broadcast"],
    ["192.0.2.1", "reserved"],
    ["::1", "loopback"],
    ["::", "unspecified"],
    ["fe80::1", "link-local"],
    ["fc00::1", "unique-local"],
    ["fd00:ec2::254", "metadata"],
    ["ff02::1", "multicast"],
    ["::ffff:127.0.0.1", "loopback"],
    ["::ffff:10.0.0.1", "private"],
    ["::ffff:169.254.169.254", "metadata"],
    ["::127.0.0.1", "loopback"],
    ["64:ff9b::7f00:1", "loopback"],
    ["64:ff9b:1::1", "NAT64"],
    ["2002:7f00:1::1", "loopback"],
    ["2001:0:4136:e378:8000:63bf:3fff:fdd2", "Teredo"],
  ])("refuses %s (%s)", (address, kind) => {
    expect(refusedAddress(address)).toContain(kind);
  });

  it.each(["93.184.215.14", "8.8.8.8", "2606:4700:4700::1111", "::ffff:8.8.8.8", "64:ff9b::808:808"])("lets the public address %s through", (address) => {
    expect(refusedAddress(address)).toBeNull();
  });
});

describe.each(databaseKinds)("webhooks on %s", (kind) => {
  let t: TestApp;
  let w: WorkflowWorld;
  let receiver: Receiver;
  beforeAll(async () => {
    t = await startTestApp(kind, { webhooks: { allowPrivate: true } });
    w = await buildWorkflowWorld(t);
  });
  afterAll(async () => t?.close());
  afterEach(async () => receiver?.close());

  const hooksUrl = () => `/api/standards/${w.standard.slug}/webhooks`;
  async function register(url: string, events = ALL_EVENTS, as: TestUser = w.users.editor) {
    const res = await t.app.inject({ method: "POST", url: hooksUrl(), headers: as.auth, payload: { url, events } });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { webhook: { id: string; url: string; events: string[] }; secret: string };
  }
  const remove = (id: string) => t.app.inject({ method: "DELETE", url: `${hooksUrl()}/${id}`, headers: w.users.editor.auth });
  const deliveries = async (id: string) => {
    const res = await t.app.inject({ method: "GET", url: `${hooksUrl()}/${id}/deliveries`, headers: w.users.editor.auth });
    expect(res.statusCode, res.body).toBe(200);
    return res.json().deliveries as { id: string; event: string; status: string; attempts: number; lastStatusCode: number | null; lastError: string | null; nextAttemptAt: string | null; deliveredAt: string | null }[];
  };
  const makeDue = () => t.db.updateTable("webhook_deliveries").set({ next_attempt_at: sql<Date>`now()` }).where("status", "=", "pending").execute();
  const publish = (version: string, notes = "") => w.ok(w.users.editor, "POST", `/api/standards/${w.standard.slug}/releases`, { version, notes });

  it("registers a webhook for the standard's editors and shows its secret only once", async () => {
    const created = await register("http://127.0.0.1:9/created", ["release.published"], w.users.editor);
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(() => new Webhook(created.secret)).not.toThrow();
    expect(created.webhook).toMatchObject({ url: "http://127.0.0.1:9/created", events: ["release.published"] });

    const list = await t.app.inject({ method: "GET", url: hooksUrl(), headers: w.users.editor.auth });
    expect(list.json().webhooks.map((h: { id: string }) => h.id)).toContain(created.webhook.id);
    const one = await t.app.inject({ method: "GET", url: `${hooksUrl()}/${created.webhook.id}`, headers: w.users.editor.auth });
    expect(one.json()).toEqual({ ...created.webhook, createdAt: expect.any(String) });
    for (const body of [list.body, one.body]) expect(body).not.toContain(created.secret.slice(6, 20));

    expect((await remove(created.webhook.id)).json()).toEqual({ ok: true });
    const gone = await t.app.inject({ method: "GET", url: `${hooksUrl()}/${created.webhook.id}`, headers: w.users.editor.auth });
    expect(gone.statusCode).toBe(404);
    expect((await remove(created.webhook.id)).statusCode).toBe(404);
  });

  it("refuses everyone but the standard's editors, and webhooks of another standard, storing nothing", async () => {
    const hook = await register("http://127.0.0.1:9/permissions", ["release.published"]);
    const other = await t.app.inject({ method: "POST", url: `/api/standards/${w.other.slug}/webhooks`, headers: w.users.otherEditor.auth, payload: { url: "http://127.0.0.1:9/other", events: ["release.published"] } });
    expect(other.statusCode).toBe(201);
    const otherId = other.json().webhook.id as string;
    const before = await snapshotTables(t);
    const routes = (id: string) => [
      { method: "POST" as const, url: hooksUrl(), payload: { url: "http://127.0.0.1:9/x", events: ["release.published"] } },
      { method: "GET" as const, url: hooksUrl() },
      { method: "GET" as const, url: `${hooksUrl()}/${id}` },
      { method: "GET" as const, url: `${hooksUrl()}/${id}/deliveries` },
      { method: "DELETE" as const, url: `${hooksUrl()}/${id}` },
    ];
    // The standard is members-only: outsiders are told it does not exist; members without the right are refused.
    const cases: [TestUser | null, number][] = [
      [null, 404],
      [w.users.nonMember, 404],
      [w.users.otherEditor, 404],
      [w.users.contributor, 403],
      [w.users.voter, 403],
    ];
    for (const [user, status] of cases) {
      for (const route of routes(hook.webhook.id)) {
        const res = await t.app.inject({ ...route, headers: user ? user.auth : {} });
        expect(res.statusCode, `${route.method} ${route.url} as ${user?.display_name ?? "anonymous"}: ${res.body}`).toBe(status);
      }
    }
    // An editor names a webhook of another standard through this standard's address.
    for (const route of routes(otherId).slice(2)) {
      const res = await t.app.inject({ ...route, headers: w.users.editor.auth });
      expect(res.statusCode, `${route.method} ${route.url}`).toBe(404);
      expect(res.json().error.code).toBe("not_found");
    }
    expect(await snapshotTables(t)).toBe(before);

    // On a public standard, the anonymous must sign in and readers are refused.
    const open = await buildWorkflowWorld(t, { isPublic: true });
    const url = `/api/standards/${open.standard.slug}/webhooks`;
    const openBefore = await snapshotTables(t);
    expect((await t.app.inject({ method: "GET", url })).statusCode).toBe(401);
    expect((await t.app.inject({ method: "GET", url, headers: open.users.nonMember.auth })).statusCode).toBe(403);
    expect((await t.app.inject({ method: "POST", url, headers: open.users.contributor.auth, payload: { url: "http://127.0.0.1:9/", events: ["release.published"] } })).statusCode).toBe(403);
    expect(await snapshotTables(t)).toBe(openBefore);
    // Admins are editors of every standard.
    const admin = await makeUser(t.db, { admin: true });
    expect((await t.app.inject({ method: "GET", url, headers: admin.auth })).statusCode).toBe(200);
    await remove(hook.webhook.id);
  });

  it("refuses malformed registrations with a clear error and stores nothing", async () => {
    const before = await snapshotTables(t);
    for (const payload of [
      { url: "not a url", events: ["release.published"] },
      { url: "http://127.0.0.1:9/", events: [] },
      { url: "http://127.0.0.1:9/", events: ["comment.reply"] },
      { url: "http://127.0.0.1:9/", events: ["release.published", "release.published"] },
      { url: "http://127.0.0.1:9/" },
      { url: `http://127.0.0.1:9/${"a".repeat(2001)}`, events: ["release.published"] },
    ]) {
      const res = await t.app.inject({ method: "POST", url: hooksUrl(), headers: w.users.editor.auth, payload });
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().error.code).toBe("invalid_request");
    }
    for (const url of ["ftp://127.0.0.1/", "javascript:alert(1)", "http://user:password@127.0.0.1:9/", "http://no-such-host.invalid/"]) {
      const res = await t.app.inject({ method: "POST", url: hooksUrl(), headers: w.users.editor.auth, payload: { url, events: ["release.published"] } });
      expect(res.statusCode, url).toBe(400);
      expect(res.json().error.code, url).toBe("webhook_url_not_allowed");
    }
    expect(await snapshotTables(t)).toBe(before);
  });

  it("delivers each subscribed event signed as Standard Webhooks says, with ids, titles and links but no comment text", async () => {
    receiver = await startReceiver();
    const all = await register(receiver.url("/all"));
    const releasesOnly = await register(receiver.url("/releases"), ["release.published"]);
    // A webhook of another standard hears nothing of this one.
    const elsewhere = await t.app.inject({ method: "POST", url: `/api/standards/${w.other.slug}/webhooks`, headers: w.users.otherEditor.auth, payload: { url: receiver.url("/elsewhere"), events: ALL_EVENTS } });
    expect(elsewhere.statusCode).toBe(201);

    const proposal = await w.propose("Rotate “keys” <now>");
    await w.ok(w.users.author, "POST", `/api/proposals/${proposal}/submit`);
    await w.ok(w.users.voter, "PUT", `/api/proposals/${proposal}/vote`, { vote: "approve" });
    await w.ok(w.users.editor, "POST", `/api/proposals/${proposal}/accept`, {});
    const secretWords = "Members-only remark that must stay inside";
    const thread = await w.ok(w.users.contributor, "POST", "/api/comments", { target: { kind: "section", standard: w.standard.slug, section: w.sections.a.id }, body: secretWords });
    await publish("1.0.0", "First release.");
    const publicComment = await w.ok(w.users.contributor, "POST", "/api/comments", {
      target: { kind: "release_section", standard: w.standard.slug, version: "1.0.0", section: w.sections.b.id },
      body: "Another members-only remark",
    });
    await w.ok(w.users.editor, "PUT", `/api/comments/${publicComment.id}/disposition`, { disposition: "noted", response: "A response that stays inside" });
    await t.app.background.drain();

    const at = (path: string) => receiver.requests.filter((r) => r.path === path);
    expect(at("/elsewhere")).toEqual([]);
    const received = at("/all");
    expect(received.map((r) => JSON.parse(r.body).type)).toEqual(expect.arrayContaining(ALL_EVENTS));
    expect(received).toHaveLength(6); // submitted, decided, two comments, a release, a disposition
    const verifier = new Webhook(all.secret);
    for (const r of received) {
      expect(r.method).toBe("POST");
      expect(r.headers["content-type"]).toBe("application/json");
      expect(() => verifier.verify(r.body, r.headers as Record<string, string>), r.body).not.toThrow();
      expect(() => new Webhook(releasesOnly.secret).verify(r.body, r.headers as Record<string, string>)).toThrow();
      expect(r.body).not.toContain("members-only remark");
      expect(r.body).not.toContain("Members-only remark");
      expect(r.body).not.toContain("stays inside");
      const payload = JSON.parse(r.body);
      expect(Object.keys(payload).sort()).toEqual(["data", "timestamp", "type"]);
      expect(new Date(payload.timestamp).toISOString()).toBe(payload.timestamp);
      expect(payload.data.standard).toEqual({ slug: w.standard.slug, title: "A test standard", link: `${t.config.publicUrl}/standards/${w.standard.slug}` });
    }
    const byType = (type: string) => received.map((r) => JSON.parse(r.body)).filter((p) => p.type === type);
    expect(byType("proposal.decided")[0].data.proposal).toEqual({ id: proposal, title: "Rotate “keys” <now>", state: "accepted", link: `${t.config.publicUrl}/proposals/${proposal}` });
    expect(byType("proposal.submitted")[0].data.proposal).toMatchObject({ id: proposal, state: "open" });
    expect(byType("comment.created").map((p) => p.data.comment)).toEqual(
      expect.arrayContaining([
        { id: thread.id, target: "section", sectionId: w.sections.a.id, proposalId: null, version: null, link: `${t.config.publicUrl}/standards/${w.standard.slug}/sections/${w.sections.a.id}` },
        expect.objectContaining({ id: publicComment.id, link: `${t.config.publicUrl}/standards/${w.standard.slug}/releases/1.0.0/sections/${w.sections.b.id}` }),
      ]),
    );
    expect(byType("comment.disposed")[0].data.comment).toEqual({ id: publicComment.id, disposition: "noted", proposalId: null, link: `${t.config.publicUrl}/standards/${w.standard.slug}/releases/1.0.0/sections/${w.sections.b.id}` });
    expect(byType("release.published")[0].data.release).toMatchObject({
      version: "1.0.0",
      notes: "First release.",
      digest: expect.stringMatching(/^sha256:/),
      link: `${t.config.publicUrl}/standards/${w.standard.slug}/releases/1.0.0`,
      document: `${t.config.publicUrl}/api/standards/${w.standard.slug}/releases/1.0.0`,
    });
    // The other webhook asked for releases only.
    expect(at("/releases").map((r) => JSON.parse(r.body).type)).toEqual(["release.published"]);

    // The log: one delivery per event, delivered at the first attempt; `webhook-id` is the delivery's id.
    const log = await deliveries(all.webhook.id);
    expect(log).toHaveLength(6);
    for (const d of log) expect(d).toMatchObject({ status: "delivered", attempts: 1, lastStatusCode: 200, lastError: null, nextAttemptAt: null, deliveredAt: expect.any(String) });
    expect(log.map((d) => d.id).sort()).toEqual(received.map((r) => r.headers["webhook-id"]).sort());
    // Delivered means never again.
    await makeDue();
    await t.app.background.drain();
    expect(at("/all")).toHaveLength(6);
    for (const id of [all.webhook.id, releasesOnly.webhook.id, elsewhere.json().webhook.id]) {
      await t.app.inject({ method: "DELETE", url: `/api/standards/${id === elsewhere.json().webhook.id ? w.other.slug : w.standard.slug}/webhooks/${id}`, headers: id === elsewhere.json().webhook.id ? w.users.otherEditor.auth : w.users.editor.auth });
    }
  });

  it("tries a failed delivery again later with the same webhook-id, until it is answered with 2xx", async () => {
    receiver = await startReceiver();
    receiver.respond = (_r, n) => (n === 1 ? 500 : n === 2 ? 302 : 204);
    const hook = await register(receiver.url(), ["release.published"]);
    await publish("2.0.0");
    await t.app.background.drain();

    let [d] = await deliveries(hook.webhook.id);
    expect(d).toMatchObject({ status: "pending", attempts: 1, lastStatusCode: 500, deliveredAt: null });
    expect(d!.lastError).toMatch(/^HTTP 500/);
    const { later } = (await sql<{ later: boolean }>`select next_attempt_at >= now() + interval '25 seconds' as later from webhook_deliveries where id = ${d!.id}`.execute(t.db)).rows[0]!;
    expect(later, "the first retry waits the first backoff (30 s)").toBe(true);
    expect(new Date(d!.nextAttemptAt!).getTime()).toBeGreaterThan(Date.now());
    // Not due: nothing is sent.
    await t.app.background.drain();
    expect(receiver.requests).toHaveLength(1);

    await makeDue();
    await t.app.background.drain();
    [d] = await deliveries(hook.webhook.id);
    // A redirect is not followed: it is a failure like any other answer but 2xx.
    expect(d).toMatchObject({ status: "pending", attempts: 2, lastStatusCode: 302 });
    expect(receiver.requests).toHaveLength(2);

    await makeDue();
    await t.app.background.drain();
    [d] = await deliveries(hook.webhook.id);
    expect(d).toMatchObject({ status: "delivered", attempts: 3, lastStatusCode: 204, lastError: null, nextAttemptAt: null });
    expect(new Set(receiver.requests.map((r) => r.headers["webhook-id"]))).toEqual(new Set([d!.id]));
    const verifier = new Webhook(hook.secret);
    for (const r of receiver.requests) expect(() => verifier.verify(r.body, r.headers as Record<string, string>)).not.toThrow();
    expect(new Set(receiver.requests.map((r) => r.body)).size, "the same body every time").toBe(1);
    await remove(hook.webhook.id);
  });

  it("gives a delivery up after the last attempt, and records a receiver that cannot be reached", async () => {
    receiver = await startReceiver();
    receiver.respond = () => 503;
    const hook = await register(receiver.url(), ["release.published"]);
    const unreachable = await register("http://127.0.0.1:9/nobody-listens", ["release.published"]);
    await publish("3.0.0");
    for (let attempt = 1; attempt <= WEBHOOK_RETRY.maxAttempts; attempt++) {
      await makeDue();
      await t.app.background.drain();
    }
    const [d] = await deliveries(hook.webhook.id);
    expect(d).toMatchObject({ status: "failed", attempts: WEBHOOK_RETRY.maxAttempts, lastStatusCode: 503, nextAttemptAt: null, deliveredAt: null });
    expect(receiver.requests).toHaveLength(WEBHOOK_RETRY.maxAttempts);
    const [u] = await deliveries(unreachable.webhook.id);
    expect(u).toMatchObject({ status: "failed", lastStatusCode: null });
    expect(u!.lastError).toMatch(/ECONNREFUSED/);
    // Given up is for good.
    await makeDue();
    await t.app.background.drain();
    expect(receiver.requests).toHaveLength(WEBHOOK_RETRY.maxAttempts);
    await remove(hook.webhook.id);
    await remove(unreachable.webhook.id);
  });

  it("checks the address again when delivering, and gives up on an answer that does not come in time", async () => {
    receiver = await startReceiver();
    const due = { id: randomUUID(), webhookId: randomUUID(), url: receiver.url(), secret: `whsec_${Buffer.alloc(32, 7).toString("base64")}`, event: "release.published", body: "{}", attempts: 1 };
    // Registered while private addresses were allowed, delivered by a process where they are not.
    const refused = await sendDelivery(due, { allowPrivate: false, timeoutMs: 5_000 });
    expect(refused).toEqual({ delivered: false, statusCode: null, error: expect.stringContaining("loopback") });
    expect(receiver.requests).toHaveLength(0);

    receiver.respond = () => "hang";
    const slow = await sendDelivery(due, { allowPrivate: true, timeoutMs: 200 });
    expect(slow).toEqual({ delivered: false, statusCode: null, error: "no answer within 0.2 s" });
    expect(receiver.requests).toHaveLength(1);
  });
});

describe.each(databaseKinds)("webhook deliveries across a restart on %s", (kind) => {
  let database: DatabaseHandle;
  beforeAll(async () => {
    database = await freshDatabase(kind);
  });
  afterAll(async () => database?.close());

  it("delivers after a restart what was pending before it", async () => {
    const config = testConfig({ webhooks: { allowPrivate: true }, background: { pollMs: 0, digestHourUtc: 7 } });
    const receiver = await startReceiver();
    try {
      receiver.respond = (_r, n) => (n === 1 ? 500 : 200);
      const first = await buildApp({ config, database, logger: false });
      await first.ready();
      const t = { app: first, db: database.db, database, config, close: async () => {} } as TestApp;
      const w = await buildWorkflowWorld(t);
      const created = await first.inject({ method: "POST", url: `/api/standards/${w.standard.slug}/webhooks`, headers: w.users.editor.auth, payload: { url: receiver.url(), events: ["release.published"] } });
      const secret = created.json().secret as string;
      await w.ok(w.users.editor, "POST", `/api/standards/${w.standard.slug}/releases`, { version: "1.0.0" });
      await first.background.drain();
      expect(receiver.requests).toHaveLength(1);
      await first.close();

      const second = await buildApp({ config, database, logger: false });
      await second.ready();
      try {
        await database.db.updateTable("webhook_deliveries").set({ next_attempt_at: sql<Date>`now()` }).execute();
        await second.background.drain();
        expect(receiver.requests).toHaveLength(2);
        const [a, b] = receiver.requests;
        expect(b!.headers["webhook-id"]).toBe(a!.headers["webhook-id"]);
        expect(() => new Webhook(secret).verify(b!.body, b!.headers as Record<string, string>)).not.toThrow();
        const row = await database.db.selectFrom("webhook_deliveries").selectAll().executeTakeFirstOrThrow();
        expect(row).toMatchObject({ status: "delivered", attempts: 2, last_status_code: 200 });
      } finally {
        await second.close();
      }
    } finally {
      await receiver.close();
    }
  });
});

describe.each(databaseKinds)("the webhook SSRF guard on %s", (kind) => {
  let t: TestApp;
  let editor: TestUser;
  let slug: string;
  beforeAll(async () => {
    // As in production: WEBHOOK_ALLOW_PRIVATE is not set.
    t = await startTestApp(kind);
    const w = await buildWorkflowWorld(t);
    editor = w.users.editor;
    slug = w.standard.slug;
  });
  afterAll(async () => t?.close());

  it.each([
    "http://127.0.0.1/hook",
    "http://127.0.0.1:8080/hook",
    "https://10.0.0.5/hook",
    "http://192.168.0.10/",
    "http://172.20.1.1/",
    "http://[::1]/hook",
    "http://[::ffff:127.0.0.1]/hook",
    "http://[::ffff:7f00:1]/hook",
    "http://169.254.169.254/latest/meta-data/",
    "http://[fd00:ec2::254]/",
    "http://100.64.1.1/",
    "http://0.0.0.0/",
    "http://[fe80::1]/",
    "http://2130706433/",
    "http://0x7f.1/",
    "http://localhost/hook",
    "http://LOCALHOST:3000/hook",
  ])("refuses %s with 400 webhook_url_not_allowed and stores nothing", async (url) => {
    const before = await snapshotTables(t);
    const res = await t.app.inject({ method: "POST", url: `/api/standards/${slug}/webhooks`, headers: editor.auth, payload: { url, events: ["release.published"] } });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().error.code).toBe("webhook_url_not_allowed");
    expect(await snapshotTables(t)).toBe(before);
  });
});
