import { createHmac, timingSafeEqual } from "node:crypto";
import { DigestInfo } from "@peculiar/asn1-rsa";
import { OctetString } from "@peculiar/asn1-schema";
import { AlgorithmIdentifier } from "@peculiar/asn1-x509";
import { MacData } from "@peculiar/asn1-pfx";
import type { WorkBudget } from "./budget.js";
import { macDerivation } from "./budget.js";
import { algorithmParameters, oidValue, sequenceItems, toArrayBuffer } from "./der.js";
import { Malformed, Unsupported } from "./failures.js";
import { KdfPurpose, pkcs12Kdf } from "./kdf.js";
import { MAX_SALT_BYTES } from "./limits.js";
import type { HashName } from "./oids.js";
import { DIGEST_BY_OID, HASH_SIZES, HMAC_BY_OID, Oid, hashLabel } from "./oids.js";
import type { PasswordEncoding, PasswordForms } from "./pbe.js";
import { bmpEncoding, parsePbkdf2Params, pbkdf2Bytes, pbkdf2Passwords } from "./pbe.js";
import type { GostHmacMac } from "./gost/mac.js";
import { GOST_MAC_BYTES, gostMacMatches } from "./gost/mac.js";
import { GostOid } from "./gost/oids.js";

/** RFC 7292 §5.1 / Appendix B: HMAC keyed by the PKCS#12 KDF (ID 3) over the authSafe content. */
export interface HmacMac {
  readonly kind: "hmac";
  readonly name: string;
  readonly hash: HashName;
  readonly salt: Uint8Array;
  readonly iterations: number;
  readonly digest: Uint8Array;
}

/** RFC 9579: PBMAC1, an HMAC keyed by PBKDF2 over the UTF-8 password. */
export interface Pbmac1Mac {
  readonly kind: "pbmac1";
  readonly name: string;
  readonly prf: HashName;
  readonly hmac: HashName;
  readonly salt: Uint8Array;
  readonly iterations: number;
  readonly keyLength: number;
  readonly digest: Uint8Array;
}

export type MacScheme = HmacMac | Pbmac1Mac | GostHmacMac;

function macIterations(value: number | string): number {
  let big: bigint;
  try {
    big = BigInt(String(value));
  } catch {
    throw new Malformed(`MAC iteration count ${String(value)} is not an integer`);
  }
  if (big < 1n) throw new Malformed(`MAC iteration count ${big} is not positive`);
  return big > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(big);
}

export function parseMac(macData: MacData): MacScheme {
  const algorithm = macData.mac.digestAlgorithm;
  const digest = new Uint8Array(macData.mac.digest.buffer);
  const oid = algorithm.algorithm;
  if (oid === Oid.pbmac1) return parsePbmac1(algorithm, digest);
  if (oid === GostOid.gostr3411_94) return parseGostMac(macData, digest);
  const hash = DIGEST_BY_OID[oid];
  if (hash === undefined) throw new Unsupported("MAC digest algorithm", oid);
  if (digest.length !== HASH_SIZES[hash].u) throw new Malformed(`MAC digest is ${digest.length} bytes, expected ${HASH_SIZES[hash].u}`);
  const salt = new Uint8Array(macData.macSalt.buffer);
  if (salt.length > MAX_SALT_BYTES) throw new Malformed(`MAC salt is ${salt.length} bytes long`);
  return { kind: "hmac", name: `HMAC-${hashLabel(hash)}`, hash, salt, iterations: macIterations(macData.iterations), digest };
}

/** CryptoPro's MacData: digestAlgorithm id-GostR3411-94, a 32-byte HMAC_GOSTR3411 (gost/mac.ts). */
function parseGostMac(macData: MacData, digest: Uint8Array): GostHmacMac {
  if (digest.length !== GOST_MAC_BYTES) throw new Malformed(`MAC digest is ${digest.length} bytes, expected ${GOST_MAC_BYTES}`);
  const salt = new Uint8Array(macData.macSalt.buffer);
  if (salt.length > MAX_SALT_BYTES) throw new Malformed(`MAC salt is ${salt.length} bytes long`);
  return { kind: "gost-hmac", name: "HMAC-GOSTR3411-94", salt, iterations: macIterations(macData.iterations), digest };
}

function parsePbmac1(algorithm: AlgorithmIdentifier, digest: Uint8Array): Pbmac1Mac {
  // RFC 8018 A.5: PBMAC1-params ::= SEQUENCE { keyDerivationFunc, messageAuthScheme }.
  const params = algorithmParameters(algorithm.parameters, "PBMAC1 parameters");
  if (params === null) throw new Malformed("PBMAC1 has no parameters");
  const [kdf, scheme] = sequenceItems(params, "PBMAC1 parameters", 2, 2);
  const [kdfOid, kdfParams] = sequenceItems(kdf!, "PBMAC1 key derivation function", 1, 2);
  const kdfId = oidValue(kdfOid, "PBMAC1 key derivation function");
  if (kdfId !== Oid.pbkdf2) throw new Unsupported("PBMAC1 key derivation function", kdfId);
  const pbkdf2 = parsePbkdf2Params(kdfParams);
  const [macOid] = sequenceItems(scheme!, "PBMAC1 message authentication scheme", 1, 2);
  const macId = oidValue(macOid, "PBMAC1 message authentication scheme");
  const hmac = HMAC_BY_OID[macId];
  if (hmac === undefined) throw new Unsupported("PBMAC1 message authentication scheme", macId);
  if (digest.length !== HASH_SIZES[hmac].u) throw new Malformed(`PBMAC1 digest is ${digest.length} bytes, expected ${HASH_SIZES[hmac].u}`);
  // RFC 9579 §3: keyLength must be present and equal the HMAC's output length. Any other length is
  // refused: a short key lets a file made without the password verify under it (1 byte leaves 256
  // keys to try), and a long one costs a PBKDF2 run per block (32767 bytes of SHA-1: 1639 runs).
  if (pbkdf2.keyLength === undefined) throw new Malformed("PBMAC1's PBKDF2 parameters have no keyLength, which RFC 9579 §3 requires");
  if (pbkdf2.keyLength !== HASH_SIZES[hmac].u) {
    throw new Malformed(`PBMAC1 key length ${pbkdf2.keyLength} is not the ${HASH_SIZES[hmac].u} bytes of HMAC-${hashLabel(hmac)} (RFC 9579 §3)`);
  }
  return {
    kind: "pbmac1",
    name: `PBMAC1(PBKDF2-HMAC-${hashLabel(pbkdf2.prf)}, HMAC-${hashLabel(hmac)})`,
    prf: pbkdf2.prf,
    hmac,
    salt: pbkdf2.salt,
    iterations: pbkdf2.iterations,
    keyLength: pbkdf2.keyLength,
    digest,
  };
}

/** What `inspect` shows of the MAC (RFC 7292 §4 MacData, or RFC 9579 PBMAC1). */
export interface MacInfo {
  /** "HMAC-SHA256" for the classic MAC; "PBMAC1" for RFC 9579. */
  readonly algorithm: string;
  /** "PKCS#12 KDF" (RFC 7292 Appendix B) or "PBKDF2". */
  readonly kdf: string;
  readonly iterations: number;
  /** PBMAC1 only: PBKDF2's PRF, the HMAC and the derived key's length in bytes. */
  readonly prf?: string;
  readonly hmac?: string;
  readonly keyLength?: number;
  /** Which encoding of the password matched the MAC. */
  readonly passwordEncoding?: PasswordEncoding;
}

export function macInfo(scheme: MacScheme, passwordEncoding?: PasswordEncoding): MacInfo {
  const encoding = passwordEncoding !== undefined ? { passwordEncoding } : {};
  if (scheme.kind === "hmac" || scheme.kind === "gost-hmac") return { algorithm: scheme.name, kdf: "PKCS#12 KDF", iterations: scheme.iterations, ...encoding };
  return {
    algorithm: "PBMAC1",
    kdf: "PBKDF2",
    iterations: scheme.iterations,
    prf: `HMAC-${hashLabel(scheme.prf)}`,
    hmac: `HMAC-${hashLabel(scheme.hmac)}`,
    keyLength: scheme.keyLength,
    ...encoding,
  };
}

/** The password candidate that matched a MAC: a PKCS#12 KDF form (HMAC) or a PBKDF2 one (PBMAC1). */
export interface MacMatch {
  /** The BMPString candidate that matched (classic MAC only), to decrypt with it first. */
  readonly bmp?: Uint8Array;
  readonly passwordEncoding: PasswordEncoding;
}

/**
 * Verifies the MAC over `content` (the authSafe OCTET STRING's value). Returns the password
 * candidate that matched (for "" OpenSSL also tries the absent password; PBMAC1 tries UTF-8,
 * then ISO-8859-1 bytes), or null on mismatch.
 */
export async function verifyMac(
  scheme: MacScheme,
  passwords: PasswordForms,
  content: Uint8Array,
  budget: WorkBudget,
): Promise<MacMatch | null> {
  if (scheme.kind === "pbmac1") {
    for (const candidate of pbkdf2Passwords(passwords)) {
      budget.spend(macDerivation(scheme));
      const key = await pbkdf2Bytes(candidate.bytes, scheme.salt, scheme.iterations, scheme.keyLength, scheme.prf);
      if (macMatches(scheme.hmac, key, content, scheme.digest)) return { passwordEncoding: candidate.encoding };
    }
    return null;
  }
  if (scheme.kind === "gost-hmac") {
    for (const password of passwords.bmp) {
      budget.spend(macDerivation(scheme));
      if (await gostMacMatches(scheme, password, content)) return { bmp: password, passwordEncoding: bmpEncoding(password) };
    }
    return null;
  }
  for (const password of passwords.bmp) {
    budget.spend(macDerivation(scheme));
    const key = await pbkdf2MacKey(scheme.hash, password, scheme.salt, scheme.iterations);
    if (macMatches(scheme.hash, key, content, scheme.digest)) return { bmp: password, passwordEncoding: bmpEncoding(password) };
  }
  return null;
}

function pbkdf2MacKey(hash: HashName, password: Uint8Array, salt: Uint8Array, iterations: number): Promise<Uint8Array> {
  // RFC 7292 B.4: the MAC key is as long as the hash output.
  return pkcs12Kdf({ hash, password, salt, iterations, purpose: KdfPurpose.mac, length: HASH_SIZES[hash].u });
}

function macMatches(hash: HashName, key: Uint8Array, content: Uint8Array, expected: Uint8Array): boolean {
  const actual = createHmac(hash, key).update(content).digest();
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** Builds MacData with an HMAC keyed by the PKCS#12 KDF (what JDK 17 and OpenSSL 3 write). */
export async function computeMac(
  hash: "sha1" | "sha256",
  bmpPassword: Uint8Array,
  content: Uint8Array,
  options: { readonly salt: Uint8Array; readonly iterations: number },
): Promise<MacData> {
  const key = await pbkdf2MacKey(hash, bmpPassword, options.salt, options.iterations);
  const digest = createHmac(hash, key).update(content).digest();
  const digestOid = hash === "sha1" ? Oid.sha1 : Oid.sha256;
  return new MacData({
    mac: new DigestInfo({
      digestAlgorithm: new AlgorithmIdentifier({ algorithm: digestOid, parameters: null }),
      digest: new OctetString(toArrayBuffer(new Uint8Array(digest))),
    }),
    macSalt: new OctetString(toArrayBuffer(options.salt)),
    iterations: options.iterations,
  });
}
