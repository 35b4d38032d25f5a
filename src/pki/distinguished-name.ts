import { Tag, compareBytes, concatBytes, contentOf, decodeOid, encodeOid, encodeTlv, readChildren, readTlv, toHex } from "./der.js";
import { decodeOtherNameValue } from "./names.js";

/** One attribute of a relative distinguished name; `type` is a dotted OID. */
export interface DnAttribute {
  readonly type: string;
  readonly value: string;
}
/** RDNs in RFC 4514 text order (most specific first). */
export type DistinguishedName = readonly (readonly DnAttribute[])[];

/** Short names for attribute types, as Java's X500Principal and OpenSSL print them. */
export const ATTRIBUTE_NAMES: Readonly<Record<string, string>> = {
  "2.5.4.3": "CN",
  "2.5.4.4": "SURNAME",
  "2.5.4.5": "SERIALNUMBER",
  "2.5.4.6": "C",
  "2.5.4.7": "L",
  "2.5.4.8": "ST",
  "2.5.4.9": "STREET",
  "2.5.4.10": "O",
  "2.5.4.11": "OU",
  "2.5.4.12": "T",
  "2.5.4.42": "GIVENNAME",
  "2.5.4.43": "INITIALS",
  "2.5.4.44": "GENERATION",
  "2.5.4.46": "DNQUALIFIER",
  "0.9.2342.19200300.100.1.1": "UID",
  "0.9.2342.19200300.100.1.25": "DC",
  "1.2.840.113549.1.9.1": "EMAILADDRESS",
};

/**
 * A Name (RFC 5280 §4.1.2.4) as text in RFC 4514 order (most specific RDN first), RDNs
 * separated by ", " as Java's X500Principal prints them (the form Elasticsearch's messages use),
 * values escaped per RFC 4514 §2.4, unknown types as `OID=#hex`.
 */
export function formatName(nameDer: Uint8Array): string {
  const outer = readTlv(nameDer, 0);
  const rdns = readChildren(nameDer, outer).map((rdn) =>
    readChildren(nameDer, rdn)
      .map((attribute) => {
        const [type, value] = readChildren(nameDer, attribute);
        if (!type || !value) return "";
        const oid = decodeOid(contentOf(nameDer, type));
        const label = ATTRIBUTE_NAMES[oid] ?? oid;
        const text = decodeOtherNameValue(value.tag, contentOf(nameDer, value));
        if (text === undefined || value.tag === Tag.octetString || value.tag === Tag.universalString) {
          return `${label}=#${toHex(nameDer.subarray(value.start, value.end))}`;
        }
        return `${label}=${escapeValue(text)}`;
      })
      .join(" + "),
  );
  return rdns.reverse().join(", ");
}

function escapeValue(value: string): string {
  let escaped = value.replace(/[\\",+;<>=]/g, (c) => `\\${c}`);
  if (escaped.startsWith("#") || escaped.startsWith(" ")) escaped = `\\${escaped}`;
  if (escaped.endsWith(" ") && escaped.length > 1) escaped = `${escaped.slice(0, -1)}\\ `;
  return escaped;
}

/** C, dnQualifier and serialNumber are PrintableString; emailAddress and DC IA5String; the rest UTF8String (RFC 5280 §4.1.2.4). */
const PRINTABLE_TYPES = new Set(["2.5.4.6", "2.5.4.46", "2.5.4.5"]);
const IA5_TYPES = new Set(["1.2.840.113549.1.9.1", "0.9.2342.19200300.100.1.25"]);

/**
 * The DER Name of a DN written in RFC 4514 order: that text lists the most specific RDN first,
 * while the RDNSequence ends with it (RFC 4514 §2.1), so `CN=node1,O=Example` encodes O then CN,
 * as Java's X500Principal (certutil) and `openssl req -subj /O=Example/CN=node1` do.
 */
export function encodeDistinguishedName(dn: DistinguishedName): Uint8Array {
  const rdns = [...dn].reverse().map((rdn) => {
    const attributes = rdn.map((attribute) => {
      const printable = PRINTABLE_TYPES.has(attribute.type) && /^[A-Za-z0-9 '()+,\-./:=?]*$/.test(attribute.value);
      const ia5 = IA5_TYPES.has(attribute.type) && /^[\x00-\x7f]*$/.test(attribute.value);
      const tag = printable ? Tag.printableString : ia5 ? Tag.ia5String : Tag.utf8String;
      const value = encodeTlv(tag, new TextEncoder().encode(attribute.value));
      return encodeTlv(Tag.sequence, concatBytes([encodeOid(attribute.type), value]));
    });
    // SET OF elements in ascending encoding order (X.690 §11.6).
    attributes.sort(compareBytes);
    return encodeTlv(Tag.set, concatBytes(attributes));
  });
  return encodeTlv(Tag.sequence, concatBytes(rdns));
}
