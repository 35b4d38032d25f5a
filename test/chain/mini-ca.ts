import "reflect-metadata";
import { webcrypto } from "node:crypto";
import * as x509 from "@peculiar/x509";
import { parseCertificate, type Certificate } from "../../src/pki/certificate.js";
import { concatBytes, encodeTlv } from "../../src/pki/der.js";
import { encodeSubjectAltName, parseIp } from "../../src/pki/names.js";
import { encodePem } from "../../src/pki/pem.js";

/**
 * An in-memory certificate authority for chain scenarios: @peculiar/x509 over Node's webcrypto,
 * EC P-256 by default (fast), with every extension under the test's control so that broken
 * certificates (CA:FALSE issuers, missing keyCertSign, unknown critical extensions…) are easy.
 */
x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

type CryptoKeyPair = webcrypto.CryptoKeyPair;
type CryptoKey = webcrypto.CryptoKey;

export type KeyKind = "p256" | "p384" | "p521" | "ed25519" | "rsa2048";

export interface MiniCert {
  readonly certificate: Certificate;
  readonly x509: x509.X509Certificate;
  readonly keys: CryptoKeyPair;
  readonly pem: string;
}

export interface NameConstraintsSpec {
  readonly permittedDns?: readonly string[];
  readonly excludedDns?: readonly string[];
  /** CIDR, e.g. "10.0.0.0/8" or "fd00::/8". */
  readonly permittedIp?: readonly string[];
  readonly excludedIp?: readonly string[];
}

export interface CertSpec {
  readonly subject: string;
  /** The issuing certificate; absent: self-signed. */
  readonly issuer?: MiniCert;
  readonly keys?: CryptoKeyPair;
  /** Sign with this key instead of the issuer's (a bad signature). */
  readonly signWith?: CryptoKeyPair;
  /** basicConstraints: `null` omits the extension. Defaults: CA:TRUE for CAs, CA:FALSE for leaves. */
  readonly basicConstraints?: { readonly ca: boolean; readonly pathLen?: number } | null;
  /** keyUsage flags (x509.KeyUsageFlags); `null` omits the extension. */
  readonly keyUsage?: number | null;
  readonly notBefore?: Date;
  readonly notAfter?: Date;
  readonly san?: { readonly dns?: readonly string[]; readonly ip?: readonly string[]; readonly otherNameCommonName?: readonly string[] };
  readonly nameConstraints?: NameConstraintsSpec;
  readonly extra?: readonly { readonly oid: string; readonly critical: boolean; readonly value: Uint8Array }[];
  /** Key identifiers (default true): the AKI names the issuer's key, the SKI this one's. */
  readonly keyIds?: boolean;
  /** RSA-PSS instead of PKCS#1 v1.5 for RSA issuers. */
  readonly pss?: boolean;
  readonly hash?: "SHA-256" | "SHA-384" | "SHA-512";
  /** No extensions at all and version 1 semantics are not reachable with @peculiar/x509; omit all. */
  readonly noExtensions?: boolean;
}

/** Default validity: 2025-01-01 to 2035-01-01; tests validate at 2030-01-01. */
export const DEFAULT_NOT_BEFORE = new Date("2025-01-01T00:00:00Z");
export const DEFAULT_NOT_AFTER = new Date("2035-01-01T00:00:00Z");
export const AT = new Date("2030-01-01T00:00:00Z");

const keyCache = new Map<KeyKind, CryptoKeyPair>();
let serial = 1;

export async function newKeys(kind: KeyKind = "p256"): Promise<CryptoKeyPair> {
  const subtle = webcrypto.subtle;
  switch (kind) {
    case "p256":
    case "p384":
    case "p521":
      return (await subtle.generateKey({ name: "ECDSA", namedCurve: `P-${kind.slice(1)}` }, true, ["sign", "verify"])) as CryptoKeyPair;
    case "ed25519":
      return (await subtle.generateKey({ name: "Ed25519" }, true, ["sign", "verify"])) as CryptoKeyPair;
    case "rsa2048":
      return (await subtle.generateKey(
        { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
        true,
        ["sign", "verify"],
      )) as CryptoKeyPair;
  }
}

/** One shared key per kind, for tests where keys need not differ. */
export async function sharedKeys(kind: KeyKind = "p256"): Promise<CryptoKeyPair> {
  let keys = keyCache.get(kind);
  if (!keys) {
    keys = await newKeys(kind);
    keyCache.set(kind, keys);
  }
  return keys;
}

export async function makeCert(spec: CertSpec): Promise<MiniCert> {
  const keys = spec.keys ?? (await newKeys());
  const issuerKeys = spec.issuer?.keys ?? keys;
  const signingKeys = spec.signWith ?? issuerKeys;
  const isCaDefault = spec.issuer === undefined || spec.basicConstraints?.ca === true;
  const extensions: x509.Extension[] = [];
  if (!spec.noExtensions) {
    const bc = spec.basicConstraints === undefined ? { ca: isCaDefault } : spec.basicConstraints;
    if (bc !== null) extensions.push(new x509.BasicConstraintsExtension(bc.ca, bc.pathLen, true));
    const ku =
      spec.keyUsage === undefined
        ? bc?.ca
          ? x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign
          : x509.KeyUsageFlags.digitalSignature
        : spec.keyUsage;
    if (ku !== null) extensions.push(new x509.KeyUsagesExtension(ku, true));
    if (spec.keyIds !== false) {
      extensions.push(await x509.SubjectKeyIdentifierExtension.create(keys.publicKey));
      if (spec.issuer) extensions.push(await x509.AuthorityKeyIdentifierExtension.create(issuerKeys.publicKey));
    }
    if (spec.san) {
      const value = encodeSubjectAltName(spec.san);
      if (value) extensions.push(new x509.Extension("2.5.29.17", false, value));
    }
    if (spec.nameConstraints) extensions.push(new x509.Extension("2.5.29.30", true, encodeNameConstraints(spec.nameConstraints)));
    for (const extra of spec.extra ?? []) extensions.push(new x509.Extension(extra.oid, extra.critical, extra.value));
  }
  const algorithm = signingKeys.privateKey.algorithm as { name: string };
  const hash = spec.hash ?? "SHA-256";
  const signingAlgorithm =
    algorithm.name === "ECDSA"
      ? { name: "ECDSA", hash }
      : algorithm.name === "Ed25519"
        ? { name: "Ed25519" }
        : spec.pss
          ? { name: "RSA-PSS", hash, saltLength: 32 }
          : { name: "RSASSA-PKCS1-v1_5", hash };
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: (serial++).toString(16).padStart(4, "0"),
    subject: spec.subject,
    issuer: spec.issuer ? spec.issuer.x509.subjectName : spec.subject,
    notBefore: spec.notBefore ?? DEFAULT_NOT_BEFORE,
    notAfter: spec.notAfter ?? DEFAULT_NOT_AFTER,
    publicKey: keys.publicKey,
    signingKey: await signingKeyFor(signingKeys.privateKey, signingAlgorithm),
    signingAlgorithm,
    extensions,
  });
  const der = new Uint8Array(cert.rawData);
  return { certificate: parseCertificate(der), x509: cert, keys, pem: encodePem("CERTIFICATE", der) };
}

/** @peculiar/x509 signs with the key's own algorithm: re-import an RSA key for another hash or PSS. */
async function signingKeyFor(key: CryptoKey, algorithm: { name: string; hash?: string }): Promise<CryptoKey> {
  const current = key.algorithm as { name: string; hash?: { name: string } };
  if (!current.name.startsWith("RS") || (current.name === algorithm.name && current.hash?.name === algorithm.hash)) return key;
  const pkcs8 = await webcrypto.subtle.exportKey("pkcs8", key);
  return webcrypto.subtle.importKey("pkcs8", pkcs8, { name: algorithm.name, hash: algorithm.hash ?? "SHA-256" }, false, ["sign"]) as Promise<CryptoKey>;
}

/** A CA (CA:TRUE, keyCertSign) issued by `issuer`, or a self-signed root. */
export function makeCa(subject: string, issuer?: MiniCert, spec: Partial<CertSpec> = {}): Promise<MiniCert> {
  return makeCert({ basicConstraints: { ca: true }, ...spec, subject, ...(issuer ? { issuer } : {}) });
}

/** An end-entity certificate (CA:FALSE, digitalSignature). */
export function makeLeaf(subject: string, issuer: MiniCert, spec: Partial<CertSpec> = {}): Promise<MiniCert> {
  return makeCert({ basicConstraints: { ca: false }, ...spec, subject, issuer });
}

/** NameConstraints (RFC 5280 §4.2.1.10) with dNSName and iPAddress subtrees. */
export function encodeNameConstraints(spec: NameConstraintsSpec): Uint8Array {
  const subtree = (name: Uint8Array) => encodeTlv(0x30, name);
  const dns = (name: string) => subtree(encodeTlv(0x82, Buffer.from(name, "latin1")));
  const ip = (cidr: string) => {
    const [address = "", bits = ""] = cidr.split("/");
    const bytes = parseIp(address);
    const mask = new Uint8Array(bytes.length);
    for (let i = 0; i < Number(bits); i++) mask[i >> 3] = (mask[i >> 3] as number) | (0x80 >> (i & 7));
    return subtree(encodeTlv(0x87, concatBytes([bytes, mask])));
  };
  const parts: Uint8Array[] = [];
  const permitted = [...(spec.permittedDns ?? []).map(dns), ...(spec.permittedIp ?? []).map(ip)];
  const excluded = [...(spec.excludedDns ?? []).map(dns), ...(spec.excludedIp ?? []).map(ip)];
  if (permitted.length > 0) parts.push(encodeTlv(0xa0, concatBytes(permitted)));
  if (excluded.length > 0) parts.push(encodeTlv(0xa1, concatBytes(excluded)));
  return encodeTlv(0x30, concatBytes(parts));
}

export const SERVER_AUTH = "2b06010505070301"; // id-kp-serverAuth, DER contents
export const CLIENT_AUTH = "2b06010505070302"; // id-kp-clientAuth

/** A non-critical extendedKeyUsage extension listing `oids` (hex DER contents of each OID), for `extra`. */
export function extendedKeyUsage(...oids: string[]): { oid: string; critical: boolean; value: Uint8Array } {
  const content = Buffer.concat(oids.map((oid) => Buffer.from(`0608${oid}`, "hex")));
  return { oid: "2.5.29.37", critical: false, value: Uint8Array.from(Buffer.concat([Buffer.from([0x30, content.length]), content])) };
}
