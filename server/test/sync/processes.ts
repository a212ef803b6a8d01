import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { resolve } from "node:path";

/** A port free at the time of asking (each test process asks for its own). */
export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

/** The first admin every server process is started with. */
export const PROCESS_ADMIN = { email: "admin@example.org", password: "a long admin password" };

export interface ServerProcess {
  child: ChildProcess;
  /** Base URL of the sync endpoint. */
  sync: string;
  /** Base URL of the HTTP API. */
  http: string;
  output: string[];
  /** Sends `signal` and resolves once the process has exited. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

const serverDir = resolve(import.meta.dirname, "../..");

// Children must not outlive the test process, even when a test times out while one starts.
const children = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of children) child.kill("SIGKILL");
});
const entry = resolve(serverDir, "src/server.ts");

/**
 * Runs `server/src/server.ts` as a child process, as production does, with `env` added to a
 * clean environment (no database settings are inherited). Resolves once it serves. The tsx
 * loader runs inside the server's own process (the tsx command would run it in a grandchild,
 * out of reach of a SIGKILL sent to the child).
 */
export async function startServerProcess(env: Record<string, string>, timeoutMs = 90_000): Promise<ServerProcess> {
  const port = await freePort();
  const base: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ["DATABASE_URL", "TEST_DATABASE_URL", "DATA_DIR", "ALLOWED_ORIGINS", "PUBLIC_URL"]) delete base[name];
  const child = spawn(process.execPath, ["--import", "tsx", entry], {
    cwd: serverDir,
    env: { ...base, HOST: "127.0.0.1", PORT: String(port), SEED: "none", LOG_LEVEL: "warn", ADMIN_EMAIL: PROCESS_ADMIN.email, ADMIN_PASSWORD: PROCESS_ADMIN.password, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.add(child);
  const output: string[] = [];
  const exited = new Promise<void>((done) => child.once("exit", () => (children.delete(child), done())));
  await new Promise<void>((done, fail) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      fail(new Error(`server did not start in time:\n${output.join("")}`));
    }, timeoutMs);
    const listen = (chunk: Buffer) => {
      output.push(chunk.toString());
      if (output.join("").includes("serving on")) {
        clearTimeout(timer);
        done();
      }
    };
    child.stdout!.on("data", listen);
    child.stderr!.on("data", (chunk: Buffer) => output.push(chunk.toString()));
    child.once("exit", (code) => {
      clearTimeout(timer);
      fail(new Error(`server exited with ${code}:\n${output.join("")}`));
    });
  });
  return {
    child,
    sync: `ws://127.0.0.1:${port}/sync`,
    http: `http://127.0.0.1:${port}`,
    output,
    stop: async (signal = "SIGTERM") => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

/**
 * Through the process's HTTP API, as its first admin: an API token, a members-only standard and
 * one section. Returns the token and the section's room.
 */
export async function setUpThroughApi(server: ServerProcess): Promise<{ token: string; room: string }> {
  const call = async (path: string, body: unknown, headers: Record<string, string>) => {
    const res = await fetch(`${server.http}${path}`, { method: "POST", headers: { "content-type": "application/json", origin: server.http, ...headers }, body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return res;
  };
  const login = await call("/api/auth/login", PROCESS_ADMIN, {});
  const cookie = login.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  const { token } = (await (await call("/api/tokens", { name: "test" }, { cookie })).json()) as { token: string };
  const auth = { authorization: `Bearer ${token}` };
  await call("/api/standards", { slug: "crash-test", title: "Crash test", isPublic: false }, auth);
  const section = (await (
    await call("/api/standards/crash-test/sections", { label: "CT-1", title: "A section", content: { type: "doc", content: [{ type: "paragraph", content: [{ type: "text", text: "Initial text." }] }] } }, auth)
  ).json()) as { room: string };
  return { token, room: section.room };
}

/** A new, empty PostgreSQL database next to TEST_DATABASE_URL's, for server processes of their own. */
export async function scratchPostgres(): Promise<{ url: string; drop(): Promise<void> }> {
  const { default: pg } = await import("pg");
  const { randomBytes } = await import("node:crypto");
  const adminUrl = process.env.TEST_DATABASE_URL!;
  const name = `cw_sync_${randomBytes(5).toString("hex")}`;
  const run = async (statement: string) => {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  await run(`create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => run(`drop database if exists ${name} with (force)`) };
}
