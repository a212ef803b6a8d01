import { parseArgs } from "node:util";
import { dirname, join } from "node:path";
import { verifyRelease } from "@codewright/shared";
import { readJsonFile } from "../files";
import { call } from "../remote";
import { say } from "../terminal";

export const VERIFY_USAGE = `usage: codewright verify <release.json> [--signature <sig.json>] [--keys <keys.json | URL>]

Checks that a release is authentic: its digest matches its content, and its Ed25519 signature
matches under the key it names. Defaults: <release>.signature.json and keys.json beside the
release (as \`codewright download\` saves them). --keys may be the server's /api/keys URL.
Exits 1 when the release was changed or the signature does not hold.`;

/** `codewright verify release.json --signature sig.json --keys keys.json`. */
export async function verifyCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({ args, options: { signature: { type: "string" }, keys: { type: "string" } }, allowPositionals: true });
  const file = positionals[0];
  if (!file || positionals.length > 1) throw new Error(`verify needs one release file.\n${VERIFY_USAGE}`);
  const signatureFile = values.signature ?? file.replace(/(\.json)?$/, ".signature.json");
  const keysSource = values.keys ?? join(dirname(file), "keys.json");

  const [release, signature, keys] = await Promise.all([readJsonFile(file), readJsonFile(signatureFile), readKeys(keysSource)]);
  const result = await verifyRelease(release, signature, keys);
  if (!result.valid) throw new Error(`${file}: NOT AUTHENTIC (${result.problem}): ${result.message}`);
  const { standard, version } = release as { standard?: { slug?: string }; version?: string };
  say(`${file}: authentic: ${standard?.slug ?? "?"} version ${version ?? "?"}`);
  say(`  digest     ${result.digest} matches the content`);
  say(`  signature  Ed25519 by key ${result.kid} (from ${keysSource})`);
}

async function readKeys(source: string): Promise<unknown> {
  if (!/^https?:\/\//.test(source)) return readJsonFile(source);
  const url = new URL(source);
  const { body } = await call({ server: url.origin }, "GET", `${url.pathname}${url.search}`);
  try {
    return JSON.parse(body) as unknown;
  } catch {
    throw new Error(`${source}: not a key set (the answer is not JSON).`);
  }
}
