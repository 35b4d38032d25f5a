import { createPublicKey, verify, webcrypto } from "node:crypto";
import type { KeyObject } from "node:crypto";
import type * as X509 from "@peculiar/x509";
import { OthernameError } from "../errors.js";
import type { PublicKeyInfo } from "./certificate.js";
import { Tag, contentOf, decodeOid, readChildren, readTlv, wholeOf, type Tlv } from "./der.js";
import { encodeDistinguishedName, formatName, type DistinguishedName } from "./distinguished-name.js";
import { signingAlgorithm, toSigningKey, toVerifyingKey } from "./keys.js";
import type { PrivateKey } from "./keys.js";
import { SUBJECT_ALT_NAME_OID, encodeSubjectAltName, readSubjectAltNames } from "./names.js";
import type { SubjectAltNameInput, SubjectAltNames } from "./names.js";
import { decodePem, looksLikePem } from "./pem.js";

// @peculiar/x509 types use the DOM's Crypto; Node's webcrypto is that API (our lib has no DOM types).
type X509Crypto = Parameters<typeof X509.cryptoProvider.set>[0];
type X509CreateParams = Parameters<typeof X509.Pkcs10CertificateRequestGenerator.create>[0];
const nodeCrypto = webcrypto as unknown as X509Crypto;

/**
 * @peculiar/x509 (and the reflect-metadata it needs) is loaded on first use, not on import:
 * reading files never needs it, and importing this module must not touch global state.
 * Node's webcrypto is passed to each call instead of being set as the library's global provider.
 */
async function loadX509(): Promise<typeof X509> {
  await import("reflect-metadata");
  return import("@peculiar/x509");
}

export interface CreateCsrOptions {
  readonly key: PrivateKey;
  /**
   * The subject DN: RFC 4514 text such as "CN=node1, OU=ops, O=Example", or the parsed form
   * (src/pki/distinguished-name.ts), which is encoded exactly as certificates are, escapes intact.
   */
  readonly subject: string | DistinguishedName;
  /** Requested SAN entries, carried in an extensionRequest attribute as certutil's CSRs do. */
  readonly san?: SubjectAltNameInput;
}

/**
 * A PKCS#10 certification request (RFC 2986), signed with the key, carrying the subject and the
 * otherName/DNS/IP names as a SubjectAltName extension request.
 *
 * @param options - The key, the subject DN text (`CN=node1,O=Acme`) and the names.
 * @returns The request as DER.
 * @throws OthernameError CSR_SUBJECT_INVALID for a subject that is not a DN.
 * @example
 * ```ts
 * const csr = await createCsr({ key, subject: "CN=node1", san: { otherNameCommonName: ["node1.node.c1.cluster.s1.account"] } });
 * parseCsr(csr).signatureValid; // true
 * ```
 */
export async function createCsr(options: CreateCsrOptions): Promise<Uint8Array> {
  const x509 = await loadX509();
  const name = typeof options.subject === "string" ? subjectName(x509, options.subject) : new x509.Name(encodeDistinguishedName(options.subject));
  const extensions: X509.Extension[] = [];
  const san = options.san === undefined ? undefined : encodeSubjectAltName(options.san);
  // RFC 5280 §4.2.1.6: non-critical when the subject is not empty (certutil does the same).
  if (san !== undefined) extensions.push(new x509.Extension(SUBJECT_ALT_NAME_OID, false, san));
  const algorithm = signingAlgorithm(options.key);
  const csr = await x509.Pkcs10CertificateRequestGenerator.create(
    {
      name,
      keys: { privateKey: await toSigningKey(options.key), publicKey: await toVerifyingKey(options.key) } as unknown as X509CreateParams["keys"],
      signingAlgorithm: algorithm as X509CreateParams["signingAlgorithm"],
      extensions,
    },
    nodeCrypto,
  );
  return new Uint8Array(csr.rawData);
}

/**
 * The subject as RFC 4514 text, which lists the most specific RDN (CN) first while the DER
 * RDNSequence ends with it (RFC 4514 §2.1, as Java's X500Principal and certutil read it).
 * @peculiar/x509 encodes RDNs in string order, so the parsed RDNs are reversed.
 */
function subjectName(x509: typeof X509, subject: string): X509.Name {
  let rdns: X509.JsonName = [];
  let cause: unknown;
  try {
    rdns = new x509.Name(subject).toJSON();
  } catch (error) {
    cause = error;
  }
  if (rdns.length === 0) {
    throw new OthernameError("CSR_SUBJECT_INVALID", `cannot create certificate request: the subject "${subject}" is not a distinguished name`, {
      hint: 'Write the subject as RFC 4514 text, e.g. "CN=node1, O=Example".',
      cause,
    });
  }
  return new x509.Name([...rdns].reverse());
}

/** A parsed certification request as an immutable value. */
export interface Csr {
  readonly der: Uint8Array;
  readonly subject: string;
  readonly publicKey: PublicKeyInfo;
  /** SAN values requested in the extensionRequest attribute (empty lists when none). */
  readonly san: SubjectAltNames;
  readonly signatureAlgorithm: { readonly oid: string; readonly name: string };
  /** The request is signed by the key it carries (proof of possession, RFC 2986 §3). */
  readonly signatureValid: boolean;
}

/** Signature algorithms we verify: OID → [name, Node digest (null for EdDSA)]. */
const SIGNATURES: Readonly<Record<string, readonly [string, string | null]>> = {
  "1.2.840.113549.1.1.5": ["sha1WithRSAEncryption", "sha1"],
  "1.2.840.113549.1.1.11": ["sha256WithRSAEncryption", "sha256"],
  "1.2.840.113549.1.1.12": ["sha384WithRSAEncryption", "sha384"],
  "1.2.840.113549.1.1.13": ["sha512WithRSAEncryption", "sha512"],
  "1.2.840.10045.4.3.2": ["ecdsa-with-SHA256", "sha256"],
  "1.2.840.10045.4.3.3": ["ecdsa-with-SHA384", "sha384"],
  "1.2.840.10045.4.3.4": ["ecdsa-with-SHA512", "sha512"],
  "1.3.101.112": ["Ed25519", null],
};

const EMPTY_SAN: SubjectAltNames = Object.freeze({ otherNameCommonName: [], dns: [], ip: [], otherNameOids: [] });

/**
 * Reads a PKCS#10 request from DER or PEM (`CERTIFICATE REQUEST`) and checks its signature.
 *
 * @param input - The request's bytes.
 * @param options - `source` names the file in messages.
 * @returns The subject, requested names and key, and whether the signature verifies.
 * @throws OthernameError CSR_MALFORMED.
 * @example
 * ```ts
 * const request = parseCsr(await readFile("node1/node1.csr"), { source: "node1.csr" });
 * request.san.otherNameCommonName; // what the signer should keep
 * ```
 */
export function parseCsr(input: Uint8Array, options: { readonly source?: string } = {}): Csr {
  const source = options.source ?? "(input)";
  try {
    return parseCsrDer(csrDer(input));
  } catch (error) {
    const inner =
      error instanceof OthernameError
        ? error
        : new OthernameError("CSR_MALFORMED", `the request does not parse (${error instanceof Error ? error.message : String(error)})`, { cause: error });
    const withHint = inner.hint === undefined ? new OthernameError(inner.code, inner.message, { cause: inner, hint: csrHint }) : inner;
    throw withHint.withSubject("cannot read certificate request", source);
  }
}

const csrHint = "Pass a PKCS#10 request (PEM `-----BEGIN CERTIFICATE REQUEST-----` or DER), e.g. one from `openssl req -new`.";

function csrDer(input: Uint8Array): Uint8Array {
  if (!looksLikePem(input)) return input;
  const blocks = decodePem(Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString("latin1"));
  const block = blocks.find((b) => b.label === "CERTIFICATE REQUEST" || b.label === "NEW CERTIFICATE REQUEST");
  if (block === undefined) {
    throw new OthernameError("CSR_MALFORMED", `no CERTIFICATE REQUEST PEM block (found: ${blocks.map((b) => b.label).join(", ") || "none"})`, {
      hint: csrHint,
    });
  }
  return block.der;
}

function parseCsrDer(der: Uint8Array): Csr {
  // CertificationRequest ::= SEQUENCE { certificationRequestInfo, signatureAlgorithm, signature BIT STRING }
  const outer = readTlv(der, 0);
  if (outer.tag !== Tag.sequence || outer.end !== der.length) throw new OthernameError("CSR_MALFORMED", "the request is not one DER SEQUENCE");
  const [info, sigAlg, signature] = readChildren(der, outer);
  if (info?.tag !== Tag.sequence || sigAlg?.tag !== Tag.sequence || signature?.tag !== Tag.bitString) {
    throw new OthernameError("CSR_MALFORMED", "the request is not a CertificationRequest (RFC 2986 §4.2)");
  }
  // CertificationRequestInfo ::= SEQUENCE { version, subject Name, subjectPKInfo, attributes [0] }
  const [, subjectTlv, spkiTlv, attributesTlv] = readChildren(der, info);
  if (subjectTlv?.tag !== Tag.sequence || spkiTlv?.tag !== Tag.sequence) {
    throw new OthernameError("CSR_MALFORMED", "the request lacks a subject or public key (RFC 2986 §4.1)");
  }
  const spki = wholeOf(der, spkiTlv).slice();
  const sigOidTlv = readChildren(der, sigAlg)[0];
  if (sigOidTlv?.tag !== Tag.oid) throw new OthernameError("CSR_MALFORMED", "the signature algorithm has no OID");
  const sigOid = decodeOid(contentOf(der, sigOidTlv));
  const known = SIGNATURES[sigOid];
  const sanValue = attributesTlv?.tag === 0xa0 ? requestedExtension(der, attributesTlv, SUBJECT_ALT_NAME_OID) : undefined;
  const signatureBits = contentOf(der, signature);
  const publicKey = publicKeyInfo(spki);
  let signatureValid = false;
  if (known !== undefined && signatureBits[0] === 0 && publicKey.keyObject !== undefined) {
    try {
      signatureValid = verify(known[1], wholeOf(der, info), publicKey.keyObject, signatureBits.subarray(1));
    } catch {
      signatureValid = false;
    }
  }
  return Object.freeze({
    der: der.slice(),
    subject: formatName(wholeOf(der, subjectTlv)),
    publicKey: publicKey.info,
    san: sanValue === undefined ? EMPTY_SAN : readSubjectAltNames(sanValue),
    signatureAlgorithm: { oid: sigOid, name: known?.[0] ?? sigOid },
    signatureValid,
  });
}

const EXTENSION_REQUEST_OID = "1.2.840.113549.1.9.14";

/** The value of one extension asked for in the PKCS#9 extensionRequest attribute (RFC 2985 §5.4.2). */
function requestedExtension(der: Uint8Array, attributes: Tlv, oid: string): Uint8Array | undefined {
  for (const attribute of readChildren(der, attributes)) {
    const [type, values] = readChildren(der, attribute);
    if (type?.tag !== Tag.oid || values?.tag !== Tag.set || decodeOid(contentOf(der, type)) !== EXTENSION_REQUEST_OID) continue;
    const extensions = readChildren(der, values)[0];
    if (extensions?.tag !== Tag.sequence) continue;
    for (const extension of readChildren(der, extensions)) {
      const parts = readChildren(der, extension);
      if (parts[0]?.tag !== Tag.oid || decodeOid(contentOf(der, parts[0])) !== oid) continue;
      const value = parts.find((part) => part.tag === Tag.octetString);
      if (value) return contentOf(der, value);
    }
  }
  return undefined;
}

const NODE_CURVES: Readonly<Record<string, string>> = { prime256v1: "P-256", secp384r1: "P-384", secp521r1: "P-521" };
const CURVE_BITS: Readonly<Record<string, number>> = { "P-256": 256, "P-384": 384, "P-521": 521 };

function publicKeyInfo(spki: Uint8Array): { readonly info: PublicKeyInfo; readonly keyObject?: KeyObject } {
  let keyObject: KeyObject;
  try {
    keyObject = createPublicKey({ key: Buffer.from(spki), format: "der", type: "spki" });
  } catch {
    return { info: { algorithm: "unknown", bits: 0, spki } };
  }
  const type = keyObject.asymmetricKeyType ?? "unknown";
  const details = keyObject.asymmetricKeyDetails ?? {};
  if (type === "ec") {
    const curve = NODE_CURVES[details.namedCurve ?? ""] ?? details.namedCurve ?? "unknown";
    return { info: { algorithm: "ec", bits: CURVE_BITS[curve] ?? 0, curve, spki }, keyObject };
  }
  const bits = details.modulusLength ?? (type === "ed25519" ? 256 : type === "ed448" ? 448 : 0);
  return { info: { algorithm: type, bits, spki }, keyObject };
}
