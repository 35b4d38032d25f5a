import { createHash, createPublicKey } from "node:crypto";
import { OthernameError } from "../errors.js";
import { Tag, contentOf, decodeOid, readChildren, readTlv, toHex, wholeOf, type Tlv } from "./der.js";
import { formatName } from "./distinguished-name.js";
import { SUBJECT_ALT_NAME_OID, readSubjectAltNames, type SubjectAltNames } from "./names.js";

/** One X.509 extension as found in the certificate. */
export interface CertificateExtension {
  readonly oid: string;
  readonly critical: boolean;
  /** The extnValue OCTET STRING's content. */
  readonly value: Uint8Array;
}

export interface PublicKeyInfo {
  /** Node's key type names: "rsa", "ec", "ed25519", "ed448", "rsa-pss", "dsa", or the OID when unknown. */
  readonly algorithm: string;
  /** Modulus length for RSA, field size for EC, 256/448 for EdDSA, 0 when unknown. */
  readonly bits: number;
  /** "P-256", "P-384", "P-521" or Node's curve name for other curves. */
  readonly curve?: string;
  /** SubjectPublicKeyInfo DER. */
  readonly spki: Uint8Array;
}

/** An X.509 certificate as an immutable value (RFC 5280 §4.1). */
export interface Certificate {
  readonly der: Uint8Array;
  readonly version: number;
  readonly subject: string;
  readonly issuer: string;
  readonly subjectDer: Uint8Array;
  readonly issuerDer: Uint8Array;
  readonly serialHex: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** SHA-256 of the DER, upper-case hex pairs joined by colons (keytool's form). */
  readonly sha256: string;
  readonly isCa: boolean;
  readonly pathLenConstraint?: number;
  readonly keyUsage?: readonly string[];
  readonly extendedKeyUsage?: readonly string[];
  readonly subjectKeyId?: string;
  readonly authorityKeyId?: string;
  readonly san: SubjectAltNames;
  readonly publicKey: PublicKeyInfo;
  readonly signatureAlgorithm: { readonly oid: string; readonly name: string };
  readonly signatureAlgorithmDer: Uint8Array;
  readonly tbs: Uint8Array;
  readonly signature: Uint8Array;
  readonly extensions: readonly CertificateExtension[];
}

export const SIGNATURE_ALGORITHM_NAMES: Readonly<Record<string, string>> = {
  "1.2.840.113549.1.1.4": "md5WithRSAEncryption",
  "1.2.840.113549.1.1.5": "sha1WithRSAEncryption",
  "1.2.840.113549.1.1.14": "sha224WithRSAEncryption",
  "1.2.840.113549.1.1.11": "sha256WithRSAEncryption",
  "1.2.840.113549.1.1.12": "sha384WithRSAEncryption",
  "1.2.840.113549.1.1.13": "sha512WithRSAEncryption",
  "1.2.840.113549.1.1.10": "rsassaPss",
  "1.2.840.10045.4.1": "ecdsa-with-SHA1",
  "1.2.840.10045.4.3.1": "ecdsa-with-SHA224",
  "1.2.840.10045.4.3.2": "ecdsa-with-SHA256",
  "1.2.840.10045.4.3.3": "ecdsa-with-SHA384",
  "1.2.840.10045.4.3.4": "ecdsa-with-SHA512",
  "1.3.101.112": "ed25519",
  "1.3.101.113": "ed448",
};

/** RFC 5280 §4.2.1.3 bit order. */
const KEY_USAGE_BITS = [
  "digitalSignature",
  "nonRepudiation",
  "keyEncipherment",
  "dataEncipherment",
  "keyAgreement",
  "keyCertSign",
  "cRLSign",
  "encipherOnly",
  "decipherOnly",
] as const;

const CURVE_NAMES: Readonly<Record<string, { name: string; bits: number }>> = {
  prime256v1: { name: "P-256", bits: 256 },
  secp384r1: { name: "P-384", bits: 384 },
  secp521r1: { name: "P-521", bits: 521 },
  secp256k1: { name: "secp256k1", bits: 256 },
  brainpoolP256r1: { name: "brainpoolP256r1", bits: 256 },
  brainpoolP384r1: { name: "brainpoolP384r1", bits: 384 },
  brainpoolP512r1: { name: "brainpoolP512r1", bits: 512 },
};

const MAX_CERTIFICATE_SIZE = 1 << 20;

function certificateError(reason: string, cause?: unknown): OthernameError {
  return new OthernameError("CERT_MALFORMED", `invalid certificate: ${reason}`, {
    hint: "The data is not a valid X.509 certificate; check that you passed the right file.",
    cause,
  });
}

/**
 * Parses one DER certificate into an immutable value; the bytes are copied so the value never
 * aliases the input. `san.otherNameCommonName` holds exactly the names Elasticsearch's trust
 * restrictions match (DESIGN.md, "Names a certificate carries").
 *
 * @param input - The certificate as DER.
 * @returns The certificate: subject, issuer, validity, extensions, key, names and exact TBS bytes.
 * @throws OthernameError CERT_MALFORMED when the bytes are not a certificate.
 * @example
 * ```ts
 * const cert = parseCertificate(der);
 * cert.subject;                     // "CN=node1"
 * cert.san.otherNameCommonName;     // ["node1.node.abc123.cluster.s1.account"]
 * ```
 */
export function parseCertificate(input: Uint8Array): Certificate {
  if (input.length > MAX_CERTIFICATE_SIZE) throw certificateError(`${input.length} bytes is larger than any real certificate`);
  const der = new Uint8Array(input);
  try {
    return parseUnchecked(der);
  } catch (error) {
    if (error instanceof OthernameError && error.code === "CERT_MALFORMED") throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw certificateError(reason, error);
  }
}

function expectTag(tlv: Tlv | undefined, tag: number, what: string): Tlv {
  if (!tlv || tlv.tag !== tag) throw certificateError(`${what} is missing or has the wrong type`);
  return tlv;
}

function parseUnchecked(der: Uint8Array): Certificate {
  const outer = expectTag(readTlv(der, 0), Tag.sequence, "the Certificate SEQUENCE");
  if (outer.end !== der.length) throw certificateError(`${der.length - outer.end} bytes follow the certificate`);
  const [tbsTlv, sigAlgTlv, sigTlv] = readChildren(der, outer);
  const tbs = expectTag(tbsTlv, Tag.sequence, "tbsCertificate");
  const signatureAlgorithmTlv = expectTag(sigAlgTlv, Tag.sequence, "signatureAlgorithm");
  const signatureTlv = expectTag(sigTlv, Tag.bitString, "signatureValue");

  const fields = readChildren(der, tbs);
  let index = 0;
  let version = 1;
  if (fields[0]?.tag === 0xa0) {
    const versionTlv = expectTag(readChildren(der, fields[0])[0], Tag.integer, "version");
    version = Number(bigIntOf(contentOf(der, versionTlv))) + 1;
    index = 1;
  }
  const serialTlv = expectTag(fields[index], Tag.integer, "serialNumber");
  expectTag(fields[index + 1], Tag.sequence, "signature");
  const issuerTlv = expectTag(fields[index + 2], Tag.sequence, "issuer");
  const validityTlv = expectTag(fields[index + 3], Tag.sequence, "validity");
  const subjectTlv = expectTag(fields[index + 4], Tag.sequence, "subject");
  const spkiTlv = expectTag(fields[index + 5], Tag.sequence, "subjectPublicKeyInfo");
  const [notBeforeTlv, notAfterTlv] = readChildren(der, validityTlv);
  if (!notBeforeTlv || !notAfterTlv) throw certificateError("validity lacks notBefore or notAfter");

  const extensions: CertificateExtension[] = [];
  for (const field of fields.slice(index + 6)) {
    if (field.tag !== 0xa3) continue; // issuerUniqueID [1] / subjectUniqueID [2] are not used
    const list = expectTag(readChildren(der, field)[0], Tag.sequence, "extensions");
    for (const extension of readChildren(der, list)) {
      const parts = readChildren(der, extension);
      const oidTlv = expectTag(parts[0], Tag.oid, "extnID");
      let critical = false;
      let valueTlv = parts[1];
      if (valueTlv?.tag === Tag.boolean) {
        critical = (contentOf(der, valueTlv)[0] ?? 0) !== 0;
        valueTlv = parts[2];
      }
      const value = expectTag(valueTlv, Tag.octetString, "extnValue");
      extensions.push({ oid: decodeOid(contentOf(der, oidTlv)), critical, value: contentOf(der, value) });
    }
  }
  const oids = new Set<string>();
  for (const extension of extensions) {
    if (oids.has(extension.oid)) throw certificateError(`extension ${extension.oid} appears twice (RFC 5280 §4.2)`);
    oids.add(extension.oid);
  }

  const signatureAlgorithmOid = decodeOid(contentOf(der, expectTag(readChildren(der, signatureAlgorithmTlv)[0], Tag.oid, "signature algorithm")));
  const signatureBits = contentOf(der, signatureTlv);
  const subjectDer = wholeOf(der, subjectTlv);
  const issuerDer = wholeOf(der, issuerTlv);
  const ext = (oid: string) => extensions.find((e) => e.oid === oid)?.value;

  const basic = readBasicConstraints(ext("2.5.29.19"));
  const keyUsage = readKeyUsage(ext("2.5.29.15"));
  const extendedKeyUsage = readExtendedKeyUsage(ext("2.5.29.37"));
  const skiValue = ext("2.5.29.14");
  const subjectKeyId = skiValue ? toHex(contentOf(skiValue, expectTag(readTlv(skiValue, 0), Tag.octetString, "subjectKeyIdentifier"))) : undefined;
  const authorityKeyId = readAuthorityKeyId(ext("2.5.29.35"));
  const sanExtension = extensions.find((e) => e.oid === SUBJECT_ALT_NAME_OID);
  const san = sanExtension ? readSubjectAltNames(sanExtension.value, { critical: sanExtension.critical }) : { otherNameCommonName: [], dns: [], ip: [], otherNameOids: [] };

  return Object.freeze({
    der,
    version,
    subject: formatName(subjectDer),
    issuer: formatName(issuerDer),
    subjectDer,
    issuerDer,
    serialHex: serialToHex(contentOf(der, serialTlv)),
    notBefore: readTime(der, notBeforeTlv),
    notAfter: readTime(der, notAfterTlv),
    sha256: fingerprint(der),
    isCa: basic.isCa,
    ...(basic.pathLen !== undefined ? { pathLenConstraint: basic.pathLen } : {}),
    ...(keyUsage ? { keyUsage } : {}),
    ...(extendedKeyUsage ? { extendedKeyUsage } : {}),
    ...(subjectKeyId !== undefined ? { subjectKeyId } : {}),
    ...(authorityKeyId !== undefined ? { authorityKeyId } : {}),
    san,
    publicKey: readPublicKey(wholeOf(der, spkiTlv)),
    signatureAlgorithm: { oid: signatureAlgorithmOid, name: SIGNATURE_ALGORITHM_NAMES[signatureAlgorithmOid] ?? signatureAlgorithmOid },
    signatureAlgorithmDer: wholeOf(der, signatureAlgorithmTlv),
    tbs: wholeOf(der, tbs),
    // BIT STRING content: the first octet counts unused bits (always 0 for signatures).
    signature: signatureBits.subarray(1),
    extensions,
  });
}

function bigIntOf(content: Uint8Array): bigint {
  if (content.length === 0) return 0n;
  let value = BigInt(`0x${toHex(content)}`);
  if (((content[0] as number) & 0x80) !== 0) value -= 1n << BigInt(content.length * 8);
  return value;
}

function serialToHex(content: Uint8Array): string {
  let start = 0;
  while (start < content.length - 1 && content[start] === 0) start++;
  return toHex(content.subarray(start));
}

/** UTCTime (YYMMDDHHMMSSZ; YY < 50 is 20YY, RFC 5280 §4.1.2.5.1) or GeneralizedTime. */
function readTime(der: Uint8Array, tlv: Tlv): Date {
  const text = Buffer.from(contentOf(der, tlv)).toString("latin1");
  let match: RegExpExecArray | null;
  let year: number;
  if (tlv.tag === Tag.utcTime && (match = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?Z$/.exec(text))) {
    const yy = Number(match[1]);
    year = yy < 50 ? 2000 + yy : 1900 + yy;
  } else if (tlv.tag === Tag.generalizedTime && (match = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:\.\d+)?Z$/.exec(text))) {
    year = Number(match[1]);
  } else {
    throw certificateError(`invalid time ${JSON.stringify(text)}`);
  }
  const date = new Date(Date.UTC(year, Number(match[2]) - 1, Number(match[3]), Number(match[4]), Number(match[5]), Number(match[6] ?? 0)));
  if (Number.isNaN(date.getTime())) throw certificateError(`invalid time ${JSON.stringify(text)}`);
  return date;
}

function fingerprint(der: Uint8Array): string {
  const hex = createHash("sha256").update(der).digest("hex").toUpperCase();
  return hex.match(/../g)?.join(":") ?? "";
}

function readBasicConstraints(value: Uint8Array | undefined): { isCa: boolean; pathLen?: number } {
  if (!value) return { isCa: false };
  const sequence = expectTag(readTlv(value, 0), Tag.sequence, "basicConstraints");
  let isCa = false;
  let pathLen: number | undefined;
  for (const part of readChildren(value, sequence)) {
    if (part.tag === Tag.boolean) isCa = (contentOf(value, part)[0] ?? 0) !== 0;
    else if (part.tag === Tag.integer) {
      const n = bigIntOf(contentOf(value, part));
      pathLen = n > 1_000_000n ? 1_000_000 : Number(n);
    }
  }
  return pathLen === undefined ? { isCa } : { isCa, pathLen };
}

function readKeyUsage(value: Uint8Array | undefined): string[] | undefined {
  if (!value) return undefined;
  const bits = contentOf(value, expectTag(readTlv(value, 0), Tag.bitString, "keyUsage"));
  const usages: string[] = [];
  KEY_USAGE_BITS.forEach((name, bit) => {
    const byte = bits[1 + (bit >> 3)];
    if (byte !== undefined && (byte & (0x80 >> (bit & 7))) !== 0) usages.push(name);
  });
  return usages;
}

function readExtendedKeyUsage(value: Uint8Array | undefined): string[] | undefined {
  if (!value) return undefined;
  const sequence = expectTag(readTlv(value, 0), Tag.sequence, "extKeyUsage");
  return readChildren(value, sequence).map((oid) => decodeOid(contentOf(value, expectTag(oid, Tag.oid, "KeyPurposeId"))));
}

function readAuthorityKeyId(value: Uint8Array | undefined): string | undefined {
  if (!value) return undefined;
  const sequence = expectTag(readTlv(value, 0), Tag.sequence, "authorityKeyIdentifier");
  const keyId = readChildren(value, sequence).find((part) => part.tag === 0x80);
  return keyId ? toHex(contentOf(value, keyId)) : undefined;
}

const EC_CURVES_BY_OID: Readonly<Record<string, { name: string; bits: number }>> = {
  "1.2.840.10045.3.1.7": { name: "P-256", bits: 256 },
  "1.3.132.0.34": { name: "P-384", bits: 384 },
  "1.3.132.0.35": { name: "P-521", bits: 521 },
  "1.3.132.0.10": { name: "secp256k1", bits: 256 },
  "1.3.36.3.3.2.8.1.1.7": { name: "brainpoolP256r1", bits: 256 },
  "1.3.36.3.3.2.8.1.1.11": { name: "brainpoolP384r1", bits: 384 },
  "1.3.36.3.3.2.8.1.1.13": { name: "brainpoolP512r1", bits: 512 },
};

/**
 * Key type and size straight from the SubjectPublicKeyInfo (RFC 5280 §4.1.2.7): cheaper than
 * building a KeyObject, which matters when validating thousands of chains. Node's parser is
 * the fallback for anything else.
 */
export function readPublicKey(spki: Uint8Array): PublicKeyInfo {
  const sequence = readTlv(spki, 0);
  const [algorithm, key] = readChildren(spki, sequence);
  const oidTlv = algorithm ? readChildren(spki, algorithm)[0] : undefined;
  const oid = oidTlv && oidTlv.tag === Tag.oid ? decodeOid(contentOf(spki, oidTlv)) : "unknown";
  if ((oid === "1.2.840.113549.1.1.1" || oid === "1.2.840.113549.1.1.10") && key?.tag === Tag.bitString) {
    const rsaKey = contentOf(spki, key).subarray(1); // skip the unused-bits octet
    const modulus = readChildren(rsaKey, readTlv(rsaKey, 0))[0];
    if (modulus?.tag === Tag.integer) return { algorithm: oid.endsWith(".10") ? "rsa-pss" : "rsa", bits: bitLength(contentOf(rsaKey, modulus)), spki };
  }
  if (oid === "1.2.840.10045.2.1" && algorithm) {
    const parameters = readChildren(spki, algorithm)[1];
    const curve = parameters?.tag === Tag.oid ? EC_CURVES_BY_OID[decodeOid(contentOf(spki, parameters))] : undefined;
    if (curve) return { algorithm: "ec", bits: curve.bits, curve: curve.name, spki };
  }
  if (oid === "1.3.101.112") return { algorithm: "ed25519", bits: 256, spki };
  if (oid === "1.3.101.113") return { algorithm: "ed448", bits: 448, spki };
  return readPublicKeyWithNode(spki, oid);
}

function bitLength(unsigned: Uint8Array): number {
  let start = 0;
  while (start < unsigned.length && unsigned[start] === 0) start++;
  if (start === unsigned.length) return 0;
  return (unsigned.length - start - 1) * 8 + (32 - Math.clz32(unsigned[start] as number));
}

function readPublicKeyWithNode(spki: Uint8Array, oid: string): PublicKeyInfo {
  try {
    const key = createPublicKey({ key: Buffer.from(spki), format: "der", type: "spki" });
    const type = key.asymmetricKeyType ?? oid;
    const details = key.asymmetricKeyDetails ?? {};
    if (type === "ec") {
      const curve = CURVE_NAMES[details.namedCurve ?? ""];
      return { algorithm: "ec", bits: curve?.bits ?? 0, curve: curve?.name ?? details.namedCurve ?? "unknown", spki };
    }
    return { algorithm: type, bits: details.modulusLength ?? 0, spki };
  } catch {
    // An algorithm Node does not know: report its OID rather than failing the whole certificate.
    return { algorithm: oid, bits: 0, spki };
  }
}
