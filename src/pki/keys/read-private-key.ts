import { createPrivateKey } from "node:crypto";
import type { KeyObject } from "node:crypto";
import { AsnConvert } from "@peculiar/asn1-schema";
import { EncryptedPrivateKeyInfo, PrivateKeyInfo } from "@peculiar/asn1-pkcs8";
import { OthernameError } from "../../errors.js";
import { Tag, contentOf, decodeOid, readChildren, readTlv } from "../der.js";
import type { Tlv } from "../der.js";
import { decodePem, looksLikePem } from "../pem.js";
import type { PemBlock } from "../pem.js";
import { keyError, malformedKey, passwordRequired, reencryptHint, wrongPassword } from "./key-errors.js";
import { decryptLegacyPem, readLegacyEncryption } from "./legacy-pem.js";
import { PBES2_OID, pbes2Decrypt, readPbes2Parameters } from "./pbes2.js";
import { privateKeyFromKeyObject, unsupportedAlgorithm } from "./private-key.js";
import type { PrivateKey } from "./private-key.js";
import { describeOid } from "./oids.js";

export interface ReadPrivateKeyOptions {
  /** Where the bytes came from (a file name, `--ca-key`), named in every error message. */
  readonly source: string;
  /** The password for an encrypted key; undefined means none was given. */
  readonly password?: string | undefined;
}

const RSA_OID = "1.2.840.113549.1.1.1";
const EC_OID = "1.2.840.10045.2.1";
const ED25519_OID = "1.3.101.112";
const SUPPORTED_CURVE_OIDS: ReadonlySet<string> = new Set(["1.2.840.10045.3.1.7", "1.3.132.0.34", "1.3.132.0.35"]);

/** PEM labels that hold a private key (RFC 7468 §10, §11 and OpenSSL's traditional ones). */
const KEY_LABELS: ReadonlySet<string> = new Set([
  "PRIVATE KEY",
  "ENCRYPTED PRIVATE KEY",
  "RSA PRIVATE KEY",
  "EC PRIVATE KEY",
  "DSA PRIVATE KEY",
  "OPENSSH PRIVATE KEY",
]);

/** What other PEM labels hold, for "this is not a key, it is …" messages. */
const LABEL_DESCRIPTIONS: Readonly<Record<string, string>> = {
  CERTIFICATE: "a certificate",
  "TRUSTED CERTIFICATE": "a certificate",
  "X509 CERTIFICATE": "a certificate",
  "CERTIFICATE REQUEST": "a certificate signing request (CSR)",
  "NEW CERTIFICATE REQUEST": "a certificate signing request (CSR)",
  "PUBLIC KEY": "a public key",
  "RSA PUBLIC KEY": "a public key",
  "X509 CRL": "a certificate revocation list (CRL)",
  PKCS7: "a PKCS#7 bundle",
  CMS: "a CMS message",
  "EC PARAMETERS": "only EC curve parameters",
  "DH PARAMETERS": "Diffie-Hellman parameters",
};

/**
 * Reads a private key from PEM (PKCS#8, encrypted PKCS#8, PKCS#1, SEC1, legacy DEK-Info encrypted
 * PEM) or DER (PKCS#8, encrypted PKCS#8, PKCS#1, SEC1).
 *
 * @param bytes - The key file's contents.
 * @param options - `source` names the file in messages; `password` decrypts an encrypted key.
 * @returns The key.
 * @throws OthernameError only, with messages `cannot read private key <source>: <reason>` (e.g.
 *   KEY_PASSWORD_REQUIRED, KEY_WRONG_PASSWORD, KEY_MALFORMED, KEY_UNSUPPORTED_ALGORITHM,
 *   KEY_ITERATIONS_TOO_HIGH).
 * @example
 * ```ts
 * const key = readPrivateKey(await readFile("node1.key"), { source: "node1.key", password: "secret" });
 * ```
 */
export function readPrivateKey(bytes: Uint8Array, options: ReadPrivateKeyOptions): PrivateKey {
  try {
    return readAny(bytes, options.password);
  } catch (error) {
    if (error instanceof OthernameError) {
      const inner = error.code.startsWith("KEY_") || error.code === "NOT_A_KEY" ? error : malformedKey(error.message, error);
      throw inner.withSubject("cannot read private key", options.source);
    }
    throw malformedKey(`unexpected content (${error instanceof Error ? error.message : String(error)})`, error).withSubject(
      "cannot read private key",
      options.source,
    );
  }
}

function readAny(bytes: Uint8Array, password: string | undefined): PrivateKey {
  if (bytes.length === 0) throw notAKey("the file is empty");
  if (looksLikePem(bytes)) return readPem(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1"), password);
  return readDer(bytes, password);
}

function readPem(text: string, password: string | undefined): PrivateKey {
  const blocks = decodePem(text);
  const keys = blocks.filter((block) => KEY_LABELS.has(block.label));
  if (keys.length === 0) {
    const found = blocks.find((block) => block.label !== "EC PARAMETERS") ?? blocks[0];
    if (found === undefined) throw notAKey("it has no complete PEM block");
    const what = LABEL_DESCRIPTIONS[found.label] ?? `a PEM block labelled "${found.label}"`;
    throw notAKey(`it contains ${what} (line ${found.line}), not a private key`);
  }
  if (keys.length > 1) {
    throw keyError(
      "KEY_MALFORMED",
      `it contains ${keys.length} private keys (PEM blocks at lines ${keys.map((block) => block.line).join(", ")}), expected one`,
      "Put each key in its own file.",
    );
  }
  return readPemBlock(keys[0] as PemBlock, password);
}

function readPemBlock(block: PemBlock, password: string | undefined): PrivateKey {
  switch (block.label) {
    case "PRIVATE KEY":
      return readPkcs8(block.der);
    case "ENCRYPTED PRIVATE KEY":
      return readEncryptedPkcs8(block.der, password);
    case "RSA PRIVATE KEY":
    case "EC PRIVATE KEY": {
      const type = block.label === "RSA PRIVATE KEY" ? "pkcs1" : "sec1";
      const encryption = readLegacyEncryption(block.headers);
      if (encryption === undefined) return readTraditional(block.der, type);
      const cipher = `${encryption.cipherName}, DEK-Info`;
      if (password === undefined) throw passwordRequired(cipher);
      const der = decryptLegacyPem(encryption, block.der, password);
      return wrongPasswordIfMalformed(() => readTraditional(der, type), cipher);
    }
    case "DSA PRIVATE KEY":
      throw unsupportedAlgorithm(`DSA (${describeOid("1.2.840.10040.4.1")})`);
    default: // "OPENSSH PRIVATE KEY"
      throw keyError(
        "KEY_UNSUPPORTED_ALGORITHM",
        "the OpenSSH private key format is not supported",
        "Convert it to PKCS#8 with `ssh-keygen -p -m PKCS8 -f KEY` (this rewrites KEY in place).",
      );
  }
}

type DerShape = "pkcs8" | "encrypted-pkcs8" | "pkcs1" | "sec1" | "certificate" | "csr" | "signed" | "pkcs12" | "unknown";

function readDer(der: Uint8Array, password: string | undefined): PrivateKey {
  const shape = derShape(der);
  switch (shape) {
    case "pkcs8":
      return readPkcs8(der);
    case "encrypted-pkcs8":
      return readEncryptedPkcs8(der, password);
    case "pkcs1":
      return readTraditional(der, "pkcs1");
    case "sec1":
      return readTraditional(der, "sec1");
    case "certificate":
      throw notAKey("it contains a DER certificate, not a private key");
    case "csr":
      throw notAKey("it contains a DER certificate signing request (CSR), not a private key");
    case "signed":
      throw notAKey("it contains a signed DER structure (a certificate or CRL), not a private key");
    case "pkcs12":
      throw notAKey("it is a PKCS#12 keystore, not a PEM or DER private key");
    case "unknown":
      throw notAKey("it is a DER structure that is not a private key");
  }
}

/** Tells the DER forms apart by their top-level shape (RFC 5958, RFC 8017 A.1.2, RFC 5915, RFC 5280). */
function derShape(der: Uint8Array): DerShape {
  if (der[0] !== Tag.sequence) throw notAKey("it is neither PEM text nor DER");
  let outer: Tlv;
  let fields: Tlv[];
  try {
    outer = readTlv(der, 0);
    fields = readChildren(der, outer);
  } catch (error) {
    throw malformedKey(`the DER is truncated or malformed (${error instanceof Error ? error.message : String(error)})`, error);
  }
  if (outer.end !== der.length) throw malformedKey(`${der.length - outer.end} octets of trailing data follow the DER structure`);
  const tags = fields.map((field) => field.tag);
  const first = fields[0];
  if (first === undefined) return "unknown";
  if (first.tag === Tag.integer) {
    const version = contentOf(der, first);
    const versionValue = version.length === 1 ? (version[0] as number) : -1;
    if (tags[1] === Tag.sequence && tags[2] === Tag.octetString) return "pkcs8";
    if (versionValue === 3 && tags[1] === Tag.sequence) return "pkcs12";
    if (versionValue === 1 && tags[1] === Tag.octetString) return "sec1";
    if ((versionValue === 0 || versionValue === 1) && tags.length >= 9 && tags.every((tag) => tag === Tag.integer || tag === Tag.sequence)) {
      return "pkcs1";
    }
    return "unknown";
  }
  if (first.tag === Tag.sequence) {
    if (fields.length === 2 && tags[1] === Tag.octetString) return "encrypted-pkcs8";
    if (fields.length === 3 && tags[1] === Tag.sequence && tags[2] === Tag.bitString) {
      const tbs = safeChildren(der, first);
      if (tbs[0]?.tag === 0xa0 || (tbs[0]?.tag === Tag.integer && tbs.length >= 6)) return "certificate";
      if (tbs.length === 4 && tbs[0]?.tag === Tag.integer && tbs[3]?.tag === 0xa0) return "csr";
      return "signed";
    }
  }
  return "unknown";
}

function safeChildren(der: Uint8Array, tlv: Tlv): Tlv[] {
  try {
    return readChildren(der, tlv);
  } catch {
    return [];
  }
}

/** PrivateKeyInfo (RFC 5958 §2): check the algorithm first so unsupported keys are named. */
function readPkcs8(der: Uint8Array): PrivateKey {
  let info: PrivateKeyInfo;
  try {
    info = AsnConvert.parse(der, PrivateKeyInfo);
  } catch (error) {
    throw malformedKey("the PKCS#8 PrivateKeyInfo does not parse", error);
  }
  const oid = info.privateKeyAlgorithm.algorithm;
  if (oid === EC_OID) {
    const params = info.privateKeyAlgorithm.parameters;
    const curve = params === null || params === undefined ? undefined : namedCurveOid(new Uint8Array(params));
    if (curve === undefined) throw unsupportedAlgorithm("an EC key with explicit (unnamed) curve parameters");
    if (!SUPPORTED_CURVE_OIDS.has(curve)) throw unsupportedAlgorithm(`EC curve ${describeOid(curve)}`);
  } else if (oid !== RSA_OID && oid !== ED25519_OID) {
    throw unsupportedAlgorithm(`key algorithm ${describeOid(oid)}`);
  }
  return fromNode(() => createPrivateKey({ key: Buffer.from(der), format: "der", type: "pkcs8" }), "PKCS#8");
}

function namedCurveOid(params: Uint8Array): string | undefined {
  try {
    const tlv = readTlv(params, 0);
    return tlv.tag === Tag.oid ? decodeOid(contentOf(params, tlv)) : undefined;
  } catch {
    return undefined;
  }
}

function readTraditional(der: Uint8Array, type: "pkcs1" | "sec1"): PrivateKey {
  return fromNode(() => createPrivateKey({ key: Buffer.from(der), format: "der", type }), type === "pkcs1" ? "PKCS#1 RSA" : "SEC1 EC");
}

function fromNode(load: () => KeyObject, form: string): PrivateKey {
  let keyObject: KeyObject;
  try {
    keyObject = load();
  } catch (error) {
    throw malformedKey(`the ${form} private key does not parse (${error instanceof Error ? error.message : String(error)})`, error);
  }
  return privateKeyFromKeyObject(keyObject);
}

/** EncryptedPrivateKeyInfo (RFC 5958 §3) with PBES2 (RFC 8018 §6.2). */
function readEncryptedPkcs8(der: Uint8Array, password: string | undefined): PrivateKey {
  let info: EncryptedPrivateKeyInfo;
  try {
    info = AsnConvert.parse(der, EncryptedPrivateKeyInfo);
  } catch (error) {
    throw malformedKey("the PKCS#8 EncryptedPrivateKeyInfo does not parse", error);
  }
  const oid = info.encryptionAlgorithm.algorithm;
  if (oid !== PBES2_OID) {
    throw keyError("KEY_UNSUPPORTED_ALGORITHM", `key encryption ${describeOid(oid)} is not supported (only PBES2)`, reencryptHint);
  }
  const rawParams = info.encryptionAlgorithm.parameters;
  if (rawParams === null || rawParams === undefined) throw malformedKey("the PBES2 parameters are missing");
  const params = readPbes2Parameters(new Uint8Array(rawParams));
  if (password === undefined) throw passwordRequired(params.description);
  const plain = pbes2Decrypt(params, new Uint8Array(info.encryptedData.buffer), password);
  return wrongPasswordIfMalformed(() => {
    if (derShapeQuiet(plain) !== "pkcs8") throw malformedKey("decrypted data is not a PrivateKeyInfo");
    return readPkcs8(plain);
  }, params.description);
}

function derShapeQuiet(der: Uint8Array): DerShape | undefined {
  try {
    return derShape(der);
  } catch {
    return undefined;
  }
}

/**
 * Valid padding with a wrong password happens about once in 256 tries; the plaintext is then
 * garbage, so a key that does not parse after decryption means a wrong password.
 */
function wrongPasswordIfMalformed(read: () => PrivateKey, cipher: string): PrivateKey {
  try {
    return read();
  } catch (error) {
    if (error instanceof OthernameError && error.code === "KEY_MALFORMED") throw wrongPassword(cipher);
    throw error;
  }
}

function notAKey(reason: string): OthernameError {
  return keyError(
    "NOT_A_KEY",
    reason,
    "Pass the private key file (PEM `-----BEGIN PRIVATE KEY-----` or DER); a certificate or CSR has no private key.",
  );
}
