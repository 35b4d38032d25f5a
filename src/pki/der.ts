import { OthernameError } from "../errors.js";

/**
 * A minimal DER reader and writer for the few places where exact bytes matter
 * (the signed TBSCertificate, raw Names, SubjectAltName entries). X.690 §8.1.
 */
export interface Tlv {
  /** The identifier octet (single-byte tags only: all X.509 structures use them). */
  readonly tag: number;
  readonly constructed: boolean;
  /** Offset of the identifier octet. */
  readonly start: number;
  /** Offset of the first content octet. */
  readonly contentStart: number;
  /** Offset just past the last content octet. */
  readonly end: number;
}

export const Tag = {
  boolean: 0x01,
  integer: 0x02,
  bitString: 0x03,
  octetString: 0x04,
  null: 0x05,
  oid: 0x06,
  utf8String: 0x0c,
  numericString: 0x12,
  printableString: 0x13,
  t61String: 0x14,
  videotexString: 0x15,
  ia5String: 0x16,
  utcTime: 0x17,
  generalizedTime: 0x18,
  graphicString: 0x19,
  visibleString: 0x1a,
  generalString: 0x1b,
  universalString: 0x1c,
  bmpString: 0x1e,
  sequence: 0x30,
  set: 0x31,
} as const;

function malformed(reason: string): OthernameError {
  return new OthernameError("DER_MALFORMED", `malformed DER: ${reason}`, {
    hint: "The file is truncated or is not the kind of data expected.",
  });
}

/** Reads the TLV at `offset`, checking that it lies within `limit` (X.690 §8.1.2–8.1.3). */
export function readTlv(bytes: Uint8Array, offset: number, limit = bytes.length): Tlv {
  if (offset >= limit) throw malformed(`expected a value at offset ${offset}, found the end of the data`);
  const tag = bytes[offset] as number;
  if ((tag & 0x1f) === 0x1f) throw malformed(`multi-byte tag at offset ${offset} is not supported`);
  if (offset + 1 >= limit) throw malformed(`length missing at offset ${offset + 1}`);
  const first = bytes[offset + 1] as number;
  let length: number;
  let contentStart: number;
  if (first < 0x80) {
    length = first;
    contentStart = offset + 2;
  } else {
    const count = first & 0x7f;
    if (count === 0) throw malformed(`indefinite length at offset ${offset + 1} is not DER`);
    if (count > 4) throw malformed(`length of ${count} octets at offset ${offset + 1} is too large`);
    if (offset + 2 + count > limit) throw malformed(`length at offset ${offset + 1} runs past the end`);
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + (bytes[offset + 2 + i] as number);
    contentStart = offset + 2 + count;
  }
  const end = contentStart + length;
  if (end > limit) throw malformed(`value at offset ${offset} claims ${length} octets but only ${limit - contentStart} remain`);
  return { tag, constructed: (tag & 0x20) !== 0, start: offset, contentStart, end };
}

/** The TLVs directly inside a constructed value. */
export function readChildren(bytes: Uint8Array, parent: Tlv): Tlv[] {
  const children: Tlv[] = [];
  let offset = parent.contentStart;
  while (offset < parent.end) {
    const child = readTlv(bytes, offset, parent.end);
    children.push(child);
    offset = child.end;
  }
  return children;
}

export function contentOf(bytes: Uint8Array, tlv: Tlv): Uint8Array {
  return bytes.subarray(tlv.contentStart, tlv.end);
}

export function wholeOf(bytes: Uint8Array, tlv: Tlv): Uint8Array {
  return bytes.subarray(tlv.start, tlv.end);
}

/** Encodes one TLV with a definite, minimal length (DER). */
export function encodeTlv(tag: number, content: Uint8Array): Uint8Array {
  const length = content.length;
  let header: number[];
  if (length < 0x80) {
    header = [tag, length];
  } else {
    const lengthBytes: number[] = [];
    for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) lengthBytes.unshift(rest & 0xff);
    header = [tag, 0x80 | lengthBytes.length, ...lengthBytes];
  }
  const out = new Uint8Array(header.length + length);
  out.set(header, 0);
  out.set(content, header.length);
  return out;
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const total = parts.reduce((sum, part) => sum + part.length, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Orders byte strings as DER orders the elements of a SET OF (X.690 §11.6). */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return (a[i] as number) - (b[i] as number);
  return a.length - b.length;
}

/** OID content octets → dotted text (X.690 §8.19). */
export function decodeOid(content: Uint8Array): string {
  if (content.length === 0) throw malformed("empty object identifier");
  const arcs: number[] = [];
  let value = 0;
  for (let i = 0; i < content.length; i++) {
    const byte = content[i] as number;
    value = value * 128 + (byte & 0x7f);
    if (value > Number.MAX_SAFE_INTEGER / 128) throw malformed("object identifier arc too large");
    if ((byte & 0x80) === 0) {
      arcs.push(value);
      value = 0;
    } else if (i === content.length - 1) {
      throw malformed("object identifier ends inside an arc");
    }
  }
  const first = arcs[0] as number;
  const head = first < 80 ? [Math.floor(first / 40), first % 40] : [2, first - 80];
  return [...head, ...arcs.slice(1)].join(".");
}

/** Dotted text → full OID TLV. */
export function encodeOid(oid: string): Uint8Array {
  const arcs = oid.split(".").map((arc) => Number(arc));
  if (arcs.length < 2 || arcs.some((arc) => !Number.isSafeInteger(arc) || arc < 0)) {
    throw new OthernameError("OID_INVALID", `invalid object identifier ${oid}`, { kind: "internal" });
  }
  const values = [(arcs[0] as number) * 40 + (arcs[1] as number), ...arcs.slice(2)];
  const bytes: number[] = [];
  for (const value of values) {
    const chunk: number[] = [value & 0x7f];
    for (let rest = Math.floor(value / 128); rest > 0; rest = Math.floor(rest / 128)) chunk.unshift((rest & 0x7f) | 0x80);
    bytes.push(...chunk);
  }
  return encodeTlv(Tag.oid, Uint8Array.from(bytes));
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex");
}
