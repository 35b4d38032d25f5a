import * as asn1js from "asn1js";
import { MAX_ASN1_DEPTH } from "./limits.js";
import { concatBytes } from "../der.js";
import { Malformed } from "./failures.js";

/**
 * Small, strict helpers over asn1js for the structures @peculiar/asn1-* has no class for
 * (PBES2/PBKDF2/PBE parameters, EncryptedData, PBMAC1). Every mismatch throws `Malformed`.
 */

/**
 * Walks the TLV headers of `bytes` without building objects: refuses nesting deeper than
 * `maxDepth`, lengths running past their parent, and trailing bytes. Runs before asn1js so a
 * hostile file cannot recurse it into a stack overflow. BER indefinite lengths are accepted.
 */
export function checkTlvStructure(bytes: Uint8Array, what: string, maxDepth = MAX_ASN1_DEPTH): void {
  const total = bytes.length;
  if (total === 0) throw new Malformed(`${what} is empty`);
  // Open constructed elements: their end offset (-1: indefinite length) and the furthest byte
  // their contents may reach (the nearest definite-length ancestor's end).
  const ends: number[] = [];
  const limits: number[] = [];
  let offset = 0;
  for (;;) {
    while (ends.length > 0 && ends[ends.length - 1] === offset) {
      ends.pop();
      limits.pop();
    }
    if (ends.length === 0 && offset > 0) {
      if (offset === total) return;
      throw new Malformed(`${what}: ${total - offset} unexpected bytes after the end`);
    }
    const indefinite = ends.length > 0 && ends[ends.length - 1] === -1;
    const limit = limits.length > 0 ? (limits[limits.length - 1] as number) : total;
    if (offset >= limit) throw new Malformed(`${what}: truncated or overlong element at byte ${offset}`);
    const first = bytes[offset] as number;
    if (first === 0 && indefinite) {
      // End-of-contents octets close the innermost indefinite-length element.
      if (offset + 1 >= limit || bytes[offset + 1] !== 0) throw new Malformed(`${what}: bad end-of-contents at byte ${offset}`);
      offset += 2;
      ends.pop();
      limits.pop();
      continue;
    }
    let p = offset + 1;
    if ((first & 0x1f) === 0x1f) {
      // High tag number form: base-128, at most 4 bytes accepted.
      let n = 0;
      while (p < limit && ((bytes[p] as number) & 0x80) !== 0) {
        if (++n > 4) throw new Malformed(`${what}: tag too long at byte ${offset}`);
        p++;
      }
      p++;
    }
    if (p >= limit) throw new Malformed(`${what}: truncated header at byte ${offset}`);
    const lengthByte = bytes[p++] as number;
    const constructed = (first & 0x20) !== 0;
    if (lengthByte === 0x80) {
      if (!constructed) throw new Malformed(`${what}: indefinite length on a primitive at byte ${offset}`);
      if (ends.length >= maxDepth) throw new Malformed(`${what}: nesting deeper than ${maxDepth}`);
      ends.push(-1);
      limits.push(limit);
      offset = p;
      continue;
    }
    let length = lengthByte;
    if (lengthByte > 0x80) {
      const count = lengthByte & 0x7f;
      if (count > 4) throw new Malformed(`${what}: absurd length at byte ${offset}`);
      if (p + count > limit) throw new Malformed(`${what}: truncated length at byte ${offset}`);
      length = 0;
      for (let i = 0; i < count; i++) length = length * 256 + (bytes[p++] as number);
    }
    const end = p + length;
    if (end > limit) throw new Malformed(`${what}: truncated (element at byte ${offset} needs ${length} bytes)`);
    if (constructed && length > 0) {
      if (ends.length >= maxDepth) throw new Malformed(`${what}: nesting deeper than ${maxDepth}`);
      ends.push(end);
      limits.push(end);
      offset = p;
    } else {
      offset = end;
    }
  }
}

/**
 * asn1js would otherwise try to decode every OCTET STRING's contents as nested ASN.1, parsing
 * each layer of a PFX again at every level above it; we open the layers we need ourselves.
 */
export const BER_OPTIONS = { parseEmbedded: false } as const;

/** Parses one complete BER element (after `checkTlvStructure`). */
export function parseAsn1(bytes: Uint8Array | ArrayBuffer, what: string): asn1js.AsnType {
  const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  checkTlvStructure(view, what);
  const result = asn1js.fromBER(view, BER_OPTIONS);
  if (result.offset === -1 || result.result.error) {
    throw new Malformed(`${what}: ${result.result.error || "invalid encoding"}`);
  }
  return result.result;
}

export function sequenceItems(node: asn1js.AsnType, what: string, min = 0, max = Infinity): asn1js.AsnType[] {
  if (!(node instanceof asn1js.Sequence)) throw new Malformed(`${what} is not a SEQUENCE`);
  const items = node.valueBlock.value;
  if (items.length < min || items.length > max) {
    throw new Malformed(`${what} has ${items.length} elements, expected ${min}${max === Infinity ? "+" : `–${max}`}`);
  }
  return items;
}

export function oidValue(node: asn1js.AsnType | undefined, what: string): string {
  if (!(node instanceof asn1js.ObjectIdentifier)) throw new Malformed(`${what} is not an OBJECT IDENTIFIER`);
  return node.valueBlock.toString();
}

/** An OCTET STRING's contents, joining the segments of a BER constructed encoding. */
export function octetsValue(node: asn1js.AsnType | undefined, what: string, depth = 0): Uint8Array {
  if (!(node instanceof asn1js.OctetString)) throw new Malformed(`${what} is not an OCTET STRING`);
  if (!node.idBlock.isConstructed) return new Uint8Array(node.valueBlock.valueHexView);
  if (depth > 8) throw new Malformed(`${what}: constructed OCTET STRING nested too deeply`);
  const parts = node.valueBlock.value.map((part) => octetsValue(part, what, depth + 1));
  return concatBytes(parts);
}

/** A non-negative INTEGER as a bigint (asn1js loses precision past 2^53). */
export function integerValue(node: asn1js.AsnType | undefined, what: string): bigint {
  if (!(node instanceof asn1js.Integer)) throw new Malformed(`${what} is not an INTEGER`);
  const bytes = node.valueBlock.valueHexView;
  if (bytes.length === 0) throw new Malformed(`${what}: empty INTEGER`);
  if (((bytes[0] as number) & 0x80) !== 0) throw new Malformed(`${what} is negative`);
  let value = 0n;
  for (const b of bytes) value = (value << 8n) | BigInt(b);
  return value;
}

/** Parses the DER of an AlgorithmIdentifier's parameters (null when absent or NULL). */
export function algorithmParameters(parameters: ArrayBuffer | null | undefined, what: string): asn1js.AsnType | null {
  if (parameters === null || parameters === undefined) return null;
  const node = parseAsn1(parameters, what);
  return node instanceof asn1js.Null ? null : node;
}

export function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  return copy.buffer;
}

/**
 * How many zero bytes follow the outer definite-length element of `bytes` (0 when none, or when
 * anything but zeros follows). OpenSSL (d2i) and the JDK (DerValue) stop reading at the end of
 * the PFX, and some Windows/.NET exports are padded with zeros; any other trailing byte is left
 * for `checkTlvStructure` to refuse.
 */
export function trailingZeroBytes(bytes: Uint8Array): number {
  if (bytes.length < 2) return 0;
  const lengthByte = bytes[1] as number;
  if (lengthByte === 0x80) return 0; // BER indefinite length: the end is only known after parsing
  let end: number;
  if (lengthByte < 0x80) {
    end = 2 + lengthByte;
  } else {
    const count = lengthByte & 0x7f;
    if (count > 4 || 2 + count > bytes.length) return 0;
    let length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + (bytes[2 + i] as number);
    end = 2 + count + length;
  }
  if (end >= bytes.length) return 0;
  for (let i = end; i < bytes.length; i++) if (bytes[i] !== 0) return 0;
  return bytes.length - end;
}
