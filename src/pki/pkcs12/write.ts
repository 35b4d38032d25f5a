import { X509Certificate, createHash, createPrivateKey, createPublicKey, randomBytes } from "node:crypto";
import * as asn1js from "asn1js";
import { ContentInfo } from "@peculiar/asn1-cms";
import { AuthenticatedSafe, CertBag, PFX, PKCS12Attribute, SafeBag, SafeContents } from "@peculiar/asn1-pfx";
import { EncryptedData, EncryptedPrivateKeyInfo, PrivateKeyInfo } from "@peculiar/asn1-pkcs8";
import { AsnParser, AsnSerializer } from "@peculiar/asn1-schema";
import { Certificate } from "@peculiar/asn1-x509";
import { OthernameError } from "../../errors.js";
import { bytesEqual, compareBytes } from "../der.js";
import { toArrayBuffer } from "./der.js";
import { Pkcs12ErrorCode } from "./failures.js";
import { bmpPassword } from "./kdf.js";
import { DEFAULT_MAX_ITERATIONS } from "./limits.js";
import { computeMac } from "./mac.js";
import { Oid } from "./oids.js";
import type { Encrypted } from "./pbe.js";
import { encryptPbes2Aes256, encryptPkcs12TripleDes } from "./pbe.js";

export interface Pkcs12KeyEntryInput {
  /** Unencrypted PKCS#8 PrivateKeyInfo, DER. */
  readonly pkcs8: Uint8Array;
  /** The key's certificate, DER. */
  readonly certificate: Uint8Array;
  /** Issuer certificates after the leaf (DER); by default the entry's chain is the leaf alone. */
  readonly chain?: readonly Uint8Array[];
  /** keytool alias: the friendlyName of the key and its certificate. */
  readonly alias: string;
}

export interface WritePkcs12Input {
  readonly key?: Pkcs12KeyEntryInput;
  /** Certificates written as Java trusted-certificate entries (e.g. the CA, alias "ca"). */
  readonly trustedCertificates?: readonly { readonly der: Uint8Array; readonly alias: string }[];
}

export interface WritePkcs12Options {
  /** pbeWithSHAAnd3-KeyTripleDES-CBC and an HMAC-SHA1 MAC, for consumers stuck on OpenSSL 1.0. */
  readonly legacy?: boolean;
  /** Key-derivation iterations for encryption and MAC; JDK 17's default is 10,000. */
  readonly iterations?: number;
}

/** JDK 17's keystore.pkcs12.*IterationCount defaults. */
const DEFAULT_ITERATIONS = 10_000;
/** RFC 8018 §4.1 asks for at least 8 salt bytes; 16 as NIST SP 800-132 recommends. */
const SALT_BYTES = 16;

/**
 * Writes a PFX as JDK 17 does: the key in a PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC) shrouded key
 * bag with friendlyName = alias and a localKeyId shared with its certificate; all certificates in one
 * PBES2-encrypted EncryptedData; trusted certificates carrying Oracle's trusted-key-usage attribute
 * (anyExtendedKeyUsage) so keytool lists trustedCertEntry; an HMAC-SHA256 MAC. Strict DER.
 *
 * @param input - The key entry (PKCS#8 key, certificate, chain, alias) and trusted certificates.
 * @param password - The keystore password.
 * @param options - `legacy` for the RC2/3DES/SHA-1 form old readers need, iteration counts.
 * @returns The PKCS#12 bytes.
 * @throws OthernameError PKCS12_INVALID_INPUT or PKCS12_INVALID_OPTION.
 * @example
 * ```ts
 * const p12 = await writePkcs12({ key: { pkcs8: key.pkcs8, certificate: der, alias: "node1" },
 *   trustedCertificates: [{ der: caDer, alias: "ca" }] }, "changeit");
 * const contents = await readPkcs12(p12, "changeit");
 * ```
 */
export async function writePkcs12(input: WritePkcs12Input, password: string, options: WritePkcs12Options = {}): Promise<Uint8Array> {
  const iterations = options.iterations ?? DEFAULT_ITERATIONS;
  if (!Number.isSafeInteger(iterations) || iterations < 1 || iterations > DEFAULT_MAX_ITERATIONS) {
    throw invalid(`iterations must be a whole number from 1 to ${DEFAULT_MAX_ITERATIONS}, got ${iterations}`, "Use the default (10000) unless a consumer needs otherwise.");
  }
  const trusted = input.trustedCertificates ?? [];
  if (input.key === undefined && trusted.length === 0) {
    throw invalid("nothing to write: no key entry and no trusted certificates", "Give a key with its certificate, or at least one trusted certificate.");
  }
  const legacy = options.legacy === true;
  const bmp = bmpPassword(password);
  const encrypt = (plaintext: Uint8Array): Promise<Encrypted> =>
    legacy
      ? encryptPkcs12TripleDes(bmp, plaintext, { iterations, salt: randomBytes(SALT_BYTES) })
      : encryptPbes2Aes256(password, plaintext, { iterations, salt: randomBytes(SALT_BYTES), iv: randomBytes(16) });

  const certificateBags: SafeBag[] = [];
  let keyBags: Promise<SafeBag[]> = Promise.resolve([]);
  if (input.key !== undefined) {
    const { pkcs8, certificate, alias } = checkKeyEntry(input.key);
    // OpenSSL's convention: localKeyId = SHA-1 of the certificate (any value shared by both works).
    const localKeyId = new Uint8Array(createHash("sha1").update(certificate).digest());
    certificateBags.push(certificateBag(certificate, [friendlyName(alias), localKeyIdAttribute(localKeyId)]));
    for (const [index, der] of (input.key.chain ?? []).entries()) {
      certificateBags.push(certificateBag(checkCertificate(der, `key.chain[${index}]`), []));
    }
    keyBags = encrypt(pkcs8).then((encrypted) => [
      new SafeBag({
        bagId: Oid.pkcs8ShroudedKeyBag,
        bagValue: AsnSerializer.serialize(
          new EncryptedPrivateKeyInfo({ encryptionAlgorithm: encrypted.algorithm, encryptedData: new EncryptedData(toArrayBuffer(encrypted.ciphertext)) }),
        ),
        bagAttributes: sortedAttributes([friendlyName(alias), localKeyIdAttribute(localKeyId)]),
      }),
    ]);
  }
  for (const [index, entry] of trusted.entries()) {
    const der = checkCertificate(entry.der, `trustedCertificates[${index}]`);
    checkAlias(entry.alias, `trustedCertificates[${index}].alias`);
    certificateBags.push(certificateBag(der, [friendlyName(entry.alias), trustedKeyUsage()]));
  }

  // JDK order: the EncryptedData of certificates, then the Data holding the shrouded key.
  const [encryptedCertificates, keys] = await Promise.all([encrypt(serialize(new SafeContents(certificateBags))), keyBags]);
  const contents = [encryptedDataInfo(encryptedCertificates)];
  if (keys.length > 0) contents.push(dataInfo(serialize(new SafeContents(keys))));
  const authSafe = serialize(new AuthenticatedSafe(contents));
  const macData = await computeMac(legacy ? "sha1" : "sha256", bmp, authSafe, { salt: randomBytes(SALT_BYTES), iterations });
  const pfx = new PFX({ version: 3, authSafe: dataInfo(authSafe), macData });
  return serialize(pfx);
}

function serialize(value: object): Uint8Array {
  return new Uint8Array(AsnSerializer.serialize(value));
}

function invalid(reason: string, hint: string, cause?: unknown): OthernameError {
  return new OthernameError(Pkcs12ErrorCode.invalidInput, `cannot write PKCS#12: ${reason}`, { hint, cause });
}

function checkAlias(alias: string, where: string): void {
  if (typeof alias !== "string" || alias.length === 0) throw invalid(`${where} is empty`, "Give every entry a non-empty alias.");
}

function checkCertificate(der: Uint8Array, where: string): Uint8Array {
  try {
    AsnParser.parse(der, Certificate);
    return der;
  } catch (error) {
    throw invalid(`${where} is not a DER X.509 certificate`, "Pass certificates as DER bytes (decode PEM first).", error);
  }
}

/** Refuses a key whose public half is not the certificate's (a known certutil trap). */
function checkKeyEntry(entry: Pkcs12KeyEntryInput): { pkcs8: Uint8Array; certificate: Uint8Array; alias: string } {
  checkAlias(entry.alias, "key.alias");
  const certificate = checkCertificate(entry.certificate, "key.certificate");
  let keySpki: Buffer;
  try {
    AsnParser.parse(entry.pkcs8, PrivateKeyInfo);
    keySpki = createPublicKey(createPrivateKey({ key: Buffer.from(entry.pkcs8), format: "der", type: "pkcs8" })).export({ type: "spki", format: "der" });
  } catch (error) {
    throw invalid("key.pkcs8 is not an unencrypted PKCS#8 private key", "Pass the PrivateKeyInfo DER (decrypt an encrypted key first).", error);
  }
  const certificateSpki = new X509Certificate(certificate).publicKey.export({ type: "spki", format: "der" });
  if (!bytesEqual(new Uint8Array(keySpki), new Uint8Array(certificateSpki))) {
    throw invalid(`the private key of "${entry.alias}" does not match its certificate`, "Pair the key with the certificate that was issued for it.");
  }
  return { pkcs8: entry.pkcs8, certificate, alias: entry.alias };
}

function attribute(oid: string, values: readonly asn1js.BaseBlock[]): PKCS12Attribute {
  // PKCS12Attribute's constructor ignores its argument: set the fields directly.
  const result = new PKCS12Attribute();
  result.attrId = oid;
  result.attrValues = values.map((value) => value.toBER(false));
  return result;
}

function friendlyName(alias: string): PKCS12Attribute {
  return attribute(Oid.friendlyName, [new asn1js.BmpString({ value: alias })]);
}

function localKeyIdAttribute(id: Uint8Array): PKCS12Attribute {
  return attribute(Oid.localKeyId, [new asn1js.OctetString({ valueHex: toArrayBuffer(id) })]);
}

/** JDK: trusted for anyExtendedKeyUsage, what keytool -importcert writes. */
function trustedKeyUsage(): PKCS12Attribute {
  return attribute(Oid.javaTrustedKeyUsage, [new asn1js.ObjectIdentifier({ value: Oid.anyExtendedKeyUsage })]);
}

/** DER orders the elements of a SET OF by their encodings (X.690 §11.6). */
function sortedAttributes(attributes: readonly PKCS12Attribute[]): PKCS12Attribute[] | undefined {
  if (attributes.length === 0) return undefined;
  return attributes
    .map((a) => ({ a, der: new Uint8Array(AsnSerializer.serialize(a)) }))
    .sort((x, y) => compareBytes(x.der, y.der))
    .map(({ a }) => a);
}

function certificateBag(der: Uint8Array, attributes: readonly PKCS12Attribute[]): SafeBag {
  const certValue = new asn1js.OctetString({ valueHex: toArrayBuffer(der) }).toBER(false);
  const bag = new SafeBag({ bagId: Oid.certBag, bagValue: AsnSerializer.serialize(new CertBag({ certId: Oid.x509Certificate, certValue })) });
  const sorted = sortedAttributes(attributes);
  if (sorted !== undefined) bag.bagAttributes = sorted;
  return bag;
}

function dataInfo(content: Uint8Array): ContentInfo {
  return new ContentInfo({ contentType: Oid.data, content: new asn1js.OctetString({ valueHex: toArrayBuffer(content) }).toBER(false) });
}

/** CMS EncryptedData version 0 (RFC 5652 §8) around SafeContents. */
function encryptedDataInfo(encrypted: Encrypted): ContentInfo {
  const algorithm = asn1js.fromBER(AsnSerializer.serialize(encrypted.algorithm)).result;
  const encryptedData = new asn1js.Sequence({
    value: [
      new asn1js.Integer({ value: 0 }),
      new asn1js.Sequence({
        value: [
          new asn1js.ObjectIdentifier({ value: Oid.data }),
          algorithm,
          new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber: 0 }, valueHex: toArrayBuffer(encrypted.ciphertext) }),
        ],
      }),
    ],
  });
  return new ContentInfo({ contentType: Oid.encryptedData, content: encryptedData.toBER(false) });
}
