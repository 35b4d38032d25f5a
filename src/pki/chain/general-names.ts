import { Tag, contentOf, decodeOid, readChildren, readTlv, wholeOf, type Tlv } from "../der.js";

/**
 * GeneralName (RFC 5280 §4.2.1.6) in every form, as path validation needs them for name
 * constraints: the SAN of each certificate and the bases of each NameConstraints subtree.
 * (src/pki/names.ts reads the few forms Elasticsearch's trust decision uses, its own way.)
 */
export type GeneralName =
  | { readonly kind: "otherName"; readonly oid: string }
  | { readonly kind: "rfc822"; readonly value: string }
  | { readonly kind: "dns"; readonly value: string }
  | { readonly kind: "x400" }
  | { readonly kind: "directory"; readonly der: Uint8Array }
  | { readonly kind: "edi" }
  | { readonly kind: "uri"; readonly value: string }
  /** 4 or 16 octets in a SAN; address then mask (8 or 32 octets) in a constraint. */
  | { readonly kind: "ip"; readonly bytes: Uint8Array }
  | { readonly kind: "rid"; readonly oid: string };

export type GeneralNameKind = GeneralName["kind"];

/** Reads one GeneralName; undefined for a tag outside the CHOICE. Throws DER_MALFORMED. */
export function readGeneralName(bytes: Uint8Array, tlv: Tlv): GeneralName | undefined {
  const text = () => Buffer.from(contentOf(bytes, tlv)).toString("latin1");
  switch (tlv.tag) {
    case 0xa0: {
      const typeId = readChildren(bytes, tlv)[0];
      return { kind: "otherName", oid: typeId?.tag === Tag.oid ? decodeOid(contentOf(bytes, typeId)) : "" };
    }
    case 0x81:
      return { kind: "rfc822", value: text() };
    case 0x82:
      return { kind: "dns", value: text() };
    case 0xa3:
      return { kind: "x400" };
    case 0xa4: {
      // [4] EXPLICIT Name
      const name = readChildren(bytes, tlv)[0];
      if (!name || name.tag !== Tag.sequence) return undefined;
      return { kind: "directory", der: wholeOf(bytes, name) };
    }
    case 0xa5:
      return { kind: "edi" };
    case 0x86:
      return { kind: "uri", value: text() };
    case 0x87:
      return { kind: "ip", bytes: contentOf(bytes, tlv) };
    case 0x88:
      return { kind: "rid", oid: decodeOid(contentOf(bytes, tlv)) };
    default:
      return undefined;
  }
}

/** The SubjectAltName extension value as GeneralNames (unknown entries skipped). */
export function readGeneralNames(value: Uint8Array): GeneralName[] {
  const outer = readTlv(value, 0);
  const names: GeneralName[] = [];
  for (const tlv of readChildren(value, outer)) {
    const name = readGeneralName(value, tlv);
    if (name) names.push(name);
  }
  return names;
}
