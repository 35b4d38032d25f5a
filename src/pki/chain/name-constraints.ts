import { contentOf, readChildren, readTlv, type Tlv } from "../der.js";
import { parseIp } from "../names.js";

/**
 * Name constraints (RFC 5280 §4.2.1.10, applied as §6.1.3 (b)–(c)) for the two name forms
 * the otherName convention puts in certificates: dNSName and iPAddress. Other forms in a
 * constraint (rfc822Name, URI, directoryName…) are not applied here.
 */
export const NAME_CONSTRAINTS_OID = "2.5.29.30";

export interface NameConstraints {
  readonly permittedDns: readonly string[];
  readonly excludedDns: readonly string[];
  readonly permittedIp: readonly IpRange[];
  readonly excludedIp: readonly IpRange[];
}

export interface IpRange {
  readonly address: Uint8Array;
  readonly mask: Uint8Array;
  /** e.g. "10.0.0.0/8", for messages. */
  readonly text: string;
}

const GENERAL_NAME_DNS = 0x82; // [2] IMPLICIT IA5String
const GENERAL_NAME_IP = 0x87; // [7] IMPLICIT OCTET STRING (address then mask)
const PERMITTED = 0xa0; // [0] IMPLICIT GeneralSubtrees
const EXCLUDED = 0xa1; // [1] IMPLICIT GeneralSubtrees

/** Parses the extension value; throws (DER_MALFORMED) for malformed DER. */
export function parseNameConstraints(value: Uint8Array): NameConstraints {
  const outer = readTlv(value, 0);
  const permittedDns: string[] = [];
  const excludedDns: string[] = [];
  const permittedIp: IpRange[] = [];
  const excludedIp: IpRange[] = [];
  for (const part of readChildren(value, outer)) {
    if (part.tag !== PERMITTED && part.tag !== EXCLUDED) continue;
    const dns = part.tag === PERMITTED ? permittedDns : excludedDns;
    const ip = part.tag === PERMITTED ? permittedIp : excludedIp;
    for (const subtree of readChildren(value, part)) {
      const base: Tlv | undefined = readChildren(value, subtree)[0];
      if (!base) continue;
      const content = contentOf(value, base);
      if (base.tag === GENERAL_NAME_DNS) dns.push(Buffer.from(content).toString("latin1"));
      if (base.tag === GENERAL_NAME_IP && (content.length === 8 || content.length === 32)) {
        const half = content.length / 2;
        const address = content.slice(0, half);
        const mask = content.slice(half);
        ip.push({ address, mask, text: `${formatAddress(address)}/${prefixLength(mask)}` });
      }
    }
  }
  return { permittedDns, excludedDns, permittedIp, excludedIp };
}

export type NameViolation = { readonly name: string; readonly kind: "DNS" | "IP"; readonly reason: string };

/** The names among `dns`/`ip` that the constraints forbid; empty when all are allowed. */
export function nameConstraintViolations(
  constraints: NameConstraints,
  names: { readonly dns: readonly string[]; readonly ip: readonly string[] },
): NameViolation[] {
  const violations: NameViolation[] = [];
  for (const name of names.dns) {
    const excluded = constraints.excludedDns.find((base) => dnsWithin(name, base));
    if (excluded !== undefined) {
      violations.push({ name, kind: "DNS", reason: `is within the excluded subtree ${show(excluded)}` });
    } else if (constraints.permittedDns.length > 0 && !constraints.permittedDns.some((base) => dnsWithin(name, base))) {
      violations.push({ name, kind: "DNS", reason: `is outside the permitted subtrees ${constraints.permittedDns.map(show).join(", ")}` });
    }
  }
  for (const text of names.ip) {
    let address: Uint8Array;
    try {
      address = parseIp(text);
    } catch {
      continue;
    }
    const excluded = constraints.excludedIp.find((range) => ipWithin(address, range));
    if (excluded) {
      violations.push({ name: text, kind: "IP", reason: `is within the excluded range ${excluded.text}` });
      continue;
    }
    // Only ranges of the same family constrain an address (§4.2.1.10: IPv4 vs IPv6 subtrees).
    const sameFamily = constraints.permittedIp.filter((range) => range.address.length === address.length);
    if (sameFamily.length > 0 && !sameFamily.some((range) => ipWithin(address, range))) {
      violations.push({ name: text, kind: "IP", reason: `is outside the permitted ranges ${sameFamily.map((r) => r.text).join(", ")}` });
    }
  }
  return violations;
}

/**
 * §4.2.1.10: a dNSName constraint "example.com" allows example.com and any name made by adding
 * labels on the left; ".example.com" (OpenSSL, Java) allows only names below it. Case-insensitive.
 */
export function dnsWithin(name: string, base: string): boolean {
  const n = name.toLowerCase().replace(/\.$/, "");
  const b = base.toLowerCase().replace(/\.$/, "");
  if (b === "") return true;
  if (b.startsWith(".")) return n.endsWith(b) && n.length > b.length;
  return n === b || n.endsWith(`.${b}`);
}

function ipWithin(address: Uint8Array, range: IpRange): boolean {
  if (address.length !== range.address.length) return false;
  for (let i = 0; i < address.length; i++) {
    const mask = range.mask[i] as number;
    if (((address[i] as number) & mask) !== ((range.address[i] as number) & mask)) return false;
  }
  return true;
}

function show(base: string): string {
  return base === "" ? '"" (every name)' : base;
}

function formatAddress(bytes: Uint8Array): string {
  if (bytes.length === 4) return Array.from(bytes).join(".");
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((((bytes[i] as number) << 8) | (bytes[i + 1] as number)).toString(16));
  return groups.join(":");
}

function prefixLength(mask: Uint8Array): number {
  let bits = 0;
  for (const byte of mask) for (let bit = 7; bit >= 0; bit--) if (byte & (1 << bit)) bits++;
  return bits;
}
