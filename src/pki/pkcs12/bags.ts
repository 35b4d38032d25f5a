import * as asn1js from "asn1js";
import { AsnParser } from "@peculiar/asn1-schema";
import { CertBag, PKCS8ShroudedKeyBag, SafeContents } from "@peculiar/asn1-pfx";
import type { SafeBag } from "@peculiar/asn1-pfx";
import { PrivateKeyInfo } from "@peculiar/asn1-pkcs8";
import type { CertificateNames } from "./certificate-names.js";
import { certificateNames } from "./certificate-names.js";
import { BER_OPTIONS, checkTlvStructure, octetsValue, oidValue, parseAsn1 } from "./der.js";
import { Malformed, Unsupported } from "./failures.js";
import { MAX_ATTRIBUTES_PER_BAG, MAX_BAGS, MAX_SAFE_CONTENTS_DEPTH } from "./limits.js";
import { Oid } from "./oids.js";
import type { EncryptionScheme } from "./pbe.js";
import { parseEncryptionScheme } from "./pbe.js";

/** The PKCS#9 and Java attributes of a SafeBag (RFC 7292 §4.2) that we report. */
export interface BagAttributes {
  readonly friendlyName?: string;
  readonly localKeyId?: Uint8Array;
  /** Oracle's trusted-key-usage attribute is present: keytool shows a trustedCertEntry. */
  readonly trusted: boolean;
}

export type ParsedBag =
  | { readonly type: "key"; readonly pkcs8: Uint8Array; readonly attributes: BagAttributes }
  | { readonly type: "shroudedKey"; readonly scheme: EncryptionScheme; readonly encrypted: Uint8Array; readonly attributes: BagAttributes }
  | { readonly type: "certificate"; readonly der: Uint8Array; readonly names: CertificateNames; readonly attributes: BagAttributes }
  | { readonly type: "secret"; readonly secretType: string; readonly scheme?: EncryptionScheme; readonly attributes: BagAttributes };

/** Counts bags over a whole file, so no file holds more than MAX_BAGS. */
export class BagCounter {
  count = 0;
  add(n: number): void {
    this.count += n;
    if (this.count > MAX_BAGS) throw new Malformed(`more than ${MAX_BAGS} bags`);
  }
}

/** parse() from @peculiar/asn1-schema after our own structural bounds check. */
export function parseWith<T>(bytes: Uint8Array | ArrayBuffer, type: new () => T, what: string): T {
  const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  checkTlvStructure(view, what);
  try {
    return AsnParser.parse(view, type, { berOptions: BER_OPTIONS });
  } catch (error) {
    throw new Malformed(`${what}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/**
 * RFC 7292 §4.2: SafeContents ::= SEQUENCE OF SafeBag. Key, shrouded-key, X.509 certificate and
 * secret bags are returned in order; CRL bags and other certificate types are skipped;
 * nested safeContentsBags are flattened up to MAX_SAFE_CONTENTS_DEPTH.
 */
export function parseSafeContents(bytes: Uint8Array, counter: BagCounter, depth = 0): ParsedBag[] {
  if (depth > MAX_SAFE_CONTENTS_DEPTH) throw new Malformed(`safeContentsBag nested deeper than ${MAX_SAFE_CONTENTS_DEPTH}`);
  const contents = parseWith(bytes, SafeContents, "SafeContents");
  counter.add(contents.length);
  const out: ParsedBag[] = [];
  for (const bag of contents) {
    const value = new Uint8Array(bag.bagValue);
    switch (bag.bagId) {
      case Oid.keyBag:
        parseWith(value, PrivateKeyInfo, "keyBag");
        out.push({ type: "key", pkcs8: value, attributes: bagAttributes(bag) });
        break;
      case Oid.pkcs8ShroudedKeyBag: {
        const shrouded = parseWith(value, PKCS8ShroudedKeyBag, "pkcs8ShroudedKeyBag");
        out.push({
          type: "shroudedKey",
          scheme: parseEncryptionScheme(shrouded.encryptionAlgorithm),
          encrypted: new Uint8Array(shrouded.encryptedData.buffer),
          attributes: bagAttributes(bag),
        });
        break;
      }
      case Oid.certBag: {
        const certBag = parseWith(value, CertBag, "certBag");
        if (certBag.certId !== Oid.x509Certificate) break; // SDSI certificates: nothing to report
        // certValue is [0] EXPLICIT OCTET STRING holding the DER certificate.
        const der = octetsValue(parseAsn1(certBag.certValue, "certBag value"), "certBag value");
        checkTlvStructure(der, "certificate in certBag");
        out.push({ type: "certificate", der, names: certificateNames(der), attributes: bagAttributes(bag) });
        break;
      }
      case Oid.safeContentsBag:
        out.push(...parseSafeContents(value, counter, depth + 1));
        break;
      case Oid.secretBag:
        out.push({ type: "secret", ...secretBag(value), attributes: bagAttributes(bag) });
        break;
      default:
        break; // crlBag, unknown bags carry nothing we report
    }
  }
  return out;
}

/**
 * RFC 7292 §4.2.5: SecretBag ::= SEQUENCE { secretTypeId OID, secretValue [0] EXPLICIT ANY }. The
 * JDK stores a keytool SecretKeyEntry as secretTypeId pkcs8ShroudedKeyBag with an OCTET STRING
 * holding an EncryptedPrivateKeyInfo; its scheme is reported, the secret is never decrypted.
 */
function secretBag(value: Uint8Array): { secretType: string; scheme?: EncryptionScheme } {
  const node = parseAsn1(value, "secretBag");
  if (!(node instanceof asn1js.Sequence)) throw new Malformed("secretBag is not a SEQUENCE");
  const [typeNode, wrapped] = node.valueBlock.value;
  const secretType = oidValue(typeNode, "secretBag type");
  if (secretType !== Oid.pkcs8ShroudedKeyBag || !(wrapped instanceof asn1js.Constructed)) return { secretType };
  try {
    const encrypted = octetsValue(wrapped.valueBlock.value[0], "secretBag value");
    const info = parseWith(encrypted, PKCS8ShroudedKeyBag, "secretBag value");
    return { secretType, scheme: parseEncryptionScheme(info.encryptionAlgorithm) };
  } catch (error) {
    // The secret is listed either way; an unknown wrapping only leaves its scheme unnamed.
    if (error instanceof Malformed || error instanceof Unsupported) return { secretType };
    throw error;
  }
}

function bagAttributes(bag: SafeBag): BagAttributes {
  const attributes = bag.bagAttributes ?? [];
  if (attributes.length > MAX_ATTRIBUTES_PER_BAG) throw new Malformed(`a bag has ${attributes.length} attributes`);
  let friendlyName: string | undefined;
  let localKeyId: Uint8Array | undefined;
  let trusted = false;
  for (const attribute of attributes) {
    const first = attribute.attrValues[0];
    if (first === undefined) continue;
    switch (attribute.attrId) {
      case Oid.friendlyName: {
        // PKCS#9: friendlyName is a BMPString; some writers use UTF8String.
        const node = parseAsn1(first, "friendlyName");
        if (node instanceof asn1js.BmpString || node instanceof asn1js.Utf8String) friendlyName = node.valueBlock.value;
        else throw new Malformed("friendlyName is not a BMPString");
        break;
      }
      case Oid.localKeyId:
        localKeyId = octetsValue(parseAsn1(first, "localKeyId"), "localKeyId");
        break;
      case Oid.javaTrustedKeyUsage:
        // JDK: the values are the extended key usages the entry is trusted for; any value marks it trusted.
        for (const value of attribute.attrValues) oidValue(parseAsn1(value, "trusted key usage"), "trusted key usage");
        trusted = true;
        break;
      default:
        break;
    }
  }
  return {
    ...(friendlyName !== undefined ? { friendlyName } : {}),
    ...(localKeyId !== undefined ? { localKeyId } : {}),
    trusted,
  };
}
