import { afterEach, describe, expect, it, vi } from "vitest";
import { createHmac, pbkdf2Sync, randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import * as asn1js from "asn1js";
import { PFX } from "@peculiar/asn1-pfx";
import { AsnParser, AsnSerializer, OctetString } from "@peculiar/asn1-schema";
import { AlgorithmIdentifier } from "@peculiar/asn1-x509";
import type { OthernameError } from "../../src/errors.js";
import type { Derivation } from "../../src/pki/pkcs12/budget.js";
import { WorkBudget, derivationCost } from "../../src/pki/pkcs12/budget.js";
import { concatBytes, encodeTlv, readChildren, readTlv } from "../../src/pki/der.js";
import { readPkcs12, writePkcs12 } from "../../src/pki/pkcs12/index.js";
import { errorCode, fixture, sourceDer } from "./helpers.js";

const CORPUS = fileURLToPath(new URL("../../../shared/conformance/p12-corpus/files/", import.meta.url));
const hasCorpus = existsSync(CORPUS);
if (!hasCorpus) console.warn(`skipping the p12-corpus PBMAC1 checks: ${CORPUS} is absent (../shared is not beside the checkout)`);

const SHA1 = "1.2.840.113549.2.7";
const SHA256 = "1.2.840.113549.2.9";
const SHA512 = "1.2.840.113549.2.11";
const HMAC_NAMES: Record<string, "sha1" | "sha256" | "sha512"> = { [SHA1]: "sha1", [SHA256]: "sha256", [SHA512]: "sha512" };

/**
 * A file we wrote with its MAC replaced by PBMAC1 (RFC 9579) with the given PBKDF2 parameters;
 * the MAC is computed here with Node's PBKDF2 unless `iterations × key blocks` is too big to bother.
 */
async function withPbmac1(options: { password: string; prf: string; hmac: string; iterations: number; keyLength?: number; compute?: boolean }): Promise<Uint8Array> {
  const pfx = AsnParser.parse(await writePkcs12({ trustedCertificates: [{ der: sourceDer("ca.crt"), alias: "ca" }] }, options.password, { iterations: 1 }), PFX);
  const authSafe = new Uint8Array(AsnParser.parse(pfx.authSafe.content, OctetString).buffer);
  const salt = randomBytes(16);
  const hmac = HMAC_NAMES[options.hmac]!;
  const keyLength = options.keyLength ?? { sha1: 20, sha256: 32, sha512: 64 }[hmac];
  const key = options.compute === false ? randomBytes(keyLength) : pbkdf2Sync(options.password, salt, options.iterations, keyLength, HMAC_NAMES[options.prf]!);
  const pbkdf2Params = [new asn1js.OctetString({ valueHex: salt }), new asn1js.Integer({ value: options.iterations })];
  if (options.keyLength !== undefined) pbkdf2Params.push(new asn1js.Integer({ value: options.keyLength }));
  const params = new asn1js.Sequence({
    value: [
      new asn1js.Sequence({
        value: [
          new asn1js.ObjectIdentifier({ value: "1.2.840.113549.1.5.12" }),
          new asn1js.Sequence({ value: [...pbkdf2Params, new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: options.prf }), new asn1js.Null()] })] }),
        ],
      }),
      new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: options.hmac }), new asn1js.Null()] }),
    ],
  });
  pfx.macData.mac.digestAlgorithm = new AlgorithmIdentifier({ algorithm: "1.2.840.113549.1.5.14", parameters: params.toBER(false) });
  pfx.macData.mac.digest = new OctetString(createHmac(hmac, key).update(authSafe).digest());
  pfx.macData.iterations = 1;
  return new Uint8Array(AsnSerializer.serialize(pfx));
}

/**
 * Rewrites every INTEGER equal to `from` into `to`, also inside OCTET STRINGs that hold DER (the
 * AuthenticatedSafe and its SafeContents), re-encoding the lengths around them: iteration counts
 * in the MAC and in every PBE parameter. Returns the new bytes and how many were rewritten.
 */
function rewriteIterations(der: Uint8Array, from: number, to: number): { bytes: Uint8Array; count: number } {
  let count = 0;
  const integer = (value: number): Uint8Array => new Uint8Array(new asn1js.Integer({ value }).valueBlock.toBER(false));
  const fromBytes = Buffer.from(integer(from));
  const walk = (bytes: Uint8Array): Uint8Array => {
    const out: Uint8Array[] = [];
    for (let offset = 0; offset < bytes.length; ) {
      const tlv = readTlv(bytes, offset, bytes.length);
      const content = bytes.subarray(tlv.contentStart, tlv.end);
      if (tlv.tag === 0x02 && fromBytes.equals(content)) {
        count++;
        out.push(encodeTlv(0x02, integer(to)));
      } else if ((tlv.tag & 0x20) !== 0) {
        out.push(encodeTlv(tlv.tag, walk(content)));
      } else if (tlv.tag === 0x04 && content[0] === 0x30 && parsesWhole(content)) {
        out.push(encodeTlv(tlv.tag, walk(content)));
      } else {
        out.push(bytes.subarray(offset, tlv.end));
      }
      offset = tlv.end;
    }
    return concatBytes(out);
  };
  const bytes = walk(der);
  return { bytes, count };
}

function parsesWhole(bytes: Uint8Array): boolean {
  try {
    const top = readTlv(bytes, 0, bytes.length);
    if (top.end !== bytes.length) return false;
    readChildren(bytes, top);
    return true;
  } catch {
    return false;
  }
}

/** A legacy (3DES, HMAC-SHA1) file holding `keys` copies of its shrouded key bag. */
async function legacyFile(iterations: number, keys: number): Promise<Uint8Array> {
  const key = { pkcs8: sourceDer("node2.key"), certificate: sourceDer("node2.crt"), alias: "node2" };
  const written = await writePkcs12({ key, trustedCertificates: [{ der: sourceDer("ca.crt"), alias: "ca" }] }, "pw", { iterations, legacy: true });
  if (keys === 1) return written;
  // The AuthenticatedSafe is [certificates (EncryptedData), key (Data)]; repeat the Data one.
  const pfx = AsnParser.parse(written, PFX);
  const safe = new Uint8Array(AsnParser.parse(pfx.authSafe.content, OctetString).buffer);
  const [certs, keyInfo] = readChildren(safe, readTlv(safe, 0, safe.length));
  const infos = [safe.subarray(certs!.start, certs!.end), ...Array.from({ length: keys }, () => safe.subarray(keyInfo!.start, keyInfo!.end))];
  const newSafe = encodeTlv(0x30, concatBytes(infos));
  pfx.authSafe.content = AsnSerializer.serialize(new OctetString(newSafe));
  pfx.macData.mac.digest = new OctetString(createHmac("sha1", randomBytes(20)).update(newSafe).digest()); // wrong MAC: refused before it matters
  return new Uint8Array(AsnSerializer.serialize(pfx));
}

/** Records what a read charges up front (`plan`) and spends (`spend`), in blocks × iterations. */
function recordCharges(): { planned: () => number; spent: () => number; spends: () => number } {
  const plan = vi.spyOn(WorkBudget.prototype, "plan");
  const spend = vi.spyOn(WorkBudget.prototype, "spend");
  const sum = (derivations: readonly Derivation[]): number => derivations.reduce((total, d) => total + derivationCost(d), 0);
  return {
    planned: () => plan.mock.calls.reduce((total, [derivations]) => total + sum(derivations), 0),
    spent: () => sum(spend.mock.calls.map(([derivation]) => derivation)),
    spends: () => spend.mock.calls.length,
  };
}

async function timed<T>(run: () => Promise<T>): Promise<{ ms: number; result: T | unknown }> {
  const start = process.hrtime.bigint();
  const result = await run().catch((error: unknown) => error);
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, result };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("PBMAC1 key length (RFC 9579 §3)", () => {
  it.runIf(hasCorpus)("refuses the short-key forgery (a file made without the password) and the file without keyLength", async () => {
    const forged = (await readPkcs12(new Uint8Array(readFileSync(`${CORPUS}go/sslmate-pbmac1-short-key-bypass.p12`)), "realpassword").catch((e: unknown) => e)) as OthernameError;
    expect(forged.code).toBe("PKCS12_CORRUPT");
    expect(forged.message).toContain("key length 1");
    const a6 = (await readPkcs12(new Uint8Array(readFileSync(`${CORPUS}go/sslmate-rfc9579-a6.p12`)), "1234").catch((e: unknown) => e)) as OthernameError;
    expect(a6.code).toBe("PKCS12_CORRUPT");
    expect(a6.message).toContain("keyLength");
    const a1 = await readPkcs12(new Uint8Array(readFileSync(`${CORPUS}go/sslmate-rfc9579-a1.p12`)), "1234");
    expect(a1.keys).toHaveLength(1);
  });

  it("refuses a key length other than the HMAC's output, even when the MAC is right", async () => {
    for (const keyLength of [1, 16, 33, 64]) {
      const bytes = await withPbmac1({ password: "pw", prf: SHA256, hmac: SHA256, iterations: 10, keyLength });
      const error = (await readPkcs12(bytes, "pw").catch((e: unknown) => e)) as OthernameError;
      expect(error.code).toBe("PKCS12_CORRUPT");
      expect(error.message).toContain(`key length ${keyLength}`);
    }
    const missing = await withPbmac1({ password: "pw", prf: SHA256, hmac: SHA256, iterations: 10 });
    expect(await errorCode(readPkcs12(missing, "pw"))).toBe("PKCS12_CORRUPT");
    const right = await withPbmac1({ password: "pw", prf: SHA256, hmac: SHA256, iterations: 10, keyLength: 32 });
    expect((await readPkcs12(right, "pw")).certificates).toHaveLength(1);
  });

  it("refuses the 32767-byte PBKDF2-HMAC-SHA1 key (100,000 iterations) before any work, with or without the password", async () => {
    const baselineFile = await withPbmac1({ password: "pw", prf: SHA1, hmac: SHA512, iterations: 2000, keyLength: 64 });
    const hostile = await withPbmac1({ password: "pw", prf: SHA1, hmac: SHA1, iterations: 100_000, keyLength: 32767, compute: false });
    const charges = recordCharges();
    const baseline = await timed(() => readPkcs12(baselineFile, "pw"));
    expect((baseline.result as { certificates: unknown[] }).certificates).toHaveLength(1);
    const spendsBefore = charges.spends();
    for (const password of ["pw", ""]) {
      const refused = await timed(() => readPkcs12(hostile, password));
      expect((refused.result as OthernameError).code).toBe("PKCS12_CORRUPT");
      expect((refused.result as OthernameError).message).toContain("key length 32767");
      // Before the fix this ran 1639 PBKDF2 blocks × 100,000 iterations (92 s of CPU).
      expect(refused.ms).toBeLessThan(baseline.ms * 5 + 50);
    }
    expect(charges.spends()).toBe(spendsBefore);
  });

  it("charges every PBKDF2 block: a 64-byte key from PBKDF2-HMAC-SHA1 is four runs", async () => {
    const bytes = await withPbmac1({ password: "pw", prf: SHA1, hmac: SHA512, iterations: 1000, keyLength: 64 });
    const charges = recordCharges();
    await readPkcs12(bytes, "pw");
    // MAC 4 × 1000, certificates (PBES2, PBKDF2-HMAC-SHA256, 32 bytes) 1 × 1.
    expect(charges.planned()).toBe(4 * 1000 + 1);
  });
});

describe("the charge made up front is what the read spends", () => {
  it.each([
    ["JDK-17 shape we write (PBES2 ×2, HMAC-SHA256)", async () => writePkcs12({ key: { pkcs8: sourceDer("node2.key"), certificate: sourceDer("node2.crt"), alias: "node2" } }, "pw", { iterations: 300 }), "pw"],
    ["legacy we write (3DES ×2, HMAC-SHA1)", async () => writePkcs12({ key: { pkcs8: sourceDer("node2.key"), certificate: sourceDer("node2.crt"), alias: "node2" } }, "pw", { iterations: 300, legacy: true }), "pw"],
    ["OpenSSL -legacy (RC2-40 certs, 3DES key)", async () => fixture("openssl-legacy.p12"), "changeit"],
    ["OpenSSL RC2-128 and 2-key 3DES", async () => fixture("openssl-legacy-rc2-128-2des.p12"), "changeit"],
    ["OpenSSL HMAC-SHA512, AES-192 and PBES2 DES-EDE3", async () => fixture("openssl-sha512-aes192-3des.p12"), "changeit"],
    ["OpenSSL without a MAC", async () => fixture("openssl-nomac.p12"), "changeit"],
    ["keytool legacy (100,000-iteration MAC)", async () => fixture("keytool-legacy.p12"), "changeit"],
    ["PBMAC1 with a four-block PBKDF2-HMAC-SHA1 key", async () => withPbmac1({ password: "pw", prf: SHA1, hmac: SHA512, iterations: 500, keyLength: 64 }), "pw"],
  ] as const)("%s", async (_name, make, password) => {
    const bytes = await make();
    const charges = recordCharges();
    await readPkcs12(bytes, password);
    expect(charges.spent()).toBeGreaterThan(0);
    expect(charges.spent()).toBe(charges.planned());
  });

  it("the empty password is planned for both of its forms and never spends more", async () => {
    const charges = recordCharges();
    await readPkcs12(fixture("openssl-empty-password.p12"), "");
    expect(charges.spent()).toBeGreaterThan(0);
    expect(charges.spent()).toBeLessThanOrEqual(charges.planned());
  });
});

describe("over-budget legacy files are refused before any work", () => {
  it("openssl pkcs12 -export -legacy -iter 9999999: refused up front, as fast as parsing a normal file", async () => {
    const normal = await legacyFile(2048, 1);
    const { bytes: hostile, count } = rewriteIterations(normal, 2048, 9_999_999);
    expect(count).toBe(3); // MAC, certificates, key
    const charges = recordCharges();
    const baseline = await timed(() => readPkcs12(normal, "pw"));
    expect((baseline.result as { keys: unknown[] }).keys).toHaveLength(1);
    const spendsBefore = charges.spends();
    const refused = await timed(() => readPkcs12(hostile, "pw"));
    expect((refused.result as OthernameError).code).toBe("PKCS12_LIMIT_EXCEEDED");
    expect(charges.spends()).toBe(spendsBefore);
    expect(refused.ms).toBeLessThan(baseline.ms * 5 + 50);
  });

  it("iterations under the cap whose key + IV derivations add up past the total: refused up front", async () => {
    const normal = await legacyFile(2048, 2);
    const { bytes: hostile, count } = rewriteIterations(normal, 2048, 999_999);
    expect(count).toBe(4); // MAC, certificates, two keys
    const charges = recordCharges();
    // MAC 1 block, certificates 3 (3DES key 2, IV 1), each key 3: 10 × 999,999 > 8 × 1,000,000.
    const baseline = await timed(() => readPkcs12(normal, "pw").catch(() => undefined));
    const spendsBefore = charges.spends();
    const refused = await timed(() => readPkcs12(hostile, "pw"));
    expect((refused.result as OthernameError).code).toBe("PKCS12_LIMIT_EXCEEDED");
    expect((refused.result as OthernameError).message).toContain(`${10 * 999_999} iterations`);
    expect(refused.ms).toBeLessThan(baseline.ms * 5 + 50);
    expect(charges.planned()).toBe(10 * 2048 + 10 * 999_999); // both plans, the second refused
    expect(charges.spends()).toBe(spendsBefore); // nothing spent on the hostile file
  });
});
