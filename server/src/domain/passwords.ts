import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from "node:crypto";
import { serverBusy } from "./errors";

// scrypt is memory-hard: N=2^15, r=8 needs 32 MiB per hash (OWASP's N=2^15, r=8, p=3 profile).
const PARAMS = { N: 2 ** 15, r: 8, p: 3 } as const;
const KEY_LENGTH = 32;

function derive(password: string, salt: Buffer, params: { N: number; r: number; p: number }): Promise<Buffer> {
  const options: ScryptOptions = { ...params, maxmem: 256 * params.N * params.r };
  return new Promise((resolve, reject) =>
    scrypt(password.normalize("NFC"), salt, KEY_LENGTH, options, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

/** Hashes a password as `scrypt$N$r$p$salt$hash` (base64url), so parameters can rise later. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, PARAMS);
  return ["scrypt", PARAMS.N, PARAMS.r, PARAMS.p, salt.toString("base64url"), key.toString("base64url")].join("$");
}

/** True when `password` matches `encoded`; false for a malformed hash, never throws for a wrong password. */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = encoded.split("$");
  if (scheme !== "scrypt" || !n || !r || !p || !salt || !hash) return false;
  const expected = Buffer.from(hash, "base64url");
  const key = await derive(password, Buffer.from(salt, "base64url"), { N: Number(n), r: Number(r), p: Number(p) });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** A hash of a random password, to spend the same time on unknown emails as on known ones. */
let decoy: Promise<string> | undefined;
export function decoyHash(): Promise<string> {
  decoy ??= hashPassword(randomBytes(16).toString("hex"));
  return decoy;
}

/**
 * Bounds scrypt work in the process: at most `concurrent` hashes or checks run at once (each takes
 * 32 MiB and a thread of the pool the rest of the server shares), at most `queued` wait for a place.
 * Past that, DomainError 503 `server_busy`: a sign-in flood is refused rather than starving the server.
 */
export class PasswordChecks {
  #running = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(private readonly limits: { concurrent: number; queued: number }) {}

  /** `hashPassword`, in turn. Throws 503 `server_busy`. */
  hash(password: string): Promise<string> {
    return this.#inTurn(() => hashPassword(password));
  }

  /** `verifyPassword`, in turn; `encoded` null (no such user, or no password) checks against a decoy and is false. Throws 503 `server_busy`. */
  verify(password: string, encoded: string | null): Promise<boolean> {
    return this.#inTurn(async () => (encoded === null ? (await verifyPassword(password, await decoyHash())) && false : verifyPassword(password, encoded)));
  }

  /** Checks running and waiting now. */
  get load(): { running: number; waiting: number } {
    return { running: this.#running, waiting: this.#waiting.length };
  }

  async #inTurn<T>(work: () => Promise<T>): Promise<T> {
    if (this.#running < this.limits.concurrent) {
      this.#running++;
    } else {
      if (this.#waiting.length >= this.limits.queued) throw serverBusy();
      // The place is handed over by the check that finishes, so `#running` stays as it is.
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    }
    try {
      return await work();
    } finally {
      const next = this.#waiting.shift();
      if (next) next();
      else this.#running--;
    }
  }
}
