import { createPrivateKey, createPublicKey, webcrypto } from "node:crypto";
import { OthernameError } from "../../errors.js";
import type { PublicKeyInfo } from "../certificate.js";
import { Tag, concatBytes, encodeTlv } from "../der.js";
import { encodePem } from "../pem.js";
import { encryptLegacyPem } from "./legacy-pem.js";
import { pbes2Encrypt } from "./pbes2.js";
import type { PrivateKey } from "./private-key.js";

export type PrivateKeyFormat = "pkcs8" | "pkcs1" | "sec1";

export interface ExportPrivateKeyOptions {
  /** pkcs8 (default: Logstash and most tools need it), pkcs1 (RSA only, certutil's form), sec1 (EC only). */
  readonly format?: PrivateKeyFormat;
  /** Encrypts the key: PBES2 for pkcs8, the legacy DEK-Info AES-256-CBC form for pkcs1/sec1. */
  readonly password?: string | undefined;
}

/**
 * PBKDF2 iterations for keys we encrypt. 100,000 rounds of HMAC-SHA256 cost ~30 ms on one core,
 * about what generating an RSA-2048 key costs, so encrypting every key of a large `cert` run stays
 * cheap, while an offline guesser pays 50× OpenSSL 3's default (2,048) and 10× the JDK's PKCS#12
 * count (10,000). certutil's own PEM encryption is a single MD5 round (EVP_BytesToKey).
 */
export const PKCS8_PBKDF2_ITERATIONS = 100_000;

const PEM_LABELS: Readonly<Record<PrivateKeyFormat, string>> = {
  pkcs8: "PRIVATE KEY",
  pkcs1: "RSA PRIVATE KEY",
  sec1: "EC PRIVATE KEY",
};

/**
 * The key as PEM text: PKCS#8 `PRIVATE KEY` by default (what Logstash and others need), PKCS#1 or
 * SEC1 on request (certutil's form), encrypted when a password is given.
 *
 * @param key - The key to export.
 * @param options - `format` (`pkcs8` or `pkcs1`) and an optional `password`.
 * @returns PEM text.
 * @throws OthernameError KEY_FORMAT_UNSUPPORTED when the form cannot hold this key.
 * @example
 * ```ts
 * const pem = exportPrivateKeyPem(key, { format: "pkcs8", password: "secret" });
 * const again = readPrivateKey(new TextEncoder().encode(pem), { source: "node1.key", password: "secret" });
 * ```
 */
export function exportPrivateKeyPem(key: PrivateKey, options: ExportPrivateKeyOptions = {}): string {
  const format = options.format ?? "pkcs8";
  const password = options.password;
  if (format === "pkcs8") {
    if (password === undefined) return encodePem("PRIVATE KEY", key.pkcs8);
    return encodePem("ENCRYPTED PRIVATE KEY", encryptPkcs8(key, password));
  }
  const der = traditionalDer(key, format);
  if (password === undefined) return encodePem(PEM_LABELS[format], der);
  const encrypted = encryptLegacyPem(der, password);
  return encodePem(PEM_LABELS[format], encrypted.body, encrypted.headers);
}

/**
 * The key as DER. Only PKCS#8 can be encrypted in DER (the legacy encryption lives in PEM headers).
 *
 * @param key - The key to export.
 * @param options - `format` and an optional `password` (PKCS#8 only).
 * @returns DER bytes.
 * @throws OthernameError KEY_FORMAT_UNSUPPORTED.
 * @example
 * ```ts
 * const der = exportPrivateKeyDer(key, { format: "pkcs8" });
 * ```
 */
export function exportPrivateKeyDer(key: PrivateKey, options: ExportPrivateKeyOptions = {}): Uint8Array {
  const format = options.format ?? "pkcs8";
  if (format === "pkcs8") return options.password === undefined ? key.pkcs8.slice() : encryptPkcs8(key, options.password);
  if (options.password !== undefined) {
    throw new OthernameError("KEY_FORMAT_UNSUPPORTED", `cannot encrypt a ${format} key in DER: only PEM carries the legacy encryption headers`, {
      kind: "usage",
      hint: "Use PKCS#8 for an encrypted DER key, or write PEM.",
    });
  }
  return traditionalDer(key, format);
}

/** EncryptedPrivateKeyInfo (RFC 5958 §3) with PBES2/PBKDF2-HMAC-SHA256/AES-256-CBC. */
function encryptPkcs8(key: PrivateKey, password: string): Uint8Array {
  const { algorithm, ciphertext } = pbes2Encrypt(key.pkcs8, password, { iterations: PKCS8_PBKDF2_ITERATIONS });
  return encodeTlv(Tag.sequence, concatBytes([algorithm, encodeTlv(Tag.octetString, ciphertext)]));
}

function traditionalDer(key: PrivateKey, format: "pkcs1" | "sec1"): Uint8Array {
  const needed = format === "pkcs1" ? "rsa" : "ec";
  if (key.algorithm !== needed) {
    throw new OthernameError(
      "KEY_FORMAT_UNSUPPORTED",
      `cannot export an ${key.algorithm.toUpperCase()} key as ${format}: ${format === "pkcs1" ? "PKCS#1 holds RSA keys only" : "SEC1 holds EC keys only"}`,
      { kind: "usage", hint: "Use the pkcs8 key format, which holds every key type." },
    );
  }
  const keyObject = createPrivateKey({ key: Buffer.from(key.pkcs8), format: "der", type: "pkcs8" });
  return new Uint8Array(keyObject.export({ format: "der", type: format }));
}

/** The public half, in the shape certificates report their keys. */
export function publicKeyOf(key: PrivateKey): PublicKeyInfo {
  return Object.freeze({
    algorithm: key.algorithm,
    bits: key.bits,
    ...(key.curve === undefined ? {} : { curve: key.curve }),
    spki: key.spki.slice(),
  });
}

export type SigningHash = "SHA-256" | "SHA-384" | "SHA-512";

/** certutil's defaults (DESIGN.md): SHA-256, and for EC the hash that matches the curve size. */
export function defaultSigningHash(key: PrivateKey): SigningHash {
  if (key.curve === "P-384") return "SHA-384";
  if (key.curve === "P-521") return "SHA-512";
  return "SHA-256";
}

/** The WebCrypto signature algorithm for a key: RSASSA-PKCS1-v1_5, ECDSA or Ed25519. */
export function signingAlgorithm(
  key: PrivateKey,
  options: { readonly hash?: SigningHash } = {},
): { readonly name: string; readonly hash?: string } {
  const hash = options.hash ?? defaultSigningHash(key);
  switch (key.algorithm) {
    case "rsa":
      return { name: "RSASSA-PKCS1-v1_5", hash };
    case "ec":
      return { name: "ECDSA", hash };
    case "ed25519":
      return { name: "Ed25519" };
  }
}

/** Imports the key into WebCrypto (Node's) for signing certificates and CSRs. */
export async function toSigningKey(key: PrivateKey, options: { readonly hash?: SigningHash } = {}): Promise<webcrypto.CryptoKey> {
  return webcrypto.subtle.importKey("pkcs8", key.pkcs8, importAlgorithm(key, options.hash ?? defaultSigningHash(key)), false, ["sign"]);
}

/** The public key in WebCrypto, for verifying and for the @peculiar/x509 generators. */
export async function toVerifyingKey(key: PrivateKey, options: { readonly hash?: SigningHash } = {}): Promise<webcrypto.CryptoKey> {
  return webcrypto.subtle.importKey("spki", key.spki, importAlgorithm(key, options.hash ?? defaultSigningHash(key)), true, ["verify"]);
}

function importAlgorithm(key: PrivateKey, hash: SigningHash): webcrypto.RsaHashedImportParams | webcrypto.EcKeyImportParams | webcrypto.Algorithm {
  switch (key.algorithm) {
    case "rsa":
      return { name: "RSASSA-PKCS1-v1_5", hash };
    case "ec":
      return { name: "ECDSA", namedCurve: key.curve ?? "P-256" };
    case "ed25519":
      return { name: "Ed25519" };
  }
}

/**
 * True when the certificate's SubjectPublicKeyInfo is this key's public half. Compared as keys,
 * not bytes: the same EC key may be encoded with a compressed point, an RSA key with absent NULL.
 */
export function keyMatchesCertificateSpki(key: PrivateKey, spki: Uint8Array): boolean {
  try {
    const theirs = createPublicKey({ key: Buffer.from(spki), format: "der", type: "spki" });
    const ours = createPublicKey({ key: Buffer.from(key.spki), format: "der", type: "spki" });
    return ours.equals(theirs);
  } catch {
    return false;
  }
}
