import { createCipheriv, createDecipheriv, pbkdf2 as pbkdf2Callback } from "node:crypto";
import { promisify } from "node:util";
import * as asn1js from "asn1js";
import { AlgorithmIdentifier } from "@peculiar/asn1-x509";
import type { WorkBudget } from "./budget.js";
import { decryptionDerivation } from "./budget.js";
import { algorithmParameters, integerValue, octetsValue, sequenceItems, toArrayBuffer } from "./der.js";
import { DecryptionFailed, Malformed, Unsupported } from "./failures.js";
import { KdfPurpose, pkcs12Kdf } from "./kdf.js";
import { MAX_SALT_BYTES } from "./limits.js";
import type { HashName } from "./oids.js";
import { Oid, hashLabel } from "./oids.js";
import { rc2CbcDecrypt } from "./rc2.js";
import { Pbes2FormatError, encodePbes2Aes256Params, readPbes2Params, readPbkdf2Params } from "../pbes2.js";
import type { GostPbes2Scheme } from "./gost/pbes2.js";
import { gostPbes2Decrypt, readGostPbes2Params } from "./gost/pbes2.js";

const pbkdf2 = promisify(pbkdf2Callback);

/** The password in the encodings the schemes need (see `passwordForms`). */
export interface PasswordForms {
  /** PKCS#12 KDF candidates in the order to try: BMPString, then (for "") the absent password. */
  readonly bmp: readonly Uint8Array[];
  /** PBES2/PBKDF2 and PBMAC1 take the UTF-8 bytes (RFC 8018 §3 leaves the encoding to the application). */
  readonly utf8: Uint8Array;
  /**
   * The ISO-8859-1 bytes, when they differ from the UTF-8 ones (a character U+0080–U+00FF and none
   * above): RSA JSafe feeds these to PBKDF2, and OpenSSL does too when given Latin-1 bytes.
   */
  readonly latin1?: Uint8Array;
}

/** Which encoding of the password opened a MAC or a decryption, as `inspect` reports it. */
export type PasswordEncoding = "BMPString" | "absent" | "UTF-8" | "ISO-8859-1";

/** The PBKDF2 password candidates in the order to try: UTF-8 first, then ISO-8859-1 bytes. */
export function pbkdf2Passwords(passwords: PasswordForms): { readonly bytes: Uint8Array; readonly encoding: PasswordEncoding }[] {
  const candidates: { bytes: Uint8Array; encoding: PasswordEncoding }[] = [{ bytes: passwords.utf8, encoding: "UTF-8" }];
  if (passwords.latin1 !== undefined) candidates.push({ bytes: passwords.latin1, encoding: "ISO-8859-1" });
  return candidates;
}

/** The encoding of a PKCS#12 KDF candidate: the BMPString, or (for "") the empty byte string. */
export function bmpEncoding(password: Uint8Array): PasswordEncoding {
  return password.length === 0 ? "absent" : "BMPString";
}

/** What `inspect` shows of one encryption: the scheme's parts and the password encoding that opened it. */
export interface EncryptionInfo {
  /** "PBES2" (RFC 8018 §6.2) or "PKCS#12 PBE" (RFC 7292 Appendix C). */
  readonly scheme: string;
  readonly cipher: string;
  /** "PBKDF2" or "PKCS#12 KDF". */
  readonly kdf: string;
  /** PBKDF2's PRF (HMAC-SHA256, …) or the PKCS#12 KDF's hash (SHA-1). */
  readonly prf: string;
  readonly iterations: number;
  readonly passwordEncoding?: PasswordEncoding;
}

const CIPHER_LABELS: Readonly<Record<NodeCipher, string>> = {
  "des-ede3-cbc": "3DES-CBC",
  "des-ede-cbc": "2-key 3DES-CBC",
  "aes-128-cbc": "AES-128-CBC",
  "aes-192-cbc": "AES-192-CBC",
  "aes-256-cbc": "AES-256-CBC",
};

export function encryptionInfo(scheme: EncryptionScheme, passwordEncoding?: PasswordEncoding): EncryptionInfo {
  if (scheme.kind === "gost-pbes2") {
    return { scheme: "PBES2", cipher: scheme.cipher, kdf: "PBKDF2", prf: "HMAC-GOSTR3411-94", iterations: scheme.iterations, ...(passwordEncoding !== undefined ? { passwordEncoding } : {}) };
  }
  const cipher = scheme.cipher === "rc2-cbc" ? `RC2-${scheme.kind === "pkcs12-pbe" ? scheme.rc2EffectiveBits : 128}-CBC` : CIPHER_LABELS[scheme.cipher];
  return {
    scheme: scheme.kind === "pbes2" ? "PBES2" : "PKCS#12 PBE",
    cipher,
    kdf: scheme.kind === "pbes2" ? "PBKDF2" : "PKCS#12 KDF",
    prf: scheme.kind === "pbes2" ? `HMAC-${hashLabel(scheme.prf)}` : "SHA-1",
    iterations: scheme.iterations,
    ...(passwordEncoding !== undefined ? { passwordEncoding } : {}),
  };
}

/** A decryption's result and the password encoding that produced it. */
export interface Decrypted {
  readonly plaintext: Uint8Array;
  readonly passwordEncoding: PasswordEncoding;
}

type NodeCipher = "des-ede3-cbc" | "des-ede-cbc" | "aes-128-cbc" | "aes-192-cbc" | "aes-256-cbc";

/** RFC 7292 Appendix C: the PKCS#12 PBE schemes (SHA-1 KDF of Appendix B). */
export interface Pkcs12PbeScheme {
  readonly kind: "pkcs12-pbe";
  readonly name: string;
  readonly cipher: NodeCipher | "rc2-cbc";
  readonly keyLength: number;
  readonly rc2EffectiveBits: number;
  readonly salt: Uint8Array;
  readonly iterations: number;
}

/** RFC 8018 §6.2: PBES2 with PBKDF2. */
export interface Pbes2Scheme {
  readonly kind: "pbes2";
  readonly name: string;
  readonly prf: HashName;
  readonly cipher: NodeCipher;
  readonly keyLength: number;
  readonly salt: Uint8Array;
  readonly iterations: number;
  readonly iv: Uint8Array;
}

export type EncryptionScheme = Pkcs12PbeScheme | Pbes2Scheme | GostPbes2Scheme;

const PKCS12_PBE: Readonly<Record<string, { name: string; cipher: NodeCipher | "rc2-cbc"; keyLength: number; rc2Bits: number }>> = {
  [Oid.pbeWithSHAAnd3KeyTripleDESCBC]: { name: "pbeWithSHAAnd3-KeyTripleDES-CBC", cipher: "des-ede3-cbc", keyLength: 24, rc2Bits: 0 },
  [Oid.pbeWithSHAAnd2KeyTripleDESCBC]: { name: "pbeWithSHAAnd2-KeyTripleDES-CBC", cipher: "des-ede-cbc", keyLength: 16, rc2Bits: 0 },
  [Oid.pbeWithSHAAnd128BitRC2CBC]: { name: "pbeWithSHAAnd128BitRC2-CBC", cipher: "rc2-cbc", keyLength: 16, rc2Bits: 128 },
  [Oid.pbeWithSHAAnd40BitRC2CBC]: { name: "pbeWithSHAAnd40BitRC2-CBC", cipher: "rc2-cbc", keyLength: 5, rc2Bits: 40 },
};


/** An iteration count as a number (huge ones stay huge, so the cap refuses them). */
export function iterationCount(node: asn1js.AsnType | undefined, what: string): number {
  const value = integerValue(node, what);
  if (value < 1n) throw new Malformed(`${what} is ${value}, not a positive iteration count`);
  return value > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(value);
}

function saltValue(node: asn1js.AsnType | undefined, what: string): Uint8Array {
  const salt = octetsValue(node, what);
  if (salt.length > MAX_SALT_BYTES) throw new Malformed(`${what} is ${salt.length} bytes long`);
  return salt;
}

/** Reads an encryption AlgorithmIdentifier (EncryptedData or EncryptedPrivateKeyInfo). */
export function parseEncryptionScheme(algorithm: AlgorithmIdentifier): EncryptionScheme {
  const oid = algorithm.algorithm;
  const pbe = PKCS12_PBE[oid];
  if (pbe !== undefined) {
    // RFC 7292 Appendix C: pkcs-12PbeParams ::= SEQUENCE { salt OCTET STRING, iterations INTEGER }.
    const params = algorithmParameters(algorithm.parameters, `${pbe.name} parameters`);
    if (params === null) throw new Malformed(`${pbe.name} has no parameters`);
    const [salt, iterations] = sequenceItems(params, `${pbe.name} parameters`, 2, 2);
    return {
      kind: "pkcs12-pbe",
      name: pbe.name,
      cipher: pbe.cipher,
      keyLength: pbe.keyLength,
      rc2EffectiveBits: pbe.rc2Bits,
      salt: saltValue(salt, `${pbe.name} salt`),
      iterations: iterationCount(iterations, `${pbe.name} iteration count`),
    };
  }
  if (oid === Oid.pbes2) return parsePbes2(algorithm);
  throw new Unsupported("encryption algorithm", oid);
}

function parsePbes2(algorithm: AlgorithmIdentifier): Pbes2Scheme | GostPbes2Scheme {
  if (algorithm.parameters === null || algorithm.parameters === undefined) throw new Malformed("PBES2 has no parameters");
  const gost = readGostPbes2Params(new Uint8Array(algorithm.parameters as ArrayBuffer));
  if (gost !== null) return gost;
  const { kdf, cipher, iv } = sharedParameters(() => readPbes2Params(new Uint8Array(algorithm.parameters as ArrayBuffer)));
  return {
    kind: "pbes2",
    name: `PBES2(PBKDF2-HMAC-${hashLabel(kdf.prf)}, ${cipher.name})`,
    prf: kdf.prf,
    cipher: cipher.node,
    keyLength: cipher.keyLength,
    salt: checkedSalt(kdf.salt, "PBKDF2 salt"),
    iterations: kdf.iterations,
    iv,
  };
}

export interface Pbkdf2Params {
  readonly salt: Uint8Array;
  readonly iterations: number;
  readonly keyLength: number | undefined;
  readonly prf: HashName;
}

/** PBKDF2-params (RFC 8018 A.2) of PBMAC1, read by the shared reader (src/pki/pbes2.ts). */
export function parsePbkdf2Params(node: asn1js.AsnType | undefined): Pbkdf2Params {
  if (node === undefined) throw new Malformed("PBKDF2 has no parameters");
  const params = sharedParameters(() => readPbkdf2Params(new Uint8Array(node.toBER(false))));
  return { salt: checkedSalt(params.salt, "PBKDF2 salt"), iterations: params.iterations, keyLength: params.keyLength, prf: params.prf };
}

/** The shared reader's complaints, in this reader's terms (translated to PKCS12_* codes at the top). */
function sharedParameters<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (!(error instanceof Pbes2FormatError)) throw error;
    if (error.kind === "unsupported") throw new Unsupported(error.what ?? "algorithm", error.oid ?? "");
    throw new Malformed(error.message);
  }
}

function checkedSalt(salt: Uint8Array, what: string): Uint8Array {
  if (salt.length > MAX_SALT_BYTES) throw new Malformed(`${what} is ${salt.length} bytes long`);
  return salt;
}

export async function pbkdf2Bytes(password: Uint8Array, salt: Uint8Array, iterations: number, length: number, prf: HashName): Promise<Uint8Array> {
  return new Uint8Array(await pbkdf2(password, salt, iterations, length, prf));
}

/**
 * Decrypts `data` under `scheme`. Each password candidate (BMPString forms for the PKCS#12 PBE
 * schemes; UTF-8, then ISO-8859-1 bytes for PBES2) is tried until the padding is right and
 * `accept` (a structural check) agrees; throws DecryptionFailed.
 */
export async function decrypt(
  scheme: EncryptionScheme,
  passwords: PasswordForms,
  data: Uint8Array,
  budget: WorkBudget,
  accept: (plaintext: Uint8Array) => boolean,
): Promise<Decrypted> {
  if (scheme.kind === "gost-pbes2") {
    // CFB has no padding to check: the structural check alone tells a wrong key.
    for (const candidate of pbkdf2Passwords(passwords)) {
      budget.spend(decryptionDerivation(scheme));
      const plaintext = await gostPbes2Decrypt(scheme, candidate.bytes, data);
      if (accept(plaintext)) return { plaintext, passwordEncoding: candidate.encoding };
    }
    throw new DecryptionFailed(`${scheme.name} decryption failed`);
  }
  if (scheme.kind === "pbes2") {
    for (const candidate of pbkdf2Passwords(passwords)) {
      budget.spend(decryptionDerivation(scheme));
      const key = await pbkdf2Bytes(candidate.bytes, scheme.salt, scheme.iterations, scheme.keyLength, scheme.prf);
      const plaintext = nodeDecrypt(scheme.cipher, key, scheme.iv, data);
      if (plaintext !== null && accept(plaintext)) return { plaintext, passwordEncoding: candidate.encoding };
    }
    throw new DecryptionFailed(`${scheme.name} decryption failed`);
  }
  for (const password of passwords.bmp) {
    // Key (ID 1) and IV (ID 2) are two derivations of the same iteration count, charged together.
    budget.spend(decryptionDerivation(scheme));
    const [key, iv] = await Promise.all([
      pkcs12Kdf({ hash: "sha1", password, salt: scheme.salt, iterations: scheme.iterations, purpose: KdfPurpose.key, length: scheme.keyLength }),
      pkcs12Kdf({ hash: "sha1", password, salt: scheme.salt, iterations: scheme.iterations, purpose: KdfPurpose.iv, length: 8 }),
    ]);
    const plaintext = scheme.cipher === "rc2-cbc" ? rc2Decrypt(key, scheme.rc2EffectiveBits, iv, data) : nodeDecrypt(scheme.cipher, key, iv, data);
    if (plaintext !== null && accept(plaintext)) return { plaintext, passwordEncoding: bmpEncoding(password) };
  }
  throw new DecryptionFailed(`${scheme.name} decryption failed`);
}

function nodeDecrypt(cipher: NodeCipher, key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array | null {
  const blockSize = cipher.startsWith("aes") ? 16 : 8;
  if (data.length === 0 || data.length % blockSize !== 0) return null;
  try {
    const decipher = createDecipheriv(cipher, key, iv);
    const head = decipher.update(data);
    const tail = decipher.final();
    return new Uint8Array(Buffer.concat([head, tail]));
  } catch {
    return null; // bad padding: the key (so the password) is wrong
  }
}

function rc2Decrypt(key: Uint8Array, bits: number, iv: Uint8Array, data: Uint8Array): Uint8Array | null {
  if (data.length === 0 || data.length % 8 !== 0) return null;
  return stripPadding(rc2CbcDecrypt(key, bits, iv, data), 8);
}

/** PKCS#5 padding (RFC 8018 §6.1.1 step 4) removal; null when the padding is wrong. */
export function stripPadding(plaintext: Uint8Array, blockSize: number): Uint8Array | null {
  const pad = plaintext[plaintext.length - 1];
  if (pad === undefined || pad < 1 || pad > blockSize || pad > plaintext.length) return null;
  for (let i = plaintext.length - pad; i < plaintext.length; i++) if (plaintext[i] !== pad) return null;
  return plaintext.subarray(0, plaintext.length - pad);
}

export interface Encrypted {
  readonly algorithm: AlgorithmIdentifier;
  readonly ciphertext: Uint8Array;
}

/** PBES2 with PBKDF2-HMAC-SHA256 and AES-256-CBC, as JDK 17 writes keystores. */
export async function encryptPbes2Aes256(
  password: string,
  plaintext: Uint8Array,
  options: { readonly iterations: number; readonly salt: Uint8Array; readonly iv: Uint8Array },
): Promise<Encrypted> {
  const key = await pbkdf2Bytes(Buffer.from(password, "utf8"), options.salt, options.iterations, 32, "sha256");
  const cipher = createCipheriv("aes-256-cbc", key, options.iv);
  const ciphertext = new Uint8Array(Buffer.concat([cipher.update(plaintext), cipher.final()]));
  const params = encodePbes2Aes256Params({ salt: options.salt, iterations: options.iterations, iv: options.iv });
  return { algorithm: new AlgorithmIdentifier({ algorithm: Oid.pbes2, parameters: toArrayBuffer(params) }), ciphertext };
}

/** pbeWithSHAAnd3-KeyTripleDES-CBC (RFC 7292 Appendix C), for consumers stuck on OpenSSL 1.0. */
export async function encryptPkcs12TripleDes(
  bmpPassword: Uint8Array,
  plaintext: Uint8Array,
  options: { readonly iterations: number; readonly salt: Uint8Array },
): Promise<Encrypted> {
  const common = { hash: "sha1", password: bmpPassword, salt: options.salt, iterations: options.iterations } as const;
  const [key, iv] = await Promise.all([
    pkcs12Kdf({ ...common, purpose: KdfPurpose.key, length: 24 }),
    pkcs12Kdf({ ...common, purpose: KdfPurpose.iv, length: 8 }),
  ]);
  const cipher = createCipheriv("des-ede3-cbc", key, iv);
  const ciphertext = new Uint8Array(Buffer.concat([cipher.update(plaintext), cipher.final()]));
  const params = new asn1js.Sequence({
    value: [new asn1js.OctetString({ valueHex: toArrayBuffer(options.salt) }), new asn1js.Integer({ value: options.iterations })],
  });
  return { algorithm: new AlgorithmIdentifier({ algorithm: Oid.pbeWithSHAAnd3KeyTripleDESCBC, parameters: params.toBER(false) }), ciphertext };
}
