import { parseArgs } from "node:util";
import { dirname, join } from "node:path";
import { CYCLE_REPORT_FORMAT, JsonInputError, parseStrictJson, RELEASE_FORMAT, verifyRelease, type CycleReport, type Release } from "@codewright/shared";
import { readJsonFile } from "../files";
import { call } from "../remote";
import { say } from "../terminal";

export const VERIFY_USAGE = `usage: codewright verify <release.json | report.json> [--signature <sig.json>] [--keys <keys.json | URL>]

Checks that a release, or a cycle report, is authentic: it is in a format this command knows
(codewright.release/v1 or v2, codewright.cycle-report/v1), its digest matches its content, every key in the key set
is named by its own fingerprint (RFC 7638 thumbprint), and the Ed25519 signature matches under
the key it names. Defaults: <release>.signature.json and keys.json beside the release (as
\`codewright download\` saves them). --keys may be the server's /api/keys URL, but a key set
from the server that served the release proves only that the server signed it.
A file with a key given twice in one object is refused: readers differ on which copy counts.
Exits 1 when the release was changed or the signature does not hold.`;

/** `codewright verify release.json --signature sig.json --keys keys.json`. */
export async function verifyCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({ args, options: { signature: { type: "string" }, keys: { type: "string" } }, allowPositionals: true });
  const file = positionals[0];
  if (!file || positionals.length > 1) throw new Error(`verify needs one release file.\n${VERIFY_USAGE}`);
  const signatureFile = values.signature ?? file.replace(/(\.json)?$/, ".signature.json");
  const keysSource = values.keys ?? join(dirname(file), "keys.json");

  const [release, signature, keys] = await Promise.all([readVerifiable(file), readVerifiable(signatureFile), readKeys(keysSource)]);
  const result = await verifyRelease(release, signature, keys);
  if (!result.valid) throw new Error(`${file}: NOT AUTHENTIC (${result.problem}): ${result.message}`);
  const { standard, version } = release as { standard?: { slug?: string }; version?: string };
  if ((release as { format?: unknown }).format === CYCLE_REPORT_FORMAT) {
    const report = release as CycleReport;
    say(`${file}: authentic: ${standard?.slug ?? "?"} report of the cycle “${report.cycle?.title ?? "?"}”`);
  } else say(`${file}: authentic: ${standard?.slug ?? "?"} version ${version ?? "?"}`);
  say(`  digest     ${result.digest} matches the content`);
  say(`  signature  Ed25519 by key ${result.kid} (from ${keysSource})`);
  say(`  format     ${describeFormat(release)}`);
}

/** "codewright.release/v2, first draft of “Edition 2” (redline from 1.0.0)"; a v1 release is an edition. */
function describeFormat(release: unknown): string {
  const r = release as Release;
  if ((r.format as string) === CYCLE_REPORT_FORMAT) return `${CYCLE_REPORT_FORMAT}, ${(release as CycleReport).final ? "final" : "live view (the cycle is active)"}`;
  if (r.format !== RELEASE_FORMAT) return `${r.format}, edition`;
  const kind = r.kind === "first-draft" ? "first draft" : "edition";
  return r.cycle ? `${r.format}, ${kind} of “${r.cycle.title}” (redline from ${r.redlineFrom ?? r.cycle.baseVersion})` : `${r.format}, ${kind}`;
}

// An ambiguous file is a verification failure like any other, not a reading error.
async function readVerifiable(path: string): Promise<unknown> {
  try {
    return await readJsonFile(path);
  } catch (error) {
    const cause = (error as Error).cause;
    if (cause instanceof JsonInputError && cause.problem === "duplicate_key") throw new Error(`${path}: NOT AUTHENTIC (duplicate_key): ${cause.message}`);
    throw error;
  }
}

async function readKeys(source: string): Promise<unknown> {
  if (!/^https?:\/\//.test(source)) return readVerifiable(source);
  const url = new URL(source);
  const { body } = await call({ server: url.origin }, "GET", `${url.pathname}${url.search}`);
  try {
    return parseStrictJson(body);
  } catch (error) {
    if (error instanceof JsonInputError && error.problem === "duplicate_key") throw new Error(`${source}: NOT AUTHENTIC (duplicate_key): ${error.message}`);
    throw new Error(`${source}: not a key set (the answer is not JSON).`);
  }
}
