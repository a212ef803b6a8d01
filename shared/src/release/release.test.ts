import { generateKeyPairSync, sign } from "node:crypto";
import { describe, expect, it } from "vitest";
import { schema } from "../schema";
import { buildRelease } from "./build";
import { canonicalJson, digestOf, signedBytes } from "./canonical";
import { releaseSchema, releaseSchemaV1, releaseSchemaV2 } from "./schema";
import { keyIdOf, verifyDigest, verifyRelease, type PublicJwk } from "./signature";
import { isReleaseVersion, releaseKind, type Release } from "./types";

const section = (id: string, label: string, number: string, text: string) => ({
  id,
  label,
  number,
  title: `Title of ${label}`,
  content: { type: "doc" as const, content: [{ type: "paragraph" as const, content: [{ type: "text" as const, text }] }] },
  text,
  children: [],
});

const sample = () =>
  buildRelease({
    standard: { slug: "building-code", title: "Building Code" },
    version: "1.0.0",
    publishedAt: "2026-03-01T12:00:00.000Z",
    previousVersion: null,
    notes: "First release. Ünïcode ✓",
    sections: [section("a1", "BC-1", "1", "Use memory-safe languages."), section("b2", "BC-2", "2", "Sign every build.")],
  });

async function signer() {
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  const raw = publicKey.export({ format: "jwk" }) as { kty: "OKP"; crv: "Ed25519"; x: string };
  const jwk: PublicJwk = { ...raw, kid: await keyIdOf(raw), alg: "EdDSA", use: "sig" };
  return {
    keys: { keys: [jwk] },
    sign: (release: Release) => ({ algorithm: "Ed25519" as const, kid: jwk.kid, signature: sign(null, signedBytes(release), privateKey).toString("base64") }),
  };
}

describe("canonical JSON and digest", () => {
  it("writes RFC 8785 canonical JSON", () => {
    expect(canonicalJson({ b: [3, { z: 1, a: "é" }], a: 1e21, c: null, "€": 1, "\u0080": 2 })).toBe('{"a":1e+21,"b":[3,{"a":"é","z":1}],"c":null,"\u0080":2,"€":1}');
    expect(() => canonicalJson(Number.NaN)).toThrow(RangeError);
  });

  it("hashes the release without its digest, independent of key order", async () => {
    const release = await sample();
    expect(release.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(await digestOf(release)).toBe(release.digest);
    const reordered = Object.fromEntries(Object.entries(release).reverse()) as unknown as Release;
    expect(await digestOf(reordered)).toBe(release.digest);
    expect(await verifyDigest(release)).toBe(true);
    expect(await verifyDigest({ ...release, notes: "First release! Ünïcode ✓" })).toBe(false);
  });

  it("accepts versions of the documented form only, and never `draft`", async () => {
    for (const v of ["1.0.0", "2026", "2.0.0-rc.1", "1.0+errata", "a".repeat(64)]) expect(isReleaseVersion(v)).toBe(true);
    for (const v of ["", "-1", ".1", "1 0", "1/0", "a".repeat(65), "draft", "Draft", "1.0_0"]) expect(isReleaseVersion(v)).toBe(false);
    const base = { standard: { slug: "s", title: "S" }, publishedAt: new Date(), previousVersion: null, notes: "", sections: [] };
    await expect(buildRelease({ ...base, version: "not valid" })).rejects.toThrow(RangeError);
    await expect(buildRelease({ ...base, version: "1", publishedAt: "yesterday" })).rejects.toThrow(RangeError);
    const built = await buildRelease({ ...base, version: "1" });
    expect(built).toMatchObject({ format: "codewright.release/v2", kind: "edition", cycle: null, redlineFrom: null, changes: [], comments: [] });
    const draft = await buildRelease({ ...base, version: "2.0.0-fd1", kind: "first-draft", cycle: { id: "c1", title: "Edition 2", baseVersion: "1" } });
    expect(draft).toMatchObject({ kind: "first-draft", cycle: { id: "c1", title: "Edition 2", baseVersion: "1" }, redlineFrom: "1" });
  });
});

describe("signatures", () => {
  it("names a key by its RFC 7638 thumbprint (RFC 8037 example)", async () => {
    expect(await keyIdOf({ crv: "Ed25519", kty: "OKP", x: "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo" })).toBe("kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k");
  });

  it("verifies a signed release and finds any change to it", async () => {
    const release = await sample();
    const { keys, sign: signRelease } = await signer();
    const signature = signRelease(release);
    expect(await verifyRelease(release, signature, keys)).toEqual({ valid: true, digest: release.digest, kid: signature.kid });

    // One byte of the published file changed: the digest no longer matches.
    const bytes = new TextEncoder().encode(JSON.stringify(release));
    const at = new TextDecoder().decode(bytes).indexOf("Sign every build");
    bytes[at] = "s".charCodeAt(0);
    const tampered = JSON.parse(new TextDecoder().decode(bytes));
    expect(await verifyRelease(tampered, signature, keys)).toMatchObject({ valid: false, problem: "digest_mismatch" });

    // Changed, and the digest recomputed to match: the signature gives it away.
    const forged = { ...tampered, digest: await digestOf(tampered) };
    expect(await verifyRelease(forged, signature, keys)).toMatchObject({ valid: false, problem: "bad_signature" });

    const other = await signer();
    expect(await verifyRelease(release, signature, other.keys)).toMatchObject({ valid: false, problem: "unknown_key" });
    expect(await verifyRelease(release, { ...signature, signature: other.sign(release).signature }, keys)).toMatchObject({ valid: false, problem: "bad_signature" });
    expect(await verifyRelease(release, { ...signature, algorithm: "RS256" }, keys)).toMatchObject({ valid: false, problem: "unsupported_algorithm" });
    expect(await verifyRelease(release, { ...signature, signature: "not base64!" }, keys)).toMatchObject({ valid: false, problem: "bad_signature" });
    expect(await verifyRelease("nonsense", signature, keys)).toMatchObject({ valid: false, problem: "malformed" });
  });

  it("verifies a release of the v1 format, and refuses a format it does not know", async () => {
    const { kind: _kind, cycle: _cycle, redlineFrom: _redline, digest: _digest, ...content } = await sample();
    const v1 = { ...content, format: "codewright.release/v1" as const };
    const release = { ...v1, digest: await digestOf(v1) };
    const { keys, sign: signRelease } = await signer();
    expect(await verifyRelease(release, signRelease(release), keys)).toMatchObject({ valid: true, digest: release.digest });
    expect(releaseKind(release)).toBe("edition");
    const future = { ...v1, format: "codewright.release/v3" } as unknown as Release;
    const signed = { ...future, digest: await digestOf(future) } as Release;
    expect(await verifyRelease(signed, signRelease(signed), keys)).toMatchObject({ valid: false, problem: "unsupported_format" });
  });

  it("refuses a key set that names another key with a genuine kid", async () => {
    const release = await sample();
    const genuine = await signer();
    const attacker = await signer();
    const kid = genuine.keys.keys[0]!.kid;
    // The attacker's key under the genuine name, and a forged release signed with it under that name.
    const forgedKeys = { keys: [{ ...attacker.keys.keys[0]!, kid }] };
    const forged = { ...release, notes: "Nothing to see." };
    forged.digest = await digestOf(forged);
    const forgedSignature = { ...attacker.sign(forged), kid };
    expect(await verifyRelease(forged, forgedSignature, forgedKeys)).toMatchObject({ valid: false, problem: "key_id_mismatch" });
    // A forged key beside the genuine one taints the whole set, whichever comes first.
    const both = { keys: [genuine.keys.keys[0]!, { ...attacker.keys.keys[0]!, kid: "another-name" }] };
    expect(await verifyRelease(release, genuine.sign(release), both)).toMatchObject({ valid: false, problem: "key_id_mismatch" });
    expect(await verifyRelease(release, genuine.sign(release), { keys: [{ ...genuine.keys.keys[0]!, kid: undefined }] })).toMatchObject({ valid: false, problem: "key_id_mismatch" });
    // The genuine set, with keys of other kinds beside it, still verifies.
    const mixed = { keys: [{ kty: "RSA", kid: "rsa-1", n: "AQAB", e: "AQAB" }, ...genuine.keys.keys] };
    expect(await verifyRelease(release, genuine.sign(release), mixed)).toMatchObject({ valid: true, kid });
  });
});

describe("release JSON Schema", () => {
  it("lists exactly the node and mark types of the shared ProseMirror schema, in both formats", () => {
    expect(releaseSchema).toBe(releaseSchemaV2);
    for (const s of [releaseSchemaV1, releaseSchemaV2]) {
      const defs = s.definitions as Record<string, { properties: { type: { enum: string[] } } }>;
      expect([...defs.node!.properties.type.enum].sort()).toEqual(Object.keys(schema.nodes).sort());
      expect([...defs.mark!.properties.type.enum].sort()).toEqual(Object.keys(schema.marks).sort());
    }
    // v2 is v1 with the kind, the cycle and the redline's base.
    const v1 = releaseSchemaV1 as { properties: Record<string, unknown>; definitions: unknown };
    const v2 = releaseSchemaV2 as { properties: Record<string, unknown>; definitions: unknown };
    expect(v2.definitions).toEqual(v1.definitions);
    expect(Object.keys(v2.properties).sort()).toEqual([...Object.keys(v1.properties), "kind", "cycle", "redlineFrom"].sort());
    for (const k of Object.keys(v1.properties)) if (k !== "format" && k !== "comments") expect(v2.properties[k], k).toEqual(v1.properties[k]);
    // v2's comments take the ballot practice's dispositions too, and still the old word, so releases published before stay valid.
    type Comments = { items: { properties: { disposition: { enum: string[] } } } };
    const enumOf = (p: Record<string, unknown>) => (p.comments as Comments).items.properties.disposition.enum;
    expect(enumOf(v1.properties)).toEqual(["accepted", "accepted_in_principle", "rejected", "noted"]);
    expect([...enumOf(v2.properties)].sort()).toEqual(
      ["accepted", "accepted_in_principle", "accepted_with_modification", "rejected", "deferred", "duplicate", "not_related", "noted"].sort(),
    );
    const strip = (c: Comments) => ({ ...c, items: { ...c.items, properties: { ...c.items.properties, disposition: null } } });
    expect(strip(v2.properties.comments as Comments)).toEqual(strip(v1.properties.comments as Comments));
  });
});
