import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    /** Why the web client could not be built for the browser tests; null when it is ready. */
    clientBuildProblem: string | null;
  }
}

/** The built web client the browser tests serve. */
export const CLIENT_DIST = resolve(import.meta.dirname, "../../../client/dist");
/** Debian's Chromium unless CHROMIUM_PATH names another build. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
/** SKIP_BROWSER=1 skips the browser tests; nothing else does, so a machine without Chromium fails them. */
export const SKIP_BROWSER = process.env.SKIP_BROWSER === "1";

const CLIENT_DIR = resolve(import.meta.dirname, "../../../client");
// What the bundle is built from: the client and the shared package it imports.
const SOURCES = [join(CLIENT_DIR, "src"), join(CLIENT_DIR, "index.html"), join(CLIENT_DIR, "vite.config.ts"), resolve(CLIENT_DIR, "../shared/src")];

function newestChange(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestChange(join(path, entry)));
  return newest;
}

/**
 * Vitest global setup: builds the web client once per run when client/dist is missing or
 * older than its sources, so browser tests exercise the current code. Not built when the
 * browser tests are skipped, or fail at once for want of Chromium. A failed build fails only
 * the browser tests (through `clientBuildProblem`), not every server test.
 */
export default function buildClient(project: TestProject): void {
  project.provide("clientBuildProblem", null);
  if (SKIP_BROWSER || !existsSync(CHROMIUM_PATH)) return;
  const index = join(CLIENT_DIST, "index.html");
  const builtAt = existsSync(index) ? statSync(index).mtimeMs : 0;
  if (builtAt > Math.max(...SOURCES.map(newestChange))) return;
  const vite = join(CLIENT_DIR, "node_modules/vite/bin/vite.js");
  try {
    execFileSync(process.execPath, [vite, "build", "--logLevel", "warn"], { cwd: CLIENT_DIR, stdio: ["ignore", "inherit", "pipe"] });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
    project.provide("clientBuildProblem", `Building the web client failed: ${stderr || (error as Error).message}`);
  }
}
