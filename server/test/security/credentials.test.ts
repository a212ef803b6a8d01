import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseKinds, makeUser, sessionCookie, startTestApp, TEST_PASSWORD, type TestApp } from "../helper";
import { scratchPostgres, startServerProcess, type ServerProcess } from "../sync/processes";
import { loadConfig } from "../../src/config";
import { PasswordChecks } from "../../src/domain/passwords";

const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

/** Credentials at rest and at the door: hashed secrets, a memory-hard password hash, rate limits. */
describe.each(databaseKinds)("credentials (%s)", (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(kind);
  });
  afterAll(async () => t?.close());

  it("rate limits login per address and email, with a 429 and a code", async () => {
    const user = await makeUser(t.db);
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) {
      const res = await t.app.inject({ method: "POST", url: "/api/auth/login", payload: { email: user.email, password: `guess number ${i}` } });
      statuses.push(res.statusCode);
      if (res.statusCode === 429) expect(res.json().error.code).toBe("rate_limited");
    }
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(statuses[10]).toBe(429);
    // Even the right password waits out the window: the limit is not a hint.
    const right = await t.app.inject({ method: "POST", url: "/api/auth/login", payload: { email: user.email, password: TEST_PASSWORD } });
    expect(right.statusCode).toBe(429);
  });

  it("rate limits login per address across emails (password spraying), with a 429 and a code", async () => {
    // Production allows 30 a minute (the test configuration raises it). A password check costs
    // a second on a loaded machine, so the spray is played at a lower limit, well within a minute.
    expect(loadConfig({}).limits.loginPerAddressPerMinute).toBe(30);
    const sprayed = await startTestApp(kind, { limits: { ...t.config.limits, loginPerAddressPerMinute: 6 } });
    try {
      const users = await Promise.all(Array.from({ length: 4 }, () => makeUser(sprayed.db)));
      const statuses: number[] = [];
      // Three common passwords on each account, from one address: never more than 3 per email.
      for (const guess of ["Summer2026!", "Password123!", "Welcome1234!"]) {
        for (const user of users) {
          const res = await sprayed.app.inject({ method: "POST", url: "/api/auth/login", remoteAddress: "203.0.113.7", payload: { email: user.email, password: guess } });
          statuses.push(res.statusCode);
          if (res.statusCode === 429) {
            expect(res.json().error.code).toBe("rate_limited");
            expect(Number(res.headers["retry-after"])).toBeGreaterThan(0);
          }
        }
      }
      expect(statuses).toEqual([...Array(6).fill(401), ...Array(6).fill(429)]);
      // Even the right password waits out the window; another address is not held back.
      const right = await sprayed.app.inject({ method: "POST", url: "/api/auth/login", remoteAddress: "203.0.113.7", payload: { email: users[0]!.email, password: TEST_PASSWORD } });
      expect(right.statusCode).toBe(429);
      const elsewhere = await sprayed.app.inject({ method: "POST", url: "/api/auth/login", remoteAddress: "198.51.100.9", payload: { email: users[0]!.email, password: TEST_PASSWORD } });
      expect(elsewhere.statusCode).toBe(200);
    } finally {
      await sprayed.close();
    }
  });

  it("bounds concurrent password checks, refusing a flood beyond the queue with a 503 and a code", async () => {
    const limits = { ...t.config.limits, concurrentPasswordChecks: 1, queuedPasswordChecks: 2 };
    const flooded = await startTestApp(kind, { limits });
    try {
      const user = await makeUser(flooded.db);
      // From as many addresses, so that no rate limit answers first.
      const answers = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          flooded.app.inject({ method: "POST", url: "/api/auth/login", remoteAddress: `192.0.2.${i + 1}`, payload: { email: user.email, password: `flood ${i}` } }),
        ),
      );
      const statuses = answers.map((r) => r.statusCode).sort();
      // One running and two waiting are checked; the rest are refused at once.
      expect(statuses).toEqual([401, 401, 401, 503, 503, 503, 503, 503]);
      for (const busy of answers.filter((r) => r.statusCode === 503)) expect(busy.json().error.code).toBe("server_busy");
      expect(flooded.app.domain.passwords.load).toEqual({ running: 0, waiting: 0 });
      // Once the flood has passed, signing in works again.
      const after = await flooded.app.inject({ method: "POST", url: "/api/auth/login", payload: { email: user.email, password: TEST_PASSWORD } });
      expect(after.statusCode).toBe(200);
    } finally {
      await flooded.close();
    }
  });

  it("rate limits token creation, with a 429 and a code", async () => {
    const user = await makeUser(t.db);
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) {
      statuses.push((await t.app.inject({ method: "POST", url: "/api/tokens", headers: user.auth, payload: { name: `token ${i}` } })).statusCode);
    }
    expect(statuses.slice(0, 20)).toEqual(Array(20).fill(201));
    const limited = await t.app.inject({ method: "POST", url: "/api/tokens", headers: user.auth, payload: { name: "one too many" } });
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error.code).toBe("rate_limited");
    const stored = await t.db.selectFrom("api_tokens").select("id").where("user_id", "=", user.id).execute();
    // The tokens made by the route, plus the one the test factory made.
    expect(stored).toHaveLength(21);
  });

  it("stores API tokens, sessions and invites only as SHA-256 hashes of 256-bit secrets", async () => {
    const admin = await makeUser(t.db, { admin: true });
    const user = await makeUser(t.db);
    // The limit of the previous test is per address: this one creates its token through the domain.
    const { createToken } = await import("../../src/domain/auth");
    const { token } = await createToken(t.app.domain, { user, via: "token", credentialHash: "" }, { name: "hashed" });
    const tokenRow = await t.db.selectFrom("api_tokens").selectAll().where("name", "=", "hashed").where("user_id", "=", user.id).executeTakeFirstOrThrow();
    expect(token).toMatch(/^cwt_[A-Za-z0-9_-]{43}$/);
    expect(tokenRow.token_hash).toBe(sha256(token));

    const cookie = (await sessionCookie(t.app, user.email)).split("=")[1]!;
    const sessions = await t.db.selectFrom("sessions").selectAll().where("user_id", "=", user.id).execute();
    expect(sessions.map((s) => s.id_hash)).toContain(sha256(cookie));
    expect(JSON.stringify(sessions)).not.toContain(cookie);

    const invite = await t.app.inject({ method: "POST", url: "/api/invites", headers: admin.auth, payload: { email: `hashed-${Date.now()}@example.org` } });
    expect(invite.statusCode).toBe(201);
    const inviteToken = invite.json().token as string;
    const inviteRow = await t.db.selectFrom("invites").selectAll().where("token_hash", "=", sha256(inviteToken)).executeTakeFirst();
    expect(inviteRow).toBeDefined();

    // No answer ever carries a hash.
    for (const url of ["/api/users", "/api/me"]) {
      const body = (await t.app.inject({ url, headers: admin.auth })).body;
      expect(body).not.toMatch(/hash|scrypt\$/i);
    }
  });

  it("hashes passwords with scrypt at memory-hard parameters, salted per user", async () => {
    const a = await makeUser(t.db);
    const admin = await makeUser(t.db, { admin: true });
    const created = await t.app.inject({ method: "POST", url: "/api/users", headers: admin.auth, payload: { email: `same-${Date.now()}@example.org`, displayName: "Same", password: TEST_PASSWORD } });
    expect(created.statusCode).toBe(201);
    const rows = await t.db.selectFrom("users").select(["id", "password_hash"]).where("id", "in", [a.id, created.json().user.id]).execute();
    const hashes = rows.map((r) => r.password_hash!);
    for (const hash of hashes) {
      const [scheme, n, r, p, salt, key] = hash.split("$");
      expect(scheme).toBe("scrypt");
      // scrypt needs 128 * N * r bytes of memory per hash: at least 32 MiB here.
      expect(128 * Number(n) * Number(r)).toBeGreaterThanOrEqual(32 * 1024 * 1024);
      expect(Number(p)).toBeGreaterThanOrEqual(1);
      expect(Buffer.from(salt!, "base64url").length).toBeGreaterThanOrEqual(16);
      expect(Buffer.from(key!, "base64url").length).toBeGreaterThanOrEqual(32);
      expect(hash).not.toContain(TEST_PASSWORD);
    }
    // The same password, two users: two different hashes.
    expect(hashes[0]).not.toBe(hashes[1]);
  });
});

describe("password checks", () => {
  it("never run more at once than allowed, and hand each free place to the next in line", async () => {
    const checks = new PasswordChecks({ concurrent: 2, queued: 10 });
    const encoded = await checks.hash("a long enough password");
    let peak = 0;
    const watch = setInterval(() => (peak = Math.max(peak, checks.load.running)), 1);
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => checks.verify(i === 0 ? "a long enough password" : `wrong ${i}`, encoded)));
    clearInterval(watch);
    expect(results).toEqual([true, false, false, false, false, false]);
    expect(peak).toBeLessThanOrEqual(2);
    expect(checks.load).toEqual({ running: 0, waiting: 0 });
    // No password (an unknown email) is checked against a decoy, and never matches.
    expect(await checks.verify("", null)).toBe(false);
  });
});

const ONE_TIME = /one-time password[^:]*: (\S+)/;

/**
 * No default password in any mode: started without ADMIN_PASSWORD, the server makes the first admin
 * with a random password that it prints once; fresh data gets a fresh password; a well-known
 * password works nowhere, and a short ADMIN_PASSWORD is refused at start.
 */
describe("no default password", () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterAll(async () => {
    for (const clean of cleanups.reverse()) await clean();
  });

  const dir = () => {
    const d = mkdtempSync(join(tmpdir(), "codewright-first-admin-"));
    cleanups.push(() => rmSync(d, { recursive: true, force: true }));
    return d;
  };
  const login = (server: ServerProcess, email: string, password: string) =>
    fetch(`${server.http}/api/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email, password }) }).then((r) => r.status);

  it(
    "prints a different one-time password for each fresh start, and no well-known password works",
    async () => {
      // One server on PGlite and, where PostgreSQL is at hand, one on it: both modes.
      const pglite = dir();
      const second: Record<string, string> = { DATA_DIR: dir() };
      if (process.env.TEST_DATABASE_URL) {
        const scratch = await scratchPostgres();
        cleanups.push(scratch.drop);
        second.DATABASE_URL = scratch.url;
      }
      const noAdmin = { ADMIN_EMAIL: "", ADMIN_PASSWORD: "" };
      const [one, two, weak] = await Promise.allSettled([
        startServerProcess({ ...noAdmin, DATA_DIR: pglite }, 180_000),
        startServerProcess({ ...noAdmin, ...second }, 180_000),
        startServerProcess({ ADMIN_EMAIL: "admin@example.org", ADMIN_PASSWORD: "admin", DATA_DIR: dir() }, 180_000),
      ]);
      for (const started of [one, two]) if (started.status === "fulfilled") cleanups.push(() => started.value.stop());
      if (weak.status === "fulfilled") cleanups.push(() => weak.value.stop());
      if (one.status === "rejected") throw one.reason;
      if (two.status === "rejected") throw two.reason;

      // A short ADMIN_PASSWORD such as "admin" stops the server before it serves.
      expect(weak.status).toBe("rejected");
      expect(String((weak as PromiseRejectedResult).reason)).toMatch(/ADMIN_PASSWORD must be at least 12 characters/);

      const passwords = [one.value, two.value].map((s) => ONE_TIME.exec(s.output.join(""))?.[1]);
      expect(passwords.every((p) => p !== undefined && p.length >= 20)).toBe(true);
      expect(passwords[0]).not.toBe(passwords[1]);
      const email = "admin@codewright.local";
      for (const guess of ["admin", "password", "codewright", "changeme", "administrator", "admin123456789", passwords[1]!]) {
        expect(await login(one.value, email, guess), guess).toBe(401);
      }
      expect(await login(one.value, email, passwords[0]!)).toBe(200);
      expect(await login(two.value, email, passwords[1]!)).toBe(200);

      // Shown once: a restart on the same data prints no password, and the first one still holds.
      await one.value.stop();
      const again = await startServerProcess({ ...noAdmin, DATA_DIR: pglite }, 180_000);
      cleanups.push(() => again.stop());
      expect(again.output.join("")).not.toMatch(ONE_TIME);
      expect(await login(again, email, passwords[0]!)).toBe(200);
    },
    600_000,
  );
});
