import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { OthernameError } from "../../src/errors.js";
import { readPrivateKey } from "../../src/pki/keys.js";
import { decodePem } from "../../src/pki/pem.js";
import { FIXTURE_PASSWORD, fixture } from "./helpers.js";

const files = [
  "rsa2048.pkcs8.pem",
  "rsa2048.pkcs1.pem",
  "rsa2048.pkcs1.der",
  "rsa2048.pkcs8.der",
  "ec-p256.sec1.pem",
  "ec-p256.params.sec1.pem",
  "ec-p256.sec1.der",
  "ed25519.pkcs8.der",
  "ec-p256.pkcs8.aes128.pem",
  "ec-p256.pkcs8.aes256.der",
  "rsa2048.pkcs1.aes256.pem",
  "ec-p384.sec1.des3.pem",
  "ec-p256.cert.der",
].map((name) => fixture(name));

/** The DER inside each PEM fixture too, so mutations reach the ASN.1 and not only the armour. */
const inputs: readonly Uint8Array[] = [
  ...files,
  ...files.flatMap((bytes) => {
    try {
      return decodePem(Buffer.from(bytes).toString("latin1")).map((block) => block.der);
    } catch {
      return [];
    }
  }),
];

const mutation = fc.oneof(
  fc.record({ kind: fc.constant("flip" as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant("truncate" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("insert" as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
  fc.record({ kind: fc.constant("delete" as const), at: fc.nat(), count: fc.integer({ min: 1, max: 16 }) }),
);

type Mutation = { kind: string; at: number; value?: number; bytes?: Uint8Array; count?: number };

function mutate(source: Uint8Array, mutations: readonly Mutation[]): Uint8Array {
  let out = source.slice();
  for (const m of mutations) {
    const at = out.length === 0 ? 0 : m.at % out.length;
    if (m.kind === "flip") out[at] = m.value ?? 0;
    else if (m.kind === "truncate") out = out.slice(0, at);
    else if (m.kind === "insert") out = Uint8Array.from([...out.subarray(0, at), ...(m.bytes ?? []), ...out.subarray(at)]);
    else out = Uint8Array.from([...out.subarray(0, at), ...out.subarray(at + (m.count ?? 1))]);
  }
  return out;
}

/** Outcome counts, to check the mutations reach more than one kind of failure. */
const seen = new Map<string, number>();

function onlyOurErrors(bytes: Uint8Array, password: string | undefined): void {
  try {
    const key = readPrivateKey(bytes, { source: "fuzz", password });
    // Anything that does read must be a complete value.
    expect(["rsa", "ec", "ed25519"]).toContain(key.algorithm);
    expect(key.spki.length).toBeGreaterThan(0);
    seen.set("ok", (seen.get("ok") ?? 0) + 1);
  } catch (error) {
    if (!(error instanceof OthernameError)) throw error;
    seen.set(error.code, (seen.get(error.code) ?? 0) + 1);
    expect(error.message.startsWith("cannot read private key fuzz: ")).toBe(true);
    expect(error.hint).toBeTruthy();
  }
}

const mutatedKeyFile = fc.property(
  fc.constantFrom(...inputs),
  fc.array(mutation, { minLength: 1, maxLength: 4 }),
  fc.constantFrom(undefined, FIXTURE_PASSWORD, "wrong"),
  (input, mutations, password) => onlyOurErrors(mutate(input, mutations), password),
);

describe("readPrivateKey on mutated key files", () => {
  it("throws only OthernameError", () => {
    fc.assert(mutatedKeyFile, { numRuns: 400 });
  });

  it("reaches several outcomes, not the same failure every time", () => {
    // A fixed seed: which outcomes 400 random runs reach is chance (a random seed once saw only
    // three), and this check is about the mutations, not about luck.
    seen.clear();
    fc.assert(mutatedKeyFile, { numRuns: 400, seed: 20261202 });
    expect(seen.get("KEY_MALFORMED") ?? 0).toBeGreaterThan(0);
    expect(seen.size).toBeGreaterThanOrEqual(4);
  });

  it("throws only OthernameError on random bytes and random text", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 512 }),
          fc.uint8Array({ maxLength: 64 }).map((tail) => Uint8Array.from([0x30, 0x82, 0x01, 0x00, ...tail])),
          fc.string({ maxLength: 200 }).map((text) => new TextEncoder().encode(`-----BEGIN PRIVATE KEY-----\n${text}\n-----END PRIVATE KEY-----\n`)),
        ),
        (bytes) => onlyOurErrors(bytes, FIXTURE_PASSWORD),
      ),
      { numRuns: 300 },
    );
  });
});
