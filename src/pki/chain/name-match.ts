import { Tag, contentOf, readChildren, readTlv, toHex } from "../der.js";

/**
 * Name comparison for issuer candidates. The exact DER comparison comes first (it is what
 * almost every CA produces); this is the fallback of RFC 5280 §7.1: attribute values compared
 * after case folding and whitespace compression, so that a PrintableString `O=Example` matches
 * a UTF8String `O=example` as OpenSSL's canonical encoding (x509_name_canon) also does.
 */

const DIRECTORY_STRING_TAGS: ReadonlySet<number> = new Set([
  Tag.utf8String,
  Tag.printableString,
  Tag.t61String,
  Tag.ia5String,
  Tag.visibleString,
  Tag.numericString,
  Tag.bmpString,
  Tag.universalString,
]);

/** A string equal for names that compare equal under §7.1; undefined for a malformed Name. */
export function normalizedNameKey(nameDer: Uint8Array): string | undefined {
  return normalizedRdnKeys(nameDer)?.join(",");
}

/** One key per RDN (DER order), equal for RDNs that compare equal under §7.1; undefined when malformed. */
export function normalizedRdnKeys(nameDer: Uint8Array): string[] | undefined {
  try {
    const outer = readTlv(nameDer, 0);
    if (outer.tag !== Tag.sequence) return undefined;
    const rdns: string[] = [];
    for (const rdn of readChildren(nameDer, outer)) {
      if (rdn.tag !== Tag.set) return undefined;
      const attributes: string[] = [];
      for (const attribute of readChildren(nameDer, rdn)) {
        const [type, value] = readChildren(nameDer, attribute);
        if (!type || !value || type.tag !== Tag.oid) return undefined;
        const typeHex = toHex(contentOf(nameDer, type));
        const valueKey = DIRECTORY_STRING_TAGS.has(value.tag)
          ? `s:${foldString(decodeString(value.tag, contentOf(nameDer, value)))}`
          : `x:${value.tag}:${toHex(contentOf(nameDer, value))}`;
        attributes.push(`${typeHex}=${JSON.stringify(valueKey)}`);
      }
      // A multi-valued RDN is a SET: its order carries no meaning.
      rdns.push(attributes.sort().join("+"));
    }
    return rdns;
  } catch {
    return undefined;
  }
}

function decodeString(tag: number, content: Uint8Array): string {
  const buffer = Buffer.from(content.buffer, content.byteOffset, content.byteLength);
  if (tag === Tag.utf8String) return buffer.toString("utf8");
  if (tag === Tag.bmpString) return content.length % 2 === 0 ? Buffer.from(buffer).swap16().toString("utf16le") : buffer.toString("latin1");
  if (tag === Tag.universalString) {
    let text = "";
    for (let i = 0; i + 3 < content.length; i += 4) text += String.fromCodePoint(buffer.readUInt32BE(i) % 0x110000);
    return text;
  }
  return buffer.toString("latin1");
}

function foldString(text: string): string {
  return text.trim().replace(/\s+/g, " ").toLowerCase();
}

