import { parseArgs } from "node:util";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { Value } from "typebox/value";
import { canonicalJson, isReleaseVersion, JsonInputError, parseStrictJson, Slug, verifyRelease, type PublicKeySet } from "@codewright/shared";
import { call, callJson, remoteFrom, standardPath, type Remote } from "../remote";
import { progress, say } from "../terminal";
import { isKeySet, pinnedKeys, trustFrom, TRUST_OPTIONS, type Trust } from "../trust";

export const DOWNLOAD_USAGE = `usage: codewright download --server <url> --standard <slug> [--version <version>] [--out <dir>] [--token <token>]
                           (--key <fingerprint>... | --keys <keys.json> | --trust-on-first-use)

Downloads a release (default: the newest) and its signature, verifies them against keys you
trust, checks that it is the standard and version asked for, and only then saves
<slug>-<version>.json, <slug>-<version>.signature.json and keys.json (the keys it was verified
with) in <dir> (default: the current directory). A token is needed only for members-only standards.

${TRUST_OPTIONS}`;

/** `codewright download`: fetches, verifies against trusted keys, then saves a release with its signature and keys. */
export async function downloadCommand(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      server: { type: "string" },
      token: { type: "string" },
      standard: { type: "string" },
      version: { type: "string" },
      out: { type: "string" },
      keys: { type: "string" },
      key: { type: "string", multiple: true },
      "trust-on-first-use": { type: "boolean" },
    },
  });
  const remote = remoteFrom(values.server, values.token);
  const standard = values.standard;
  if (!standard) throw new Error(`download needs --standard.\n${DOWNLOAD_USAGE}`);
  // File names are built from these two alone, so both are checked before anything is asked of the server.
  if (!Value.Check(Slug, standard)) throw new Error(`--standard ${shown(standard)} is not a standard's slug: lower-case letters, digits and hyphens.`);
  if (values.version !== undefined && !isReleaseVersion(values.version)) {
    throw new Error(`--version ${shown(values.version)} is not a release version: letters, digits, ".", "+" and "-" (up to 64), e.g. 1.0.0.`);
  }
  const trust = await trustFrom({ keys: values.keys, key: values.key, firstUse: values["trust-on-first-use"] });
  const out = values.out ?? ".";
  const base = `${standardPath(standard)}/releases`;

  const version = values.version ?? (await newestVersion(remote, base, standard));
  const stem = `${standard}-${version}`;
  const files = { release: inside(out, `${stem}.json`), signature: inside(out, `${stem}.signature.json`), keys: inside(out, "keys.json") };
  const path = `${base}/${encodeURIComponent(version)}`;

  progress(`downloading ${standard} version ${version} from ${remote.server} …`);
  const release = await call(remote, "GET", path);
  progress(`  release    ${(release.body.length / 1024).toFixed(1)} KiB`);
  const signature = await call(remote, "GET", `${path}/signature`);
  progress("  signature  ok");
  const keys = await keysToCheck(remote, trust);

  progress("verifying …");
  const document = parseServed(release.body, "release");
  const result = await verifyRelease(document, parseServed(signature.body, "signature"), keys);
  if (!result.valid) throw new Error(`the downloaded release is NOT AUTHENTIC (${result.problem}): ${result.message}${checkedAgainst(trust)} Nothing was saved.`);
  // A genuine release of another version or standard is still not the one asked for.
  const served = document as { version?: unknown; standard?: { slug?: unknown } };
  if (served.version !== version || served.standard?.slug !== standard) {
    throw new Error(
      `the server sent ${shown(served.standard?.slug)} version ${shown(served.version)} when ${standard} version ${version} was asked for: refusing it. Nothing was saved.`,
    );
  }
  if (trust.kind === "first-use") await refuseOtherSavedKeys(files.keys, keys);

  await mkdir(out, { recursive: true });
  const writes: Array<[string, string]> = [
    [files.release, release.body],
    [files.signature, `${JSON.stringify(parseServed(signature.body, "signature"), null, 2)}\n`],
  ];
  if (!(trust.kind === "key-file" && resolve(trust.path) === resolve(files.keys))) writes.push([files.keys, `${JSON.stringify(keys, null, 2)}\n`]);
  for (const [file, body] of writes) await writeFile(file, body);

  if (trust.kind === "first-use") {
    progress(
      [
        "",
        "NOT VERIFIED AGAINST A KEY YOU TRUST: trusting the server's keys on first use.",
        `  Compare the fingerprint ${result.kid} with one published elsewhere (by the standard body, say) before relying on this release.`,
        `  Later downloads and verifications can check against the keys saved here: --keys ${files.keys}`,
        "",
      ].join("\n"),
    );
    say(`downloaded ${standard} version ${version}: digest ${result.digest}, signed by the server's key ${result.kid}, trusted on first use`);
  } else {
    say(`verified ${standard} version ${version}: digest ${result.digest}, signed by key ${result.kid}${trust.kind === "key-file" ? ` from ${trust.path}` : " (pinned)"}`);
  }
  for (const [file] of writes) say(`  saved ${file}`);
}

async function newestVersion(remote: Remote, base: string, standard: string): Promise<string> {
  progress(`finding the newest release of ${standard} …`);
  const list = await callJson<{ releases?: unknown }>(remote, "GET", base);
  if (!Array.isArray(list?.releases)) throw new Error(`the server's list of releases of ${standard} is not a list; is it a Codewright server?`);
  if (list.releases.length === 0) throw new Error(`${standard} has no release yet.`);
  const newest = (list.releases[0] as { version?: unknown } | null)?.version;
  if (typeof newest !== "string" || !isReleaseVersion(newest)) {
    throw new Error(`the server names its newest release ${shown(newest)}, which is not a release version: refusing it. Nothing was saved.`);
  }
  return newest;
}

// The keys the release is checked against: the reader's own file, or the server's keys cut down to those pinned.
async function keysToCheck(remote: Remote, trust: Trust): Promise<PublicKeySet> {
  if (trust.kind === "key-file") return trust.keys;
  const served = parseServed((await call(remote, "GET", "/api/keys")).body, "key set");
  if (!isKeySet(served)) throw new Error("the server sent a key set without a \"keys\" list of JWKs. Nothing was saved.");
  progress("  keys       ok");
  return trust.kind === "fingerprints" ? pinnedKeys(served, trust.fingerprints) : served;
}

function checkedAgainst(trust: Trust): string {
  if (trust.kind === "key-file") return ` (checked against the keys in ${trust.path})`;
  if (trust.kind === "fingerprints") return ` (checked against the server's keys with the fingerprints you pinned: ${trust.fingerprints.join(", ")})`;
  return " (checked against the server's own keys)";
}

// Trusting on first use must not quietly replace keys trusted earlier.
async function refuseOtherSavedKeys(file: string, keys: PublicKeySet): Promise<void> {
  let saved: string;
  try {
    saved = await readFile(file, "utf8");
  } catch {
    return;
  }
  let same = false;
  try {
    same = canonicalJson(parseStrictJson(saved)) === canonicalJson(keys);
  } catch {
    same = false;
  }
  if (!same) {
    throw new Error(`${file} already holds other keys: check against them with --keys ${file}, or download elsewhere with --out. Nothing was saved.`);
  }
}

function parseServed(body: string, what: string): unknown {
  try {
    return parseStrictJson(body);
  } catch (error) {
    if (error instanceof JsonInputError && error.problem === "duplicate_key") {
      throw new Error(`the downloaded ${what} is NOT AUTHENTIC (duplicate_key): ${error.message} Nothing was saved.`);
    }
    throw new Error(`the server sent a ${what} that is not JSON. Nothing was saved.`);
  }
}

/** `name` in `dir`, refused unless it lands directly inside it. */
function inside(dir: string, name: string): string {
  const path = join(dir, name);
  const full = resolve(path);
  if (dirname(full) !== resolve(dir) || basename(full) !== name) throw new Error(`refusing to write ${shown(name)} outside ${dir}.`);
  return path;
}

// A value from the server, quoted (control characters escaped) and cut short for one line of a message.
function shown(value: unknown): string {
  const text = value === undefined ? "nothing" : JSON.stringify(typeof value === "string" ? value : String(value));
  return text.length > 80 ? `${text.slice(0, 77)}…"` : text;
}
