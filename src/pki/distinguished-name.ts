import { Tag, contentOf, decodeOid, readChildren, readTlv, toHex } from "./der.js";
import { decodeOtherNameValue } from "./names.js";

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
