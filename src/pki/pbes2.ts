import { OthernameError } from "../errors.js";
import { Tag, concatBytes, contentOf, decodeOid, encodeOid, encodeTlv, readChildren, readTlv, type Tlv } from "./der.js";

/**
 * The parameters of PBES2 (RFC 8018 §6.2, A.4) and PBKDF2 (§5.2, A.2), read once for every
 * place that meets them: encrypted PKCS#8 keys, PKCS#12 bags and PBMAC1. Callers turn
 * `Pbes2FormatError` into their own error codes and apply their own iteration caps.
 */
export const PBES2_OID = "1.2.840.113549.1.5.13";
export const PBKDF2_OID = "1.2.840.113549.1.5.12";

export type PbkdfHash = "sha1" | "sha224" | "sha256" | "sha384" | "sha512";

/** RFC 8018 B.1.1–B.1.2: the HMAC PRFs of PBKDF2. */
export const PBKDF2_PRFS: Readonly<Record<string, PbkdfHash>> = {
  "1.2.840.113549.2.7": "sha1",
  "1.2.840.113549.2.8": "sha224",
  "1.2.840.113549.2.9": "sha256",
  "1.2.840.113549.2.10": "sha384",
  "1.2.840.113549.2.11": "sha512",
};

export interface Pbes2Cipher {
  readonly oid: string;
  /** "AES-256-CBC" */
  readonly name: string;
  /** Node's cipher name, "aes-256-cbc". */
  readonly node: "aes-128-cbc" | "aes-192-cbc" | "aes-256-cbc" | "des-ede3-cbc";
  readonly keyLength: number;
  readonly ivLength: number;
}

/** RFC 8018 B.2: the encryption schemes we decrypt (RC2 and DES-CBC are not used with PBES2 in practice). */
export const PBES2_CIPHERS: Readonly<Record<string, Pbes2Cipher>> = {
  "2.16.840.1.101.3.4.1.2": { oid: "2.16.840.1.101.3.4.1.2", name: "AES-128-CBC", node: "aes-128-cbc", keyLength: 16, ivLength: 16 },
  "2.16.840.1.101.3.4.1.22": { oid: "2.16.840.1.101.3.4.1.22", name: "AES-192-CBC", node: "aes-192-cbc", keyLength: 24, ivLength: 16 },
  "2.16.840.1.101.3.4.1.42": { oid: "2.16.840.1.101.3.4.1.42", name: "AES-256-CBC", node: "aes-256-cbc", keyLength: 32, ivLength: 16 },
  "1.2.840.113549.3.7": { oid: "1.2.840.113549.3.7", name: "DES-EDE3-CBC", node: "des-ede3-cbc", keyLength: 24, ivLength: 8 },
};

export interface Pbkdf2Params {
  readonly salt: Uint8Array;
  /** Counts too large for a double are Number.MAX_SAFE_INTEGER, so every cap refuses them. */
  readonly iterations: number;
  readonly keyLength: number | undefined;
  readonly prf: PbkdfHash;
  readonly prfOid: string;
}

export interface Pbes2Params {
  readonly kdf: Pbkdf2Params;
  readonly cipher: Pbes2Cipher;
  readonly iv: Uint8Array;
}

/** Why parameters could not be used: malformed, or well-formed but naming an algorithm we lack. */
export class Pbes2FormatError extends Error {
  override readonly name = "Pbes2FormatError";
  constructor(
    readonly kind: "malformed" | "unsupported",
    message: string,
    /** For "unsupported": the algorithm's OID, and what it is (e.g. "PBKDF2 PRF"). */
    readonly oid?: string,
    readonly what?: string,
  ) {
    super(message);
  }
}

const malformed = (message: string) => new Pbes2FormatError("malformed", message);
const unsupported = (what: string, oid: string) => new Pbes2FormatError("unsupported", `${what} ${oid} is not supported`, oid, what);

/** PBES2-params (the AlgorithmIdentifier's `parameters` TLV). */
export function readPbes2Params(der: Uint8Array): Pbes2Params {
  const outer = tlvAt(der, 0, der.length, "PBES2 parameters");
  if (outer.end !== der.length) throw malformed("PBES2 parameters have trailing data");
  const [kdf, scheme] = fields(der, outer, 2, 2, "PBES2 parameters");
  const kdfAlgorithm = algorithmIdentifier(der, kdf!, "PBES2 key derivation function");
  if (kdfAlgorithm.oid !== PBKDF2_OID) throw unsupported("PBES2 key derivation function", kdfAlgorithm.oid);
  if (kdfAlgorithm.params === undefined) throw malformed("PBKDF2 parameters are missing");
  const pbkdf2 = readPbkdf2ParamsAt(der, kdfAlgorithm.params);
  const schemeAlgorithm = algorithmIdentifier(der, scheme!, "PBES2 encryption scheme");
  const cipher = PBES2_CIPHERS[schemeAlgorithm.oid];
  if (cipher === undefined) throw unsupported("PBES2 encryption scheme", schemeAlgorithm.oid);
  const ivTlv = schemeAlgorithm.params;
  if (ivTlv === undefined || ivTlv.tag !== Tag.octetString || ivTlv.end - ivTlv.contentStart !== cipher.ivLength) {
    throw malformed(`the ${cipher.name} IV is not ${cipher.ivLength} octets`);
  }
  if (pbkdf2.keyLength !== undefined && pbkdf2.keyLength !== cipher.keyLength) {
    throw malformed(`PBKDF2 key length ${pbkdf2.keyLength} does not fit ${cipher.name}`);
  }
  return { kdf: pbkdf2, cipher, iv: contentOf(der, ivTlv).slice() };
}

/** PBKDF2-params given as one TLV (as PBMAC1 carries them). */
export function readPbkdf2Params(der: Uint8Array): Pbkdf2Params {
  const tlv = tlvAt(der, 0, der.length, "PBKDF2 parameters");
  if (tlv.end !== der.length) throw malformed("PBKDF2 parameters have trailing data");
  return readPbkdf2ParamsAt(der, tlv);
}

/**
 * PBKDF2-params ::= SEQUENCE { salt CHOICE { specified OCTET STRING, otherSource }, iterationCount
 * INTEGER, keyLength INTEGER OPTIONAL, prf AlgorithmIdentifier DEFAULT hmacWithSHA1 } (RFC 8018 A.2).
 */
function readPbkdf2ParamsAt(der: Uint8Array, tlv: Tlv): Pbkdf2Params {
  const [salt, count, ...rest] = fields(der, tlv, 2, 4, "PBKDF2 parameters");
  if (salt!.tag === Tag.sequence) throw unsupported("PBKDF2 salt source", algorithmIdentifier(der, salt!, "PBKDF2 salt source").oid);
  if (salt!.tag !== Tag.octetString) throw malformed("the PBKDF2 salt is not an OCTET STRING");
  const iterations = iterationCount(der, count!);
  let keyLength: number | undefined;
  let prfOid = "1.2.840.113549.2.7"; // hmacWithSHA1, the DEFAULT
  for (const field of rest) {
    if (field.tag === Tag.integer && keyLength === undefined) keyLength = smallInteger(der, field, "PBKDF2 key length");
    else if (field.tag === Tag.sequence) prfOid = algorithmIdentifier(der, field, "PBKDF2 PRF").oid;
    else throw malformed("PBKDF2 parameters have an unexpected field");
  }
  const prf = PBKDF2_PRFS[prfOid];
  if (prf === undefined) throw unsupported("PBKDF2 PRF", prfOid);
  return { salt: contentOf(der, salt!).slice(), iterations, keyLength, prf, prfOid };
}

function iterationCount(der: Uint8Array, tlv: Tlv): number {
  if (tlv.tag !== Tag.integer) throw malformed("the PBKDF2 iteration count is not an INTEGER");
  const content = contentOf(der, tlv);
  if (content.length === 0 || ((content[0] as number) & 0x80) !== 0) throw malformed("the PBKDF2 iteration count is not positive");
  // Look at the size before converting: a 100-octet count must neither overflow nor stall us.
  let significant = content;
  while (significant.length > 1 && significant[0] === 0) significant = significant.subarray(1);
  if (significant.length > 6) return Number.MAX_SAFE_INTEGER;
  const value = significant.reduce((n, byte) => n * 256 + byte, 0);
  if (value === 0) throw malformed("the PBKDF2 iteration count is zero");
  return value;
}

function smallInteger(der: Uint8Array, tlv: Tlv, what: string): number {
  const content = contentOf(der, tlv);
  if (content.length === 0 || content.length > 2 || ((content[0] as number) & 0x80) !== 0) throw malformed(`${what} is out of range`);
  const value = content.reduce((n, byte) => n * 256 + byte, 0);
  if (value < 1) throw malformed(`${what} is out of range`);
  return value;
}

function tlvAt(der: Uint8Array, offset: number, limit: number, what: string): Tlv {
  const tlv = orMalformed(() => readTlv(der, offset, limit), what);
  if (tlv.tag !== Tag.sequence) throw malformed(`${what} are not a SEQUENCE`);
  return tlv;
}

function fields(der: Uint8Array, parent: Tlv, min: number, max: number, what: string): Tlv[] {
  if (parent.tag !== Tag.sequence) throw malformed(`${what} are not a SEQUENCE`);
  const list = orMalformed(() => readChildren(der, parent), what);
  if (list.length < min || list.length > max) throw malformed(`${what} have ${list.length} fields`);
  return list;
}

function algorithmIdentifier(der: Uint8Array, tlv: Tlv, what: string): { readonly oid: string; readonly params?: Tlv } {
  const [oidTlv, params, ...extra] = fields(der, tlv, 1, 2, `the ${what} identifier`);
  if (oidTlv!.tag !== Tag.oid || extra.length > 0) throw malformed(`the ${what} identifier has no OID`);
  const oid = orMalformed(() => decodeOid(contentOf(der, oidTlv!)), `the ${what} OID`);
  return params === undefined ? { oid } : { oid, params };
}

function orMalformed<T>(read: () => T, what: string): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof OthernameError) throw malformed(`${what}: ${error.message}`);
    throw error;
  }
}

/**
 * PBES2-params for PBKDF2-HMAC-SHA256 and AES-256-CBC, the scheme we write everywhere (as OpenSSL 3
 * and JDK 17 do). `keyLength` is optional in PBKDF2-params (RFC 8018 A.2); written when asked.
 */
export function encodePbes2Aes256Params(options: { readonly salt: Uint8Array; readonly iterations: number; readonly iv: Uint8Array; readonly withKeyLength?: boolean }): Uint8Array {
  const sequence = (...parts: Uint8Array[]) => encodeTlv(Tag.sequence, concatBytes(parts));
  const pbkdf2Params = sequence(
    encodeTlv(Tag.octetString, options.salt),
    encodeTlv(Tag.integer, encodeUnsignedInteger(options.iterations)),
    ...(options.withKeyLength ? [encodeTlv(Tag.integer, encodeUnsignedInteger(32))] : []),
    sequence(encodeOid(HMAC_SHA256_OID), encodeTlv(Tag.null, new Uint8Array(0))),
  );
  return sequence(sequence(encodeOid(PBKDF2_OID), pbkdf2Params), sequence(encodeOid(AES256_CBC_OID), encodeTlv(Tag.octetString, options.iv)));
}

const HMAC_SHA256_OID = "1.2.840.113549.2.9";
const AES256_CBC_OID = "2.16.840.1.101.3.4.1.42";

/** Minimal two's-complement content octets of a non-negative integer (X.690 §8.3). */
export function encodeUnsignedInteger(value: number): Uint8Array {
  const bytes: number[] = [];
  for (let rest = value; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest & 0xff);
  if (bytes.length === 0 || ((bytes[0] as number) & 0x80) !== 0) bytes.unshift(0);
  return Uint8Array.from(bytes);
}
