import { parseArgs } from "node:util";
import { readFile } from "node:fs/promises";
import type { ReleaseSummary } from "@codewright/shared";
import { callJson, remoteFrom, standardPath } from "../remote";
import { progress, say } from "../terminal";

export const PUBLISH_USAGE = `usage: codewright publish --server <url> --standard <slug> --version <version> [--notes <text> | --notes-file <file>] [--token <token>]

Publishes the standard's current draft as a new, immutable release (editors only).
The token may also come from CODEWRIGHT_TOKEN.`;

/** `codewright publish`: asks the server to publish a release and reports its digest. */
export async function publishCommand(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      server: { type: "string" },
      token: { type: "string" },
      standard: { type: "string" },
      version: { type: "string" },
      notes: { type: "string" },
      "notes-file": { type: "string" },
    },
  });
  const remote = remoteFrom(values.server, values.token);
  if (!values.standard || !values.version) throw new Error(`publish needs --standard and --version.\n${PUBLISH_USAGE}`);
  if (!remote.token) throw new Error("publish needs an API token of an editor: pass --token or set CODEWRIGHT_TOKEN.");
  if (values.notes !== undefined && values["notes-file"] !== undefined) throw new Error("give --notes or --notes-file, not both.");
  const notes = values["notes-file"] !== undefined ? await readNotes(values["notes-file"]) : (values.notes ?? "");

  progress(`publishing ${values.standard} version ${values.version} on ${remote.server} …`);
  const started = Date.now();
  const summary = await callJson<ReleaseSummary>(remote, "POST", `${standardPath(values.standard)}/releases`, { version: values.version, notes });
  say(`published ${values.standard} version ${summary.version} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  say(`  published at      ${summary.publishedAt}`);
  say(`  previous version  ${summary.previousVersion ?? "(none: first release)"}`);
  say(`  digest            ${summary.digest}`);
}

async function readNotes(path: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    throw new Error(`${path}: cannot read the notes (${(error as NodeJS.ErrnoException).code ?? String(error)}).`);
  }
}
