import { OthernameError } from "../errors.js";
import type { RenewEntry } from "../io/renew-input.js";
import { parseCertificate, type Certificate } from "../pki/certificate.js";
import { bytesEqual } from "../pki/der.js";
import type { Issuer } from "../pki/issue.js";
import { exportPrivateKeyPem, type PrivateKey, type PrivateKeyFormat } from "../pki/keys.js";
import { decodePem, encodePem, looksLikePem } from "../pki/pem.js";
import { writePkcs12 } from "../pki/pkcs12/index.js";
import { readCryptoFile } from "../pki/read.js";
import { reissueCertificate, type ReissueResult } from "../pki/reissue.js";

/**
 * `othername renew`'s view of a bundle: which files are node certificates (a PKCS#12 keystore
 * with a leaf's key, or a PEM/DER leaf with its `.key` beside it), which carry CA certificates,
 * and which are passed through unchanged; then the new files, in the old files' places and forms.
 */
export interface PemNode {
  readonly kind: "pem";
  readonly entry: RenewEntry;
  readonly certificate: Certificate;
  /** The certificate file was PEM (else DER). */
  readonly pem: boolean;
  /** The certificate file held more than the leaf (a chain): the new one holds the leaf and the CA. */
  readonly withChain: boolean;
  /** Where the key is written: the old `.key` beside the certificate, else `<stem>.key`. */
  readonly keyPath: string;
  readonly keyEntry: RenewEntry | undefined;
  readonly keyFormat: PrivateKeyFormat;
  readonly keyEncrypted: boolean;
}

export interface Pkcs12Node {
  readonly kind: "pkcs12";
  readonly entry: RenewEntry;
  readonly certificate: Certificate;
  readonly key: PrivateKey;
  readonly alias: string;
  readonly withChain: boolean;
  readonly trusted: readonly { readonly der: Uint8Array; readonly alias: string }[];
}

export type RenewNode = PemNode | Pkcs12Node;

export interface BundleView {
  readonly nodes: readonly RenewNode[];
  /** Certificate files holding only CA certificates (e.g. `ca/ca.crt`): the signing CA is added. */
  readonly caFiles: readonly { readonly entry: RenewEntry; readonly certificates: readonly Certificate[]; readonly pem: boolean }[];
  /** Files renew does not change (a CA keystore, a CA key), copied as they are. */
  readonly unchanged: readonly RenewEntry[];
}

export interface OutputFile {
  readonly path: string;
  readonly bytes: Uint8Array;
  readonly secret: boolean;
}

const KEY_FILE = /\.key$/i;
const PKCS12_FILE = /\.(p12|pfx)$/i;

/** Classifies the entries; PKCS#12 files are opened with `password` (the empty password when undefined). */
export async function viewBundle(entries: readonly RenewEntry[], password: string | undefined): Promise<BundleView> {
  const keys = new Map(entries.filter((e) => KEY_FILE.test(e.path)).map((e) => [e.path, e]));
  const usedKeys = new Set<string>();
  const nodes: RenewNode[] = [];
  const caFiles: { entry: RenewEntry; certificates: Certificate[]; pem: boolean }[] = [];
  const unchanged: RenewEntry[] = [];
  for (const entry of entries) {
    if (KEY_FILE.test(entry.path)) continue;
    if (PKCS12_FILE.test(entry.path)) {
      const file = await readCryptoFile(entry.bytes, { source: entry.shown, password: password ?? "" });
      const keyEntry = file.keys.find((k) => k.certificateIndex !== undefined && !file.certificates[k.certificateIndex]?.certificate.isCa);
      const leafIndex = keyEntry?.certificateIndex;
      const leaf = leafIndex === undefined ? undefined : file.certificates[leafIndex];
      if (!keyEntry || leafIndex === undefined || !leaf) {
        unchanged.push(entry);
        continue;
      }
      const others = file.certificates.filter((_, i) => i !== leafIndex);
      nodes.push({
        kind: "pkcs12",
        entry,
        certificate: leaf.certificate,
        key: keyEntry.key,
        alias: keyEntry.friendlyName ?? leaf.friendlyName ?? stem(entry.path),
        withChain: others.some((c) => !c.trusted),
        trusted: others.filter((c) => c.trusted).map((c, i) => ({ der: c.certificate.der, alias: c.friendlyName ?? `trusted-${i + 1}` })),
      });
      continue;
    }
    const pem = looksLikePem(entry.bytes);
    const certificates = readCertificates(entry);
    const leaf = certificates[0];
    if (!leaf || leaf.isCa) {
      if (certificates.length > 0) caFiles.push({ entry, certificates, pem });
      else unchanged.push(entry);
      continue;
    }
    const keyPath = `${entry.path.replace(/\.[^./]*$/, "")}.key`;
    const keyEntry = keys.get(keyPath);
    if (keyEntry) usedKeys.add(keyPath);
    const keyBlock = keyEntry && looksLikePem(keyEntry.bytes) ? decodePem(Buffer.from(keyEntry.bytes).toString("latin1")).find((b) => b.label.endsWith("PRIVATE KEY")) : undefined;
    nodes.push({
      kind: "pem",
      entry,
      certificate: leaf,
      pem,
      withChain: certificates.length > 1,
      keyPath,
      keyEntry,
      keyFormat: keyBlock?.label === "RSA PRIVATE KEY" ? "pkcs1" : keyBlock?.label === "EC PRIVATE KEY" ? "sec1" : "pkcs8",
      keyEncrypted: keyBlock !== undefined && (keyBlock.label === "ENCRYPTED PRIVATE KEY" || (keyBlock.headers.get("Proc-Type") ?? "").includes("ENCRYPTED")),
    });
  }
  for (const [path, entry] of keys) if (!usedKeys.has(path)) unchanged.push(entry);
  return { nodes, caFiles, unchanged };
}

/** The key of a PEM node, read for `--reuse-key`. */
export async function readNodeKey(node: PemNode, password: string | undefined): Promise<PrivateKey> {
  if (!node.keyEntry) {
    throw new OthernameError("RENEW_KEY_MISSING", `cannot keep the key of ${node.entry.shown} (--reuse-key): there is no ${node.keyPath} beside it`, {
      hint: "Put the certificate's .key beside it (same name, .key), or renew without --reuse-key to make a new key.",
    });
  }
  const file = await readCryptoFile(node.keyEntry.bytes, { source: node.keyEntry.shown, password });
  const key = file.keys[0]?.key;
  if (!key) throw new OthernameError("RENEW_KEY_MISSING", `cannot keep the key of ${node.entry.shown} (--reuse-key): ${node.keyEntry.shown} holds no private key`, { hint: "Give the certificate's private key." });
  return key;
}

/** The renewed node's files, in the old files' places and forms. */
export async function nodeFiles(
  node: RenewNode,
  renewed: ReissueResult,
  options: { readonly issuer: Issuer; readonly password: string | undefined; readonly passwordChanged: boolean; readonly reusedKey: PrivateKey | undefined },
): Promise<OutputFile[]> {
  const caDer = options.issuer.certificate.der;
  if (node.kind === "pkcs12") {
    const key = renewed.key ?? node.key;
    const trusted = [...node.trusted];
    // A keystore that served as a truststore keeps every CA it trusted and gains the signing CA.
    if (trusted.length > 0 && !trusted.some((t) => bytesEqual(t.der, caDer))) trusted.push({ der: caDer, alias: freeAlias(trusted, "ca") });
    const bytes = await writePkcs12(
      {
        key: { pkcs8: key.pkcs8, certificate: renewed.der, alias: node.alias, ...(node.withChain ? { chain: [caDer] } : {}) },
        ...(trusted.length > 0 ? { trustedCertificates: trusted } : {}),
      },
      options.password ?? "",
    );
    return [{ path: node.entry.path, bytes, secret: true }];
  }
  const certificates = node.withChain ? [renewed.der, caDer] : [renewed.der];
  const certificateBytes = node.pem ? text(certificates.map((der) => encodePem("CERTIFICATE", der)).join("")) : renewed.der;
  const files: OutputFile[] = [{ path: node.entry.path, bytes: certificateBytes, secret: false }];
  if (renewed.key === undefined && node.keyEntry && !options.passwordChanged) {
    // The same key, in the same file: its bytes are kept as they were.
    files.push({ path: node.keyPath, bytes: node.keyEntry.bytes, secret: true });
  } else {
    const key = renewed.key ?? options.reusedKey;
    if (!key) throw new OthernameError("INTERNAL", `no key for ${node.entry.shown}`, { kind: "internal" });
    const encrypt = node.keyEncrypted || options.passwordChanged;
    if (encrypt && options.password === undefined) {
      throw new OthernameError("RENEW_PASSWORD_MISSING", `cannot write the new key of ${node.entry.shown}: ${node.keyPath} was encrypted, and no password was given`, {
        kind: "usage",
        hint: "Give the password with --pass-file FILE or --pass-env VAR (the new key is encrypted with it, or with --out-pass-file's).",
      });
    }
    // The old file's form; the traditional form follows the key's type (PKCS#1 for RSA, SEC1 for EC).
    const format = node.keyFormat === "pkcs8" ? "pkcs8" : key.algorithm === "ec" ? "sec1" : "pkcs1";
    files.push({ path: node.keyPath, bytes: text(exportPrivateKeyPem(key, { format, password: encrypt ? options.password : undefined })), secret: true });
  }
  return files;
}

/** A CA certificate file, with the signing CA added when it is not there yet (trust is never dropped here). */
export function caFileBytes(file: BundleView["caFiles"][number], issuer: Issuer): { readonly bytes: Uint8Array; readonly added: boolean } {
  const caDer = issuer.certificate.der;
  if (file.certificates.some((c) => bytesEqual(c.der, caDer))) return { bytes: file.entry.bytes, added: false };
  if (!file.pem) return { bytes: file.entry.bytes, added: false };
  const old = Buffer.from(file.entry.bytes).toString("latin1");
  return { bytes: text(`${old}${old.endsWith("\n") || old === "" ? "" : "\n"}${encodePem("CERTIFICATE", caDer)}`), added: true };
}

/** Renews one node: its certificate, with a new key unless `reusedKey` is given. */
export function renewNode(
  node: RenewNode,
  options: { readonly issuer: Issuer; readonly days: number; readonly at: Date; readonly reissuer: boolean; readonly reusedKey: PrivateKey | undefined; readonly keySpec: import("../pki/keys.js").KeySpec | undefined },
): Promise<ReissueResult> {
  const key = options.reusedKey ? { reuse: options.reusedKey } : options.keySpec ? { generate: options.keySpec } : undefined;
  return reissueCertificate({
    certificate: node.certificate,
    issuer: options.issuer,
    validity: { days: options.days, at: options.at },
    reissuer: options.reissuer,
    ...(key ? { key } : {}),
  });
}

function readCertificates(entry: RenewEntry): Certificate[] {
  try {
    if (looksLikePem(entry.bytes)) {
      return decodePem(Buffer.from(entry.bytes).toString("latin1"))
        .filter((block) => block.label === "CERTIFICATE" || block.label === "X509 CERTIFICATE" || block.label === "TRUSTED CERTIFICATE")
        .map((block) => parseCertificate(block.der));
    }
    return [parseCertificate(entry.bytes)];
  } catch (error) {
    if (!(error instanceof OthernameError)) throw error;
    throw new OthernameError(error.code, `cannot read ${entry.shown}: ${error.message}`, { ...(error.hint !== undefined ? { hint: error.hint } : {}), cause: error });
  }
}

function freeAlias(taken: readonly { readonly alias: string }[], wanted: string): string {
  const names = new Set(taken.map((t) => t.alias));
  if (!names.has(wanted)) return wanted;
  let n = 2;
  while (names.has(`${wanted}-${n}`)) n++;
  return `${wanted}-${n}`;
}

function stem(path: string): string {
  return (path.split("/").pop() ?? path).replace(/\.[^.]*$/, "");
}

function text(value: string): Uint8Array {
  return new TextEncoder().encode(value);
}
