import { OthernameError } from "../errors.js";
import { parseCertificate, type Certificate } from "./certificate.js";
import { parseCsr, type Csr } from "./csr.js";
import { Tag, bytesEqual, readChildren, readTlv } from "./der.js";
import { readPrivateKey, type PrivateKey } from "./keys.js";
import { describeUnusableKey, type UnusableKey } from "./keys/unusable-key.js";
import { decodePem, encodePem, looksLikePem, type PemBlock } from "./pem.js";
import { isPkcs12, readPkcs12 } from "./pkcs12/index.js";
import type { EncryptionInfo, MacInfo, Pkcs12Safe } from "./pkcs12/index.js";

/**
 * Reads any file a user may hand us — PEM with any number of blocks, a single DER structure,
 * or PKCS#12 — detected from its content, never from its name.
 */
export type CryptoFileFormat = "pem" | "der" | "pkcs12";

export interface CertificateEntry {
  readonly certificate: Certificate;
  readonly friendlyName?: string;
  /** PKCS#12 only: a Java trusted-certificate entry (trusted-key-usage attribute). */
  readonly trusted?: boolean;
  /** PKCS#12 only: the bag's localKeyId attribute (RFC 7292 §4.2, PKCS#9). */
  readonly localKeyId?: Uint8Array;
  /** PKCS#12 only: how the bag was encrypted (null: in the clear). */
  readonly encryption?: EncryptionInfo | null;
}

export interface KeyEntry {
  readonly key: PrivateKey;
  readonly friendlyName?: string;
  /** Index into `certificates` of the certificate whose public key matches. */
  readonly certificateIndex?: number;
  /** PKCS#12 only: the bag's localKeyId attribute. */
  readonly localKeyId?: Uint8Array;
  /** PKCS#12 only: how the bag was encrypted (null: in the clear). */
  readonly encryption?: EncryptionInfo | null;
}

/** A key in a PKCS#12 file that othername cannot use (see `UnusableKey`); the rest of the file is still read. */
export interface UnusableKeyEntry extends Omit<KeyEntry, "key"> {
  readonly key: UnusableKey;
}

/** A secret bag (a keytool SecretKeyEntry): listed by its attributes, never decrypted. */
export interface SecretEntry {
  readonly secretType: string;
  readonly friendlyName?: string;
  readonly localKeyId?: Uint8Array;
  readonly encryption: EncryptionInfo | null;
}

/** What a PKCS#12 file says about its own protection, for `inspect`. */
export interface Pkcs12Details {
  readonly mac: MacInfo | null;
  readonly safes: readonly Pkcs12Safe[];
  readonly secrets: readonly SecretEntry[];
  /** Zero bytes after the PFX, ignored (as OpenSSL and the JDK do). */
  readonly trailingZeroBytes: number;
}

export interface CryptoFile {
  readonly format: CryptoFileFormat;
  readonly certificates: readonly CertificateEntry[];
  readonly keys: readonly KeyEntry[];
  readonly csrs: readonly Csr[];
  /** PKCS#12 keys of a type othername cannot use: listed, not in `keys`. */
  readonly unusableKeys?: readonly UnusableKeyEntry[];
  readonly pkcs12?: Pkcs12Details;
}

export interface ReadOptions {
  /** The file name, for messages. */
  readonly source: string;
  /** Password for PKCS#12 files and encrypted keys; undefined means none was given. */
  readonly password?: string | undefined;
  /** PKCS#12 iteration cap (hostile files), passed through. */
  readonly maxIterations?: number;
}

const CERTIFICATE_LABELS = new Set(["CERTIFICATE", "X509 CERTIFICATE", "TRUSTED CERTIFICATE"]);
const KEY_LABELS = new Set(["PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY", "ENCRYPTED PRIVATE KEY"]);
const CSR_LABELS = new Set(["CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST"]);
/** Blocks that carry nothing we report; skipped rather than refused. */
const IGNORED_LABELS = new Set(["EC PARAMETERS", "DH PARAMETERS", "PUBLIC KEY", "X509 CRL"]);

/**
 * Reads whatever a user hands you: PEM (any number of blocks), DER or PKCS#12, detected from
 * content, into its certificates, private keys (paired with their certificates) and requests.
 *
 * @param bytes - The file's contents.
 * @param options - `source` names the file in messages; `password` opens PKCS#12 and encrypted keys.
 * @returns The file's certificates, keys and requests, with the detected format.
 * @throws OthernameError FILE_EMPTY, FORMAT_UNKNOWN, PEM_NO_BLOCK, PEM_UNSUPPORTED, PASSWORD_REQUIRED, and the
 *   PKCS#12 and key errors (PKCS12_WRONG_PASSWORD, PKCS12_CORRUPT, PKCS12_UNSUPPORTED_ALGORITHM, …).
 * @example
 * ```ts
 * import { readCryptoFile } from "othername";
 * const file = await readCryptoFile(await readFile("node1.p12"), { source: "node1.p12", password: "changeit" });
 * file.certificates[0]?.certificate.san.otherNameCommonName; // ["node1.node.abc123.cluster.s1.account"]
 * file.keys[0]?.certificateIndex; // the certificate this key belongs to
 * ```
 */
export async function readCryptoFile(bytes: Uint8Array, options: ReadOptions): Promise<CryptoFile> {
  const { source } = options;
  if (bytes.length === 0) {
    throw new OthernameError("FILE_EMPTY", `cannot read ${source}: the file is empty`, { hint: "Check that you passed the right file." });
  }
  if (looksLikePem(bytes)) return readPem(bytes, options);
  if (isPkcs12(bytes)) return readPfx(bytes, options);
  return readDer(bytes, options);
}

function inFile(source: string, error: unknown, where?: string): OthernameError {
  if (error instanceof OthernameError) {
    const prefix = where ? `${where}: ` : "";
    return new OthernameError(error.code, `cannot read ${source}: ${prefix}${error.message}`, { hint: error.hint, cause: error, kind: error.kind });
  }
  throw error;
}

function readPem(bytes: Uint8Array, options: ReadOptions): CryptoFile {
  const { source } = options;
  let blocks: PemBlock[];
  try {
    blocks = decodePem(Buffer.from(bytes).toString("latin1"));
  } catch (error) {
    throw inFile(source, error);
  }
  const certificates: CertificateEntry[] = [];
  const keys: PrivateKey[] = [];
  const csrs: Csr[] = [];
  blocks.forEach((block, index) => {
    const where = `PEM block ${index + 1} (${block.label} at line ${block.line})`;
    try {
      if (CERTIFICATE_LABELS.has(block.label)) {
        // OpenSSL's TRUSTED CERTIFICATE appends trust settings after the certificate: take the first TLV.
        const der = block.label === "TRUSTED CERTIFICATE" ? block.der.subarray(0, readTlv(block.der, 0).end) : block.der;
        certificates.push({ certificate: parseCertificate(der) });
      } else if (KEY_LABELS.has(block.label)) {
        const pem = new TextEncoder().encode(encodePem(block.label, block.der, block.headers));
        keys.push(readPrivateKey(pem, { source, password: options.password }));
      } else if (CSR_LABELS.has(block.label)) {
        csrs.push(parseCsr(block.der));
      } else if (!IGNORED_LABELS.has(block.label)) {
        throw new OthernameError("PEM_UNSUPPORTED", `${block.label} blocks are not supported`, {
          hint: "othername reads certificates, private keys and certificate requests.",
        });
      }
    } catch (error) {
      if (error instanceof OthernameError && error.message.startsWith(`cannot read private key ${source}`)) throw error;
      throw inFile(source, error, where);
    }
  });
  if (blocks.length === 0) {
    throw new OthernameError("PEM_NO_BLOCK", `cannot read ${source}: the file has no PEM block`, {
      hint: "Expected -----BEGIN CERTIFICATE----- or a private key block.",
    });
  }
  return { format: "pem", certificates, keys: pairKeys(keys, certificates), csrs };
}

async function readPfx(bytes: Uint8Array, options: ReadOptions): Promise<CryptoFile> {
  const { source } = options;
  const attempt = async (password: string) =>
    readPkcs12(bytes, password, { source, ...(options.maxIterations !== undefined ? { maxIterations: options.maxIterations } : {}) });
  let contents: Awaited<ReturnType<typeof readPkcs12>>;
  try {
    contents = await attempt(options.password ?? "");
  } catch (error) {
    if (options.password === undefined && error instanceof OthernameError && error.code === "PKCS12_WRONG_PASSWORD") {
      throw new OthernameError("PASSWORD_REQUIRED", `cannot read ${source}: the PKCS#12 file is protected by a password`, {
        hint: "Give the password with --pass-file FILE or --pass-env VAR (or run in a terminal to be asked).",
        cause: error,
      });
    }
    throw error instanceof OthernameError && !error.message.includes(source) ? inFile(source, error) : error;
  }
  const certificates: CertificateEntry[] = contents.certificates.map((entry, index) => {
    try {
      return {
        certificate: parseCertificate(entry.der),
        ...(entry.friendlyName !== undefined ? { friendlyName: entry.friendlyName } : {}),
        trusted: entry.trusted,
        ...(entry.localKeyId !== undefined ? { localKeyId: entry.localKeyId } : {}),
        encryption: entry.encryption,
      };
    } catch (error) {
      throw inFile(source, error, `certificate bag ${index + 1}`);
    }
  });
  const keys: KeyEntry[] = [];
  const unusableKeys: UnusableKeyEntry[] = [];
  contents.keys.forEach((entry, index) => {
    const attributes = {
      ...(entry.friendlyName !== undefined ? { friendlyName: entry.friendlyName } : {}),
      ...(entry.certificateIndex !== undefined ? { certificateIndex: entry.certificateIndex } : {}),
      ...(entry.localKeyId !== undefined ? { localKeyId: entry.localKeyId } : {}),
      encryption: entry.encryption,
    };
    try {
      keys.push({ key: readPrivateKey(entry.pkcs8, { source }), ...attributes });
    } catch (error) {
      // A key type we cannot sign with must not hide the certificates: list it and read on.
      if (error instanceof OthernameError && error.code === "KEY_UNSUPPORTED_ALGORITHM") unusableKeys.push({ key: describeUnusableKey(entry.pkcs8), ...attributes });
      else throw inFile(source, error, `key bag ${index + 1}`);
    }
  });
  const pkcs12: Pkcs12Details = {
    mac: contents.macDetails,
    safes: contents.safes,
    secrets: contents.secrets,
    trailingZeroBytes: contents.trailingZeroBytes,
  };
  return { format: "pkcs12", certificates, keys, csrs: [], unusableKeys, pkcs12 };
}

/** A lone DER structure: told apart by its shape (RFC 5280, RFC 2986, RFC 5958, RFC 8017, RFC 5915). */
function readDer(bytes: Uint8Array, options: ReadOptions): CryptoFile {
  const { source } = options;
  const shape = derShape(bytes);
  try {
    switch (shape) {
      case "certificate":
        return { format: "der", certificates: [{ certificate: parseCertificate(bytes) }], keys: [], csrs: [] };
      case "csr":
        return { format: "der", certificates: [], keys: [], csrs: [parseCsr(bytes)] };
      case "key":
        return { format: "der", certificates: [], keys: [{ key: readPrivateKey(bytes, { source, password: options.password }) }], csrs: [] };
      default:
        throw new OthernameError("FORMAT_UNKNOWN", `cannot read ${source}: not PEM, DER or PKCS#12`, {
          hint: "othername reads PEM (-----BEGIN …), DER certificates, keys and requests, and PKCS#12 (.p12/.pfx) files.",
        });
    }
  } catch (error) {
    if (error instanceof OthernameError && error.message.includes(source)) throw error;
    throw inFile(source, error);
  }
}

function derShape(bytes: Uint8Array): "certificate" | "csr" | "key" | "unknown" {
  try {
    const outer = readTlv(bytes, 0);
    if (outer.tag !== Tag.sequence || outer.end !== bytes.length) return "unknown";
    const children = readChildren(bytes, outer);
    const first = children[0];
    if (!first) return "unknown";
    if (first.tag === Tag.sequence && children.length === 3 && children[2]?.tag === Tag.bitString) {
      // TBSCertificate starts with [0] version or the serial INTEGER; CertificationRequestInfo with INTEGER 0 then a Name.
      const inner = readChildren(bytes, first);
      if (inner[0]?.tag === 0xa0) return "certificate";
      return inner[1]?.tag === Tag.sequence && inner[2]?.tag === Tag.sequence && inner[3]?.tag !== Tag.sequence ? "csr" : "certificate";
    }
    if (first.tag === Tag.integer) return "key"; // PKCS#8, PKCS#1 or SEC1: all start with a version INTEGER
    if (first.tag === Tag.sequence && children[1]?.tag === Tag.octetString) return "key"; // EncryptedPrivateKeyInfo
    return "unknown";
  } catch {
    return "unknown";
  }
}

function pairKeys(keys: readonly PrivateKey[], certificates: readonly CertificateEntry[]): KeyEntry[] {
  return keys.map((key) => {
    const index = certificates.findIndex((entry) => bytesEqual(entry.certificate.publicKey.spki, key.spki));
    return index === -1 ? { key } : { key, certificateIndex: index };
  });
}
