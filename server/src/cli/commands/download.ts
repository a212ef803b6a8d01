import { parseArgs } from "node:util";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { verifyRelease, type ReleaseList } from "@codewright/shared";
import { call, callJson, remoteFrom, standardPath } from "../remote";
import { progress, say } from "../terminal";

export const DOWNLOAD_USAGE = `usage: codewright download --server <url> --standard <slug> [--version <version>] [--out <dir>] [--token <token>]

Downloads a release (default: the newest), its signature and the server's public keys,
verifies them, and saves <slug>-<version>.json, <slug>-<version>.signature.json and keys.json
in <dir> (default: the current directory). A token is needed only for members-only standards.`;

/** `codewright download`: fetches, verifies, then saves a release with its signature and keys. */
export async function downloadCommand(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { server: { type: "string" }, token: { type: "string" }, standard: { type: "string" }, version: { type: "string" }, out: { type: "string" } },
  });
  const remote = remoteFrom(values.server, values.token);
  if (!values.standard) throw new Error(`download needs --standard.\n${DOWNLOAD_USAGE}`);
  const base = `${standardPath(values.standard)}/releases`;

  let version = values.version;
  if (!version) {
    progress(`finding the newest release of ${values.standard} …`);
    const { releases } = await callJson<ReleaseList>(remote, "GET", base);
    if (releases.length === 0) throw new Error(`${values.standard} has no release yet.`);
    version = releases[0]!.version;
  }
  const path = `${base}/${encodeURIComponent(version)}`;

  progress(`downloading ${values.standard} version ${version} from ${remote.server} …`);
  const release = await call(remote, "GET", path);
  progress(`  release    ${(release.body.length / 1024).toFixed(1)} KiB`);
  const signature = await call(remote, "GET", `${path}/signature`);
  progress("  signature  ok");
  const keys = await call(remote, "GET", "/api/keys");
  progress("  keys       ok");

  progress("verifying …");
  const result = await verifyRelease(parse(release.body, "release"), parse(signature.body, "signature"), parse(keys.body, "key set"));
  if (!result.valid) throw new Error(`the downloaded release is NOT AUTHENTIC (${result.problem}): ${result.message} Nothing was saved.`);

  const dir = values.out ?? ".";
  await mkdir(dir, { recursive: true });
  const stem = `${values.standard}-${version}`;
  const files = [
    [join(dir, `${stem}.json`), release.body],
    [join(dir, `${stem}.signature.json`), `${JSON.stringify(JSON.parse(signature.body), null, 2)}\n`],
    [join(dir, "keys.json"), `${JSON.stringify(JSON.parse(keys.body), null, 2)}\n`],
  ] as const;
  for (const [file, body] of files) await writeFile(file, body);
  say(`verified ${values.standard} version ${version}: digest ${result.digest}, signed by key ${result.kid}`);
  for (const [file] of files) say(`  saved ${file}`);
}

function parse(body: string, what: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    throw new Error(`the server sent a ${what} that is not JSON.`);
  }
}
