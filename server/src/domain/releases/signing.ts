import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, sign, type KeyObject } from "node:crypto";
import { chmod, link, mkdir, open, readFile, stat, unlink } from "node:fs/promises";
import { join } from "node:path";
import { base64FromBytes, keyIdOf, type PublicJwk } from "@codewright/shared";
import type { Db } from "../../db/database";

/*
 * SECURITY: the release signing key.
 * - Made on first start: an Ed25519 key pair from node:crypto.
 * - The private key lives only in DATA_DIR/keys/release-signing.pem (PKCS#8), created with mode
 *   0600 in a 0700 directory. It never enters the database (a database dump or a replica cannot
 *   sign), is never logged and never served. Back the file up apart from the database: whoever
 *   holds it can sign releases in this server's name.
 * - The public half goes into `signing_keys` (append-only) under its RFC 7638 thumbprint, so every
 *   process serves every key at GET /api/keys and releases signed by a retired key still verify.
 * - Rotation: move the file away; the next start makes a new key. Processes with separate data
 *   directories each sign with their own key; a signature names its key, so readers are not misled.
 */

/** Where the private key file is kept inside the data directory. */
export const SIGNING_KEY_FILE = join("keys", "release-signing.pem");

/** The key that signs new releases. */
export class ReleaseSigner {
  private constructor(
    readonly kid: string,
    readonly publicJwk: PublicJwk,
    private readonly privateKey: KeyObject,
  ) {}

  /** Loads the key from `dataDir` or makes it, and records its public half. Throws when the file is unreadable or not an Ed25519 key. */
  static async open(db: Db, dataDir: string): Promise<ReleaseSigner> {
    const signer = await ReleaseSigner.load(dataDir);
    await signer.record(db);
    return signer;
  }

  /** Loads the key from `dataDir` or makes it, touching no database. Throws as `open`. */
  static async load(dataDir: string): Promise<ReleaseSigner> {
    const privateKey = await loadOrCreate(join(dataDir, SIGNING_KEY_FILE));
    const raw = createPublicKey(privateKey).export({ format: "jwk" }) as { kty: "OKP"; crv: "Ed25519"; x: string };
    const jwk: PublicJwk = { kty: "OKP", crv: "Ed25519", x: raw.x, kid: await keyIdOf(raw), alg: "EdDSA", use: "sig" };
    return new ReleaseSigner(jwk.kid, jwk, privateKey);
  }

  /** Records the public half in `signing_keys` (once; again is a no-op). Run it in the transaction that stores what this key signs. */
  async record(db: Db): Promise<void> {
    await db
      .insertInto("signing_keys")
      .values({ kid: this.kid, algorithm: "Ed25519", public_jwk: JSON.stringify(this.publicJwk) })
      .onConflict((oc) => oc.column("kid").doNothing())
      .execute();
  }

  /** The standard base64 Ed25519 signature of `bytes`. */
  sign(bytes: Uint8Array): string {
    return base64FromBytes(sign(null, bytes, this.privateKey));
  }
}

/**
 * Opens the signer once, on first need, and hands the same one out after; a failed open is
 * retried next time. One per process (made in app.ts): the release routes and the cycle stages
 * that publish first drafts share it.
 */
export class SigningKeyStore {
  private signer: Promise<ReleaseSigner> | undefined;
  private recorded: Promise<ReleaseSigner> | undefined;

  constructor(
    private readonly db: Db,
    private readonly dataDir: string,
  ) {}

  /** The signer, its public half recorded in `signing_keys`. */
  current(): Promise<ReleaseSigner> {
    this.recorded ??= this.loaded()
      .then(async (signer) => {
        await signer.record(this.db);
        return signer;
      })
      .catch((error: unknown) => {
        this.recorded = undefined;
        throw error;
      });
    return this.recorded;
  }

  /**
   * The signer, from its file alone: for publishing inside a transaction already open (which
   * records the public half itself), where another connection's write could wait on it.
   */
  loaded(): Promise<ReleaseSigner> {
    this.signer ??= ReleaseSigner.load(this.dataDir).catch((error: unknown) => {
      this.signer = undefined;
      throw error;
    });
    return this.signer;
  }
}

/** Every public key that has signed, or may sign, a release here; oldest first. */
export async function publicKeys(db: Db): Promise<PublicJwk[]> {
  const rows = await db.selectFrom("signing_keys").select("public_jwk").orderBy("created_at").orderBy("kid").execute();
  return rows.map((r) => JSON.parse(r.public_jwk) as PublicJwk);
}

async function loadOrCreate(path: string): Promise<KeyObject> {
  const existing = await readKey(path);
  if (existing) return existing;
  await mkdir(join(path, ".."), { recursive: true, mode: 0o700 });
  const { privateKey } = generateKeyPairSync("ed25519");
  const pem = privateKey.export({ format: "pem", type: "pkcs8" });
  // Written whole to a private temporary file, then linked into place: a crash never leaves a
  // half-written key, and `link` refuses to replace a key another process made first.
  const temporary = `${path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  const file = await open(temporary, "wx", 0o600);
  try {
    await file.writeFile(pem);
    await file.sync();
  } finally {
    await file.close();
  }
  try {
    await link(temporary, path);
    return privateKey;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    const theirs = await readKey(path);
    if (!theirs) throw error;
    return theirs;
  } finally {
    await unlink(temporary);
  }
}

async function readKey(path: string): Promise<KeyObject | null> {
  let pem: string;
  try {
    pem = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
  // A copy restored from a backup may come back readable by others; only the owner should read it.
  if (((await stat(path)).mode & 0o077) !== 0) await chmod(path, 0o600);
  const key = createPrivateKey(pem);
  if (key.asymmetricKeyType !== "ed25519") throw new Error(`The release signing key in ${path} is not an Ed25519 key.`);
  return key;
}
