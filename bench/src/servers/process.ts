import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { onServerCore } from "../machine";

/** A free TCP port on 127.0.0.1 (bound then released; the child binds it right after). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

let extraNodeArgs: string[] = [];

/** Node options for every server started after this call (e.g. `--cpu-prof`). */
export function setServerNodeArgs(args: string[]): void {
  extraNodeArgs = args;
}

/** The tsx loader, so that a child `node` runs TypeScript in its own process (no wrapper pid). */
export const TSX_LOADER = import.meta.resolve("tsx");

export interface StartOptions {
  name: string;
  args: string[];
  env: Record<string, string>;
  cwd?: string;
  /** A line on stdout that says the server is listening. */
  ready: RegExp;
  pin: boolean;
  timeoutMs?: number;
}

/**
 * A server child process: `node` with the tsx loader, on the server core when pinning is on.
 * Keeps the last lines of its output for error messages.
 */
export class ServerProcess {
  private tail: string[] = [];
  private exitCode: number | null | undefined = undefined;
  private readonly exited: Promise<void>;

  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
  ) {
    const keep = (chunk: Buffer) => {
      for (const line of chunk.toString().split("\n")) if (line.trim()) this.tail.push(line);
      if (this.tail.length > 40) this.tail.splice(0, this.tail.length - 40);
    };
    child.stdout?.on("data", keep);
    child.stderr?.on("data", keep);
    this.exited = new Promise((resolve) => {
      child.on("exit", (code) => {
        this.exitCode = code;
        resolve();
      });
    });
  }

  get pid(): number {
    return this.child.pid!;
  }

  get running(): boolean {
    return this.exitCode === undefined;
  }

  output(): string {
    return this.tail.join("\n");
  }

  static start(options: StartOptions): Promise<ServerProcess> {
    const [command, args] = onServerCore(process.execPath, [...extraNodeArgs, "--import", TSX_LOADER, ...options.args], options.pin);
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const server = new ServerProcess(options.name, child);
    const timeoutMs = options.timeoutMs ?? 60_000;
    return new Promise((resolve, reject) => {
      let buffered = "";
      const timer = setTimeout(() => {
        child.kill("SIGKILL");
        reject(new Error(`${options.name} did not start within ${timeoutMs} ms:\n${server.output()}`));
      }, timeoutMs);
      const onData = (chunk: Buffer) => {
        buffered += chunk.toString();
        if (options.ready.test(buffered)) {
          clearTimeout(timer);
          child.stdout?.off("data", onData);
          resolve(server);
        } else if (buffered.length > 100_000) {
          buffered = buffered.slice(-10_000);
        }
      };
      child.stdout?.on("data", onData);
      child.on("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`${options.name} exited with ${code} before it was ready:\n${server.output()}`));
      });
    });
  }

  /** SIGTERM, then SIGKILL after `graceMs`. */
  async stop(graceMs = 10_000): Promise<void> {
    if (!this.running) return;
    this.child.kill("SIGTERM");
    const timer = setTimeout(() => this.child.kill("SIGKILL"), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}
