import { OthernameError } from "../errors.js";
import { decodeJavaUtf16be, decodeJavaUtf8 } from "./java-charsets.js";
import { Tag, concatBytes, contentOf, decodeOid, encodeOid, encodeTlv, readChildren, readTlv, toHex, type Tlv } from "./der.js";

/**
 * SubjectAltName reading and writing with Elasticsearch's semantics (DESIGN.md, "Names a
 * certificate carries"). Elasticsearch reads only the leaf's SAN; the subject CN is never used.
 */
export interface SubjectAltNames {
  /** otherName entries with type-id 2.5.4.3, decoded exactly as Elasticsearch decodes them. */
  readonly otherNameCommonName: readonly string[];
  readonly dns: readonly string[];
  readonly ip: readonly string[];
  /** Every otherName type-id seen (including 2.5.4.3), for explanations. */
  readonly otherNameOids: readonly string[];
  /** Set when the JDK could not parse a non-critical SAN: it then reports no names at all. */
  readonly unreadable?: string;
}

export const COMMON_NAME_OID = "2.5.4.3";
export const SUBJECT_ALT_NAME_OID = "2.5.29.17";

const GENERAL_NAME_OTHER = 0xa0; // [0] IMPLICIT OtherName (constructed)
const GENERAL_NAME_DNS = 0x82; // [2] IMPLICIT IA5String
const GENERAL_NAME_IP = 0x87; // [7] IMPLICIT OCTET STRING

/** ASN.1 string types Elasticsearch accepts in the otherName value, and how each is decoded. */
const LATIN1_STRING_TAGS: ReadonlySet<number> = new Set([
  Tag.numericString,
  Tag.printableString,
  Tag.videotexString,
  Tag.ia5String,
  Tag.graphicString,
  Tag.visibleString,
  Tag.generalString,
]);

export interface ReadSubjectAltNamesOptions {
  /** The extension's critical flag: the JDK refuses a certificate whose critical SAN it cannot parse. */
  readonly critical?: boolean;
}

/**
 * Reads a SubjectAltName extension value (GeneralNames, RFC 5280 §4.2.1.6) with Elasticsearch's
 * semantics for otherName common names, plus DNS names and IP addresses: as Elasticsearch sees it
 * through the JDK 17 `X509Certificate.getSubjectAlternativeNames()`. When the JDK cannot parse the
 * GeneralNames (see `jdkGeneralNameProblem`), a non-critical extension is set aside and gives no names
 * at all (`unreadable` says why); a critical one makes the JDK refuse the certificate, so this throws.
 *
 * @param extensionValue - The extension's value (the OCTET STRING contents).
 * @param options - `critical`: the extension's critical flag (default false).
 * @returns The names by kind.
 * @throws OthernameError SAN_MALFORMED when the extension is critical and the JDK cannot parse it.
 * @example
 * ```ts
 * const value = encodeSubjectAltName({ otherNameCommonName: ["n1.node.c1.cluster.s1.account"], dns: ["n1.local"] });
 * readSubjectAltNames(value!).otherNameCommonName; // ["n1.node.c1.cluster.s1.account"]
 * ```
 */
export function readSubjectAltNames(extensionValue: Uint8Array, options: ReadSubjectAltNamesOptions = {}): SubjectAltNames {
  let entries: Tlv[];
  let problem: string | undefined;
  try {
    const outer = readTlv(extensionValue, 0);
    if (outer.tag !== Tag.sequence || outer.end !== extensionValue.length) throw sanError("the extension is not a SEQUENCE of GeneralName");
    entries = readChildren(extensionValue, outer);
    problem = entries.length === 0 ? "the SEQUENCE of GeneralName is empty" : undefined;
    for (const name of entries) problem ??= jdkGeneralNameProblem(extensionValue, name);
  } catch (error) {
    if (!(error instanceof OthernameError)) throw error;
    entries = [];
    problem = error.message.replace(/^invalid subjectAltName extension: /, "");
  }
  if (problem !== undefined) {
    if (options.critical) throw sanError(`${problem} (the JDK refuses a certificate whose critical subjectAltName it cannot parse)`);
    // JDK 17 keeps an unparseable non-critical extension aside: getSubjectAlternativeNames() is null.
    return { otherNameCommonName: [], dns: [], ip: [], otherNameOids: [], unreadable: problem };
  }
  const otherNameCommonName: string[] = [];
  const dns: string[] = [];
  const ip: string[] = [];
  const otherNameOids: string[] = [];
  for (const name of entries) {
    switch (name.tag) {
      case GENERAL_NAME_OTHER: {
        const parsed = readOtherName(extensionValue, name);
        otherNameOids.push(parsed.oid);
        if (parsed.oid === COMMON_NAME_OID && parsed.value !== undefined) otherNameCommonName.push(parsed.value);
        break;
      }
      case GENERAL_NAME_DNS:
        // The JDK reads IA5String as US-ASCII: each byte above 0x7F becomes U+FFFD; no syntax check.
        dns.push(decodeAscii(contentOf(extensionValue, name)));
        break;
      case GENERAL_NAME_IP: {
        const text = formatIp(contentOf(extensionValue, name));
        if (text !== undefined) ip.push(text);
        break;
      }
      default:
        // rfc822Name, URI, directoryName, registeredID…: never used for trust.
        break;
    }
  }
  return { otherNameCommonName, dns, ip, otherNameOids };
}

/**
 * Why the JDK 17 GeneralName parser (sun.security.x509.GeneralName and the name classes) refuses
 * this entry, or undefined when it reads it. Checked against the JDK by test/jdk/differential.test.ts.
 */
function jdkGeneralNameProblem(bytes: Uint8Array, name: Tlv): string | undefined {
  const number = name.tag & 0x1f;
  const form = (constructed: boolean) =>
    (name.tag & 0xc0) === 0x80 && name.constructed === constructed ? undefined : `GeneralName [${number}] has the wrong class or form`;
  const content = contentOf(bytes, name);
  switch (number) {
    case 0: {
      const bad = form(true);
      if (bad) return bad;
      const parts = readChildren(bytes, name);
      if (parts[0]?.tag !== Tag.oid || !validOid(contentOf(bytes, parts[0]))) return "an otherName has no valid type-id";
      return parts[1] ? undefined : "an otherName has no value";
    }
    case 1: {
      // RFC822Name: not empty, and not ending in "@" or being just "." after it.
      const bad = form(false);
      if (bad) return bad;
      const text = decodeAscii(content);
      const domain = text.slice(text.indexOf("@") + 1);
      return text === "" || domain === "" || domain === "." ? "an rfc822Name is empty or has no domain" : undefined;
    }
    case 2:
      return form(false);
    case 3:
    case 5:
      return form(true);
    case 4: {
      const bad = form(true);
      if (bad) return bad;
      const inner = readChildren(bytes, name);
      return inner.length === 1 && inner[0]?.tag === Tag.sequence && validName(bytes, inner[0]) ? undefined : "a directoryName is not a Name";
    }
    case 6: {
      const bad = form(false);
      if (bad) return bad;
      // java.net.URI syntax with a scheme (sun.security.x509.URIName).
      return /^[A-Za-z][A-Za-z0-9+.-]*:[!#-;=?-[\]_a-z~]+$/.test(decodeAscii(content)) ? undefined : "a URI has no scheme or is not a URI";
    }
    case 7:
      // 4 or 16 octets an address, 8 or 32 an address and mask; 32 makes getSubjectAlternativeNames() throw.
      return form(false) ?? ([4, 8, 16].includes(content.length) ? undefined : `an iPAddress has ${content.length} octets`);
    case 8:
      return form(false) ?? (validOid(content) ? undefined : "a registeredID is not an OID");
    default:
      return `GeneralName tag [${number}] is not defined`;
  }
}

function validOid(content: Uint8Array): boolean {
  return content.length > 0 && ((content[content.length - 1] as number) & 0x80) === 0;
}

/** A Name: SEQUENCE OF SET OF SEQUENCE { OID, value } (RFC 5280 §4.1.2.4). */
function validName(bytes: Uint8Array, name: Tlv): boolean {
  for (const rdn of readChildren(bytes, name)) {
    if (rdn.tag !== Tag.set) return false;
    const attributes = readChildren(bytes, rdn);
    if (attributes.length === 0) return false;
    for (const attribute of attributes) {
      if (attribute.tag !== Tag.sequence) return false;
      const [type, value] = readChildren(bytes, attribute);
      if (type?.tag !== Tag.oid || value === undefined) return false;
    }
  }
  return true;
}

function decodeAscii(bytes: Uint8Array): string {
  let text = "";
  for (const byte of bytes) text += byte < 0x80 ? String.fromCharCode(byte) : "\ufffd";
  return text;
}

/**
 * The otherName value Elasticsearch reads. The JDK re-encodes the entry with one more [0] around the
 * certificate's value field, and Elasticsearch descends once into a constructed value: together, on
 * the certificate's bytes, the value field ([0] EXPLICIT, but the JDK does not check its tag) is
 * opened once when constructed and the string type found there is decoded. A value wrapped twice in
 * the certificate (`[0]{[0]{UTF8String}}`) therefore gives no name.
 */
function readOtherName(bytes: Uint8Array, name: Tlv): { oid: string; value: string | undefined } {
  const parts = readChildren(bytes, name);
  const typeId = parts[0];
  if (!typeId || typeId.tag !== Tag.oid) throw sanError("an otherName has no type-id");
  const oid = decodeOid(contentOf(bytes, typeId));
  let value = parts[1];
  if (value?.constructed) value = readChildren(bytes, value)[0];
  if (!value) return { oid, value: undefined };
  return { oid, value: decodeOtherNameValue(value.tag, contentOf(bytes, value)) };
}

/** The string Elasticsearch extracts from an otherName value, or undefined when it skips the entry. */
export function decodeOtherNameValue(tag: number, content: Uint8Array): string | undefined {
  // Java's UTF-8 and UTF-16BE decoders, with their U+FFFD replacement rules.
  if (tag === Tag.utf8String) return decodeJavaUtf8(content);
  if (tag === Tag.bmpString) return decodeJavaUtf16be(content);
  if (LATIN1_STRING_TAGS.has(tag)) return Buffer.from(content).toString("latin1");
  if (tag === Tag.octetString) return toHex(content);
  // UniversalString, T61String and anything else: ignored, never fatal.
  return undefined;
}

function formatIp(octets: Uint8Array): string | undefined {
  if (octets.length === 4) return Array.from(octets).join(".");
  if (octets.length !== 16) return undefined;
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((octets[i] as number) << 8) | (octets[i + 1] as number));
  // RFC 5952 §4.2: compress the longest run (length ≥ 2) of zero groups, the first on a tie.
  let bestStart = -1;
  let bestLength = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength && j - i >= 2) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((group) => group.toString(16));
  if (bestStart === -1) return hex.join(":");
  return `${hex.slice(0, bestStart).join(":")}::${hex.slice(bestStart + bestLength).join(":")}`;
}

function sanError(reason: string): OthernameError {
  return new OthernameError("SAN_MALFORMED", `invalid subjectAltName extension: ${reason}`, {
    hint: "The certificate's SAN extension is not valid DER; re-issue the certificate.",
  });
}

export interface SubjectAltNameInput {
  readonly otherNameCommonName?: readonly string[];
  readonly dns?: readonly string[];
  readonly ip?: readonly string[];
}

/**
 * The SubjectAltName extension value as elasticsearch-certutil writes it: each `cn` becomes
 * `otherName [0] { type-id 2.5.4.3, value [0] EXPLICIT UTF8String }`, DNS names IA5String [2],
 * IPs 4 or 16 octets [7].
 *
 * @param names - otherName common names, DNS names and IP addresses.
 * @returns The DER extension value, or undefined when there is no name (the extension is then omitted).
 * @throws OthernameError DNS_NOT_ASCII or IP_INVALID.
 * @example
 * ```ts
 * const value = encodeSubjectAltName({ otherNameCommonName: ["n1.node.c1.cluster.s1.account"], dns: ["n1.local"], ip: ["10.0.0.1"] });
 * ```
 */
export function encodeSubjectAltName(names: SubjectAltNameInput): Uint8Array | undefined {
  const entries: Uint8Array[] = [];
  for (const address of names.ip ?? []) entries.push(encodeTlv(GENERAL_NAME_IP, parseIp(address)));
  for (const dns of names.dns ?? []) {
    if (!/^[\x00-\x7f]*$/.test(dns)) {
      throw new OthernameError("DNS_NOT_ASCII", `invalid DNS name ${JSON.stringify(dns)}: DNS names in certificates must be ASCII`, {
        hint: "Use the punycode (xn--) form of internationalized names.",
      });
    }
    entries.push(encodeTlv(GENERAL_NAME_DNS, Buffer.from(dns, "latin1")));
  }
  for (const name of names.otherNameCommonName ?? []) entries.push(encodeOtherNameCommonName(name));
  if (entries.length === 0) return undefined;
  return encodeTlv(Tag.sequence, concatBytes(entries));
}

/** One GeneralName: `otherName: commonName::<name>` as openssl shows it. */
export function encodeOtherNameCommonName(name: string): Uint8Array {
  const value = encodeTlv(0xa0, encodeTlv(Tag.utf8String, new TextEncoder().encode(name)));
  return encodeTlv(GENERAL_NAME_OTHER, concatBytes([encodeOid(COMMON_NAME_OID), value]));
}

/** IPv4 dotted quad or IPv6 text → octets; throws for anything else. */
export function parseIp(address: string): Uint8Array {
  const v4 = parseIpv4(address);
  if (v4) return v4;
  const v6 = parseIpv6(address);
  if (v6) return v6;
  throw new OthernameError("IP_INVALID", `invalid IP address ${JSON.stringify(address)}`, {
    hint: "Give an IPv4 address like 10.0.0.1 or an IPv6 address like fd00::1.",
  });
}

function parseIpv4(text: string): Uint8Array | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  const octets = parts.map((part) => (/^(0|[1-9]\d{0,2})$/.test(part) ? Number(part) : NaN));
  if (octets.some((octet) => !(octet >= 0 && octet <= 255))) return undefined;
  return Uint8Array.from(octets);
}

function parseIpv6(text: string): Uint8Array | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(text) || text.split("::").length > 2) return undefined;
  const [head = "", tail] = text.split("::");
  const headGroups = head === "" ? [] : head.split(":");
  const tailGroups = tail === undefined || tail === "" ? [] : tail.split(":");
  const groups: number[] = [];
  const expand = (list: string[], allowV4: boolean): boolean => {
    for (let i = 0; i < list.length; i++) {
      const group = list[i] as string;
      if (allowV4 && i === list.length - 1 && group.includes(".")) {
        const v4 = parseIpv4(group);
        if (!v4) return false;
        groups.push(((v4[0] as number) << 8) | (v4[1] as number), ((v4[2] as number) << 8) | (v4[3] as number));
      } else if (/^[0-9a-fA-F]{1,4}$/.test(group)) {
        groups.push(parseInt(group, 16));
      } else {
        return false;
      }
    }
    return true;
  };
  if (!expand(headGroups, tail === undefined)) return undefined;
  const headCount = groups.length;
  if (tail !== undefined) {
    if (!expand(tailGroups, true)) return undefined;
    const tailValues = groups.splice(headCount);
    if (headCount + tailValues.length > 7) return undefined;
    groups.push(...new Array<number>(8 - headCount - tailValues.length).fill(0), ...tailValues);
  }
  if (groups.length !== 8) return undefined;
  const out = new Uint8Array(16);
  groups.forEach((group, i) => {
    out[i * 2] = group >> 8;
    out[i * 2 + 1] = group & 0xff;
  });
  return out;
}
