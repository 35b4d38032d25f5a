import { createCipheriv, createDecipheriv, pbkdf2Sync, randomBytes } from "node:crypto";
import { OthernameError } from "../../errors.js";
import { Tag, concatBytes, contentOf, decodeOid, encodeOid, encodeTlv, readChildren, readTlv } from "../der.js";
import type { Tlv } from "../der.js";
import { keyError, malformedKey, reencryptHint, wrongPassword } from "./key-errors.js";
import { describeOid, oidNames } from "./oids.js";

/** PBES2 (RFC 8018 §6.2) with PBKDF2 (§5.2): the scheme of every modern `ENCRYPTED PRIVATE KEY`. */
export const PBES2_OID = "1.2.840.113549.1.5.13";
const PBKDF2_OID = "1.2.840.113549.1.5.12";
const HMAC_SHA1_OID = "1.2.840.113549.2.7";
const HMAC_SHA256_OID = "1.2.840.113549.2.9";
const AES256_CBC_OID = "2.16.840.1.101.3.4.1.42";

/**
 * Refuse iteration counts above this before deriving anything: a hostile file could otherwise
 * ask for 2^31 rounds and stall the tool for hours. Real files use 2,048 (OpenSSL) to ~1,000,000.
 */
export const MAX_PBKDF2_ITERATIONS = 10_000_000;

const prfs: Readonly<Record<string, string>> = {
  [HMAC_SHA1_OID]: "sha1",
  "1.2.840.113549.2.8": "sha224",
  [HMAC_SHA256_OID]: "sha256",
  "1.2.840.113549.2.10": "sha384",
  "1.2.840.113549.2.11": "sha512",
};

interface CipherInfo {
  readonly node: string;
  readonly keyLength: number;
  readonly ivLength: number;
}

const ciphers: Readonly<Record<string, CipherInfo>> = {
  "2.16.840.1.101.3.4.1.2": { node: "aes-128-cbc", keyLength: 16, ivLength: 16 },
  "2.16.840.1.101.3.4.1.22": { node: "aes-192-cbc", keyLength: 24, ivLength: 16 },
  [AES256_CBC_OID]: { node: "aes-256-cbc", keyLength: 32, ivLength: 16 },
  "1.2.840.113549.3.7": { node: "des-ede3-cbc", keyLength: 24, ivLength: 8 },
};

export interface Pbes2Parameters {
  readonly salt: Uint8Array;
  readonly iterations: number;
  /** Node digest name of the PBKDF2 PRF, e.g. "sha256". */
  readonly prf: string;
  readonly cipher: CipherInfo;
  readonly iv: Uint8Array;
  /** For messages, e.g. "PBES2 PBKDF2-hmacWithSHA256 aes256-CBC". */
  readonly description: string;
}

/** Reads the PBES2-params of an AlgorithmIdentifier (`parameters` is the full TLV). */
export function readPbes2Parameters(parameters: Uint8Array): Pbes2Parameters {
  const outer = sequenceAt(parameters, 0, parameters.length, "PBES2 parameters");
  if (outer.end !== parameters.length) throw malformedKey("PBES2 parameters have trailing data");
  const [kdf, scheme] = children(parameters, outer, 2, 2, "PBES2 parameters");
  const kdfAlg = algorithmIdentifier(parameters, kdf!, "key derivation function");
  if (kdfAlg.oid !== PBKDF2_OID) {
    throw keyError("KEY_UNSUPPORTED_ALGORITHM", `key derivation function ${describeOid(kdfAlg.oid)} is not supported`, reencryptHint);
  }
  if (kdfAlg.params === undefined) throw malformedKey("PBKDF2 parameters are missing");
  const kdfParams = kdfAlg.params;
  const [saltTlv, countTlv, ...rest] = children(parameters, kdfParams, 2, 4, "PBKDF2 parameters");
  if (saltTlv!.tag !== Tag.octetString) {
    throw keyError("KEY_UNSUPPORTED_ALGORITHM", "PBKDF2 with a salt from another source (otherSource) is not supported", reencryptHint);
  }
  const iterations = readIteration(parameters, countTlv!);
  let keyLength: number | undefined;
  let prfOid = HMAC_SHA1_OID; // RFC 8018 §A.2: prf DEFAULT algid-hmacWithSHA1
  for (const tlv of rest) {
    if (tlv.tag === Tag.integer && keyLength === undefined) keyLength = smallInteger(parameters, tlv, "PBKDF2 key length");
    else if (tlv.tag === Tag.sequence) prfOid = algorithmIdentifier(parameters, tlv, "PBKDF2 PRF").oid;
    else throw malformedKey("PBKDF2 parameters have an unexpected field");
  }
  const prf = prfs[prfOid];
  if (prf === undefined) {
    throw keyError("KEY_UNSUPPORTED_ALGORITHM", `PBKDF2 PRF ${describeOid(prfOid)} is not supported`, reencryptHint);
  }
  const schemeAlg = algorithmIdentifier(parameters, scheme!, "encryption scheme");
  const cipher = ciphers[schemeAlg.oid];
  if (cipher === undefined) {
    throw keyError("KEY_UNSUPPORTED_ALGORITHM", `PBES2 cipher ${describeOid(schemeAlg.oid)} is not supported`, reencryptHint);
  }
  const ivTlv = schemeAlg.params;
  if (ivTlv === undefined || ivTlv.tag !== Tag.octetString || ivTlv.end - ivTlv.contentStart !== cipher.ivLength) {
    throw malformedKey(`the ${cipher.node} IV is not ${cipher.ivLength} octets`);
  }
  if (keyLength !== undefined && keyLength !== cipher.keyLength) {
    throw malformedKey(`PBKDF2 key length ${keyLength} does not match ${cipher.node}`);
  }
  if (iterations > MAX_PBKDF2_ITERATIONS) throw tooManyIterations(iterations);
  return {
    salt: contentOf(parameters, saltTlv!).slice(),
    iterations,
    prf,
    cipher,
    iv: contentOf(parameters, ivTlv).slice(),
    description: `PBES2 PBKDF2-${oidNames[prfOid] ?? prf} ${oidNames[schemeAlg.oid] ?? cipher.node}`,
  };
}

/** Decrypts PBES2 ciphertext; bad padding means the password is wrong (the file parsed fine). */
export function pbes2Decrypt(params: Pbes2Parameters, ciphertext: Uint8Array, password: string): Uint8Array {
  const blockSize = params.cipher.ivLength;
  if (ciphertext.length === 0 || ciphertext.length % blockSize !== 0) {
    throw malformedKey(`the encrypted data is ${ciphertext.length} octets, not a whole number of ${blockSize}-octet blocks`);
  }
  // OpenSSL feeds the password's bytes as given; on a UTF-8 terminal that is UTF-8 (RFC 8018 §3 leaves it open).
  const key = pbkdf2Sync(Buffer.from(password, "utf8"), params.salt, params.iterations, params.cipher.keyLength, params.prf);
  const decipher = createDecipheriv(params.cipher.node, key, params.iv);
  try {
    return new Uint8Array(Buffer.concat([decipher.update(ciphertext), decipher.final()]));
  } catch {
    throw wrongPassword(params.description);
  }
}

/**
 * PBES2 with PBKDF2-HMAC-SHA256 and AES-256-CBC: returns the AlgorithmIdentifier TLV and the
 * ciphertext, ready for an EncryptedPrivateKeyInfo.
 */
export function pbes2Encrypt(plaintext: Uint8Array, password: string, options: { readonly iterations: number }): {
  readonly algorithm: Uint8Array;
  readonly ciphertext: Uint8Array;
} {
  const salt = randomBytes(16); // RFC 8018 §4.1: at least 64 bits; 128 as OpenSSL 3 and the JDK use.
  const iv = randomBytes(16);
  const key = pbkdf2Sync(Buffer.from(password, "utf8"), salt, options.iterations, 32, "sha256");
  const cipher = createCipheriv("aes-256-cbc", key, iv);
  const ciphertext = new Uint8Array(Buffer.concat([cipher.update(plaintext), cipher.final()]));
  const nullParams = encodeTlv(Tag.null, new Uint8Array(0));
  const pbkdf2Params = encodeTlv(
    Tag.sequence,
    concatBytes([
      encodeTlv(Tag.octetString, salt),
      encodeTlv(Tag.integer, encodeUnsigned(options.iterations)),
      encodeTlv(Tag.integer, encodeUnsigned(32)),
      encodeTlv(Tag.sequence, concatBytes([encodeOid(HMAC_SHA256_OID), nullParams])),
    ]),
  );
  const pbes2Params = encodeTlv(
    Tag.sequence,
    concatBytes([
      encodeTlv(Tag.sequence, concatBytes([encodeOid(PBKDF2_OID), pbkdf2Params])),
      encodeTlv(Tag.sequence, concatBytes([encodeOid(AES256_CBC_OID), encodeTlv(Tag.octetString, iv)])),
    ]),
  );
  return { algorithm: encodeTlv(Tag.sequence, concatBytes([encodeOid(PBES2_OID), pbes2Params])), ciphertext };
}

function tooManyIterations(count: number | string): OthernameError {
  return keyError(
    "KEY_ITERATIONS_TOO_HIGH",
    `PBKDF2 asks for ${count} iterations, more than the ${MAX_PBKDF2_ITERATIONS.toLocaleString("en-US")} accepted`,
    "The file may be hostile; if you trust it, re-encrypt it with a normal count: `openssl pkcs8 -topk8 -v2 aes-256-cbc -in KEY -out NEW.key`.",
  );
}

function readIteration(bytes: Uint8Array, tlv: Tlv): number {
  if (tlv.tag !== Tag.integer) throw malformedKey("the PBKDF2 iteration count is not an INTEGER");
  const content = contentOf(bytes, tlv);
  if (content.length === 0 || ((content[0] as number) & 0x80) !== 0) throw malformedKey("the PBKDF2 iteration count is not positive");
  // Check the size before converting: a 100-octet count must not become Infinity or stall us.
  let significant = content;
  while (significant.length > 1 && significant[0] === 0) significant = significant.subarray(1);
  if (significant.length > 6) throw tooManyIterations(`a ${significant.length}-octet number of`);
  const value = significant.reduce((n, byte) => n * 256 + byte, 0);
  if (value === 0) throw malformedKey("the PBKDF2 iteration count is zero");
  return value;
}

function smallInteger(bytes: Uint8Array, tlv: Tlv, what: string): number {
  const content = contentOf(bytes, tlv);
  if (content.length === 0 || content.length > 4 || ((content[0] as number) & 0x80) !== 0) throw malformedKey(`${what} is out of range`);
  return content.reduce((n, byte) => n * 256 + byte, 0);
}

/** Minimal two's-complement content octets of a non-negative integer (X.690 §8.3). */
export function encodeUnsigned(value: number): Uint8Array {
  const bytes: number[] = [];
  for (let rest = value; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest & 0xff);
  if (bytes.length === 0 || ((bytes[0] as number) & 0x80) !== 0) bytes.unshift(0);
  return Uint8Array.from(bytes);
}

function sequenceAt(bytes: Uint8Array, offset: number, limit: number, what: string): Tlv {
  const tlv = derOrMalformed(() => readTlv(bytes, offset, limit), what);
  if (tlv.tag !== Tag.sequence) throw malformedKey(`${what} are not a SEQUENCE`);
  return tlv;
}

function children(bytes: Uint8Array, parent: Tlv, min: number, max: number, what: string): Tlv[] {
  if (parent.tag !== Tag.sequence) throw malformedKey(`${what} are not a SEQUENCE`);
  const list = derOrMalformed(() => readChildren(bytes, parent), what);
  if (list.length < min || list.length > max) throw malformedKey(`${what} have ${list.length} fields`);
  return list;
}

function algorithmIdentifier(bytes: Uint8Array, tlv: Tlv, what: string): { readonly oid: string; readonly params?: Tlv } {
  const [oidTlv, params, ...extra] = children(bytes, tlv, 1, 2, `the ${what} identifier's fields`);
  if (oidTlv!.tag !== Tag.oid || extra.length > 0) throw malformedKey(`the ${what} identifier has no OID`);
  const oid = derOrMalformed(() => decodeOid(contentOf(bytes, oidTlv!)), `the ${what} OID`);
  return params === undefined ? { oid } : { oid, params };
}

function derOrMalformed<T>(read: () => T, what: string): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof OthernameError) throw malformedKey(`${what}: ${error.message}`, error);
    throw error;
  }
}
