import type { Certificate } from "../certificate.js";
import { Tag, contentOf, decodeOid, readChildren, readTlv } from "../der.js";
import { formatName } from "../distinguished-name.js";
import { decodeOtherNameValue } from "../names.js";
import { readGeneralName, readGeneralNames, type GeneralName } from "./general-names.js";
import { normalizedRdnKeys } from "./name-match.js";

/**
 * Name constraints (RFC 5280 §4.2.1.10, applied as §6.1.3 (b)–(c)) for every GeneralName form.
 * A name is checked against the subtrees of its own form: excluded first, then, when permitted
 * subtrees of its form exist, it must lie within one of them. The names of a certificate are its
 * subject DN (directoryName, when not empty), every subjectAltName entry, and, without a SAN
 * extension, the emailAddress attributes of its subject (rfc822Name).
 *
 * Forms that have no defined subtree semantics (otherName, x400Address, ediPartyName, and
 * registeredID other than an exact match) cannot be processed: a constraint of such a form over
 * a name of the same form rejects the certificate (RFC 5280: "process the constraint or reject";
 * the JDK throws UnsupportedOperationException, which fails validation).
 *
 * Two dialects where readings differ. "rfc5280" (plain `verify`): a leading-period dNSName
 * constraint means "names below it" (OpenSSL and limbo), an empty one means every name, and IPv4
 * ranges do not constrain IPv6 addresses nor the reverse. "jdk" (`--as`, as
 * sun.security.x509.NameConstraintsExtension in JDK 17): dNSName subtrees match on whole labels
 * only (a leading-period constraint matches no longer name, an empty one none), an address of the
 * other family is compared with the range's mask over its first octets, and the subject's last CN
 * counts as a dNSName (or iPAddress when it is an address literal) when the certificate has no
 * such SAN entry.
 */
export const NAME_CONSTRAINTS_OID = "2.5.29.30";
const SUBJECT_ALT_NAME_OID = "2.5.29.17";
const EMAIL_ADDRESS_OID = "1.2.840.113549.1.9.1";
const COMMON_NAME_OID = "2.5.4.3";

export type NameConstraintsDialect = "rfc5280" | "jdk";

export interface NameConstraints {
  readonly permitted: readonly GeneralName[];
  readonly excluded: readonly GeneralName[];
}

const PERMITTED = 0xa0; // [0] IMPLICIT GeneralSubtrees
const EXCLUDED = 0xa1; // [1] IMPLICIT GeneralSubtrees

/** Parses the extension value; throws (DER_MALFORMED) for malformed DER. */
export function parseNameConstraints(value: Uint8Array): NameConstraints {
  const outer = readTlv(value, 0);
  const permitted: GeneralName[] = [];
  const excluded: GeneralName[] = [];
  for (const part of readChildren(value, outer)) {
    if (part.tag !== PERMITTED && part.tag !== EXCLUDED) continue;
    const list = part.tag === PERMITTED ? permitted : excluded;
    for (const subtree of readChildren(value, part)) {
      const base = readChildren(value, subtree)[0];
      if (!base) continue;
      const name = readGeneralName(value, base);
      if (name) list.push(name);
    }
  }
  return { permitted, excluded };
}

export interface NameViolation {
  readonly name: string;
  readonly kind: string;
  readonly reason: string;
}

/** The names of `cert` that name constraints apply to (see the module comment). */
export function constrainedNames(cert: Certificate, dialect: NameConstraintsDialect): GeneralName[] {
  const names: GeneralName[] = [];
  const subject = subjectAttributes(cert.subjectDer);
  if (subject.length > 0) names.push({ kind: "directory", der: cert.subjectDer });
  const san = cert.extensions.find((e) => e.oid === SUBJECT_ALT_NAME_OID);
  if (san) {
    try {
      names.push(...readGeneralNames(san.value));
    } catch {
      // A SAN that cannot be read is reported by the certificate checks, not here.
    }
  } else {
    for (const attribute of subject) if (attribute.type === EMAIL_ADDRESS_OID && attribute.value !== undefined) names.push({ kind: "rfc822", value: attribute.value });
  }
  if (dialect === "jdk") {
    // NameConstraintsExtension.verify(X509Certificate): the most specific CN as a host name or address.
    const cn = [...subject].reverse().find((a) => a.type === COMMON_NAME_OID)?.value;
    if (cn !== undefined) {
      const address = ipLiteral(cn);
      if (address) {
        if (!names.some((n) => n.kind === "ip")) names.push({ kind: "ip", bytes: address });
      } else if (isJdkDnsName(cn) && !names.some((n) => n.kind === "dns")) {
        names.push({ kind: "dns", value: cn });
      }
    }
  }
  return names;
}

/** The names among `names` that the constraints forbid; empty when all are allowed. */
export function nameConstraintViolations(constraints: NameConstraints, names: readonly GeneralName[], dialect: NameConstraintsDialect): NameViolation[] {
  const violations: NameViolation[] = [];
  for (const name of names) {
    const violation = violationOf(constraints, name, dialect);
    if (violation) violations.push(violation);
  }
  return violations;
}

type Relation = "diff" | "match" | "within" | "wider" | "same";

function violationOf(constraints: NameConstraints, name: GeneralName, dialect: NameConstraintsDialect): NameViolation | undefined {
  const shown = { name: showName(name), kind: KIND_LABELS[name.kind] };
  for (const base of constraints.excluded) {
    const relation = relate(base, name, dialect);
    if (relation === "unsupported") return { ...shown, reason: `cannot be checked against the excluded ${KIND_LABELS[base.kind]} subtree ${showName(base)} (no subtree semantics for this form)` };
    if (relation === "match" || relation === "within") return { ...shown, reason: `is within the excluded subtree ${showName(base)}` };
    if (dialect === "rfc5280" && wildcardCoversExcluded(base, name)) return { ...shown, reason: `is a wildcard that matches ${showName(base)}, an excluded subtree` };
  }
  const sameForm: GeneralName[] = [];
  for (const base of constraints.permitted) {
    const relation = relate(base, name, dialect);
    if (relation === "unsupported") return { ...shown, reason: `cannot be checked against the permitted ${KIND_LABELS[base.kind]} subtree ${showName(base)} (no subtree semantics for this form)` };
    if (relation === "match" || relation === "within") return undefined;
    if (relation !== "diff") sameForm.push(base);
  }
  if (sameForm.length > 0) return { ...shown, reason: `is outside the permitted subtrees ${sameForm.map(showName).join(", ")}` };
  return undefined;
}

/** How `name` stands to the constraint `base` (the JDK's GeneralNameInterface.constrains). */
function relate(base: GeneralName, name: GeneralName, dialect: NameConstraintsDialect): Relation | "unsupported" {
  if (base.kind !== name.kind) {
    // RFC 5280 dialect: IPv4 and IPv6 ranges are separate forms.
    return "diff";
  }
  switch (base.kind) {
    case "dns":
      return dialect === "jdk" ? relateDnsJdk(base.value, (name as typeof base).value) : dnsWithin((name as typeof base).value, base.value) ? "within" : "same";
    case "rfc822":
      return relateEmail(base.value, (name as typeof base).value);
    case "uri":
      return relateUri(base.value, (name as typeof base).value);
    case "ip":
      return relateIp(base.bytes, (name as typeof base).bytes, dialect);
    case "directory":
      return relateDirectory(base.der, (name as typeof base).der);
    case "rid":
      return base.oid === (name as typeof base).oid ? "match" : "unsupported";
    case "otherName":
    case "x400":
    case "edi":
      return "unsupported";
  }
}

/**
 * RFC 5280 §4.2.1.10: a dNSName constraint "example.com" allows example.com and any name made by
 * adding labels on the left; ".example.com" (OpenSSL) allows only names below it. Case-insensitive.
 */
export function dnsWithin(name: string, base: string): boolean {
  const n = name.toLowerCase().replace(/\.$/, "");
  const b = base.toLowerCase().replace(/\.$/, "");
  if (b === "") return true;
  if (b.startsWith(".")) return n.endsWith(b) && n.length > b.length;
  return n === b || n.endsWith(`.${b}`);
}

/**
 * A wildcard dNSName ("*.example.com", the complete leftmost label, RFC 9525 §6.3) stands for every
 * name one label longer, so it is refused when one of those names is an excluded dNSName subtree
 * ("bar.example.com"), although the literal string is not within it. RFC 5280 alone does not say
 * how wildcards meet name constraints; this is x509-limbo's defensive reading (CVE-2025-61727).
 * Only the excluded side needs it: a wildcard lies within a permitted subtree literally exactly
 * when every name it matches does. The JDK (`--as`) compares the literal string and accepts.
 */
function wildcardCoversExcluded(base: GeneralName, name: GeneralName): boolean {
  if (base.kind !== "dns" || name.kind !== "dns") return false;
  const n = name.value.toLowerCase().replace(/\.$/, "");
  if (!n.startsWith("*.")) return false;
  const parent = n.slice(2);
  const b = base.value.toLowerCase().replace(/\.$/, "");
  if (b.startsWith(".") || !b.endsWith(`.${parent}`)) return false;
  const label = b.slice(0, b.length - parent.length - 1);
  return label.length > 0 && !label.includes(".");
}

/**
 * The JDK's DNSName.constrains: whole labels; a constraint with a leading period (".example.com")
 * also takes every name that ends with it (the JDK 17 differential: a.example.com is within it).
 */
function relateDnsJdk(base: string, name: string): Relation {
  const b = base.toLowerCase();
  const n = name.toLowerCase();
  if (b === n) return "match";
  if (n.endsWith(b)) return n.charAt(n.lastIndexOf(b) - 1) === "." || b.startsWith(".") ? "within" : "same";
  if (b.endsWith(n)) return b.charAt(b.lastIndexOf(n) - 1) === "." ? "wider" : "same";
  return "same";
}

/** rfc822Name: a mailbox matches exactly; a host all its mailboxes; ".domain" any host below it. */
function relateEmail(base: string, name: string): Relation {
  const b = base.toLowerCase();
  const n = name.toLowerCase();
  if (b === n) return "match";
  if (n.endsWith(b)) {
    if (b.includes("@")) return "same";
    if (b.startsWith(".")) return "within";
    return n.charAt(n.lastIndexOf(b) - 1) === "@" ? "within" : "same";
  }
  if (b.endsWith(n)) {
    if (n.includes("@")) return "same";
    if (n.startsWith(".")) return "wider";
    return b.charAt(b.lastIndexOf(n) - 1) === "@" ? "wider" : "same";
  }
  return "same";
}

/** URI: the constraint names a host (exact) or ".domain" (hosts below it); a URI without host fails. */
function relateUri(base: string, uri: string): Relation | "unsupported" {
  const host = uriHost(uri);
  if (host === undefined) return "unsupported";
  const b = base.toLowerCase();
  const h = host.toLowerCase();
  if (b === h) return "match";
  if (b.startsWith(".")) return h.endsWith(b) ? "within" : "same";
  return "same";
}

function uriHost(uri: string): string | undefined {
  const match = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/(?:[^@/?#]*@)?(\[[^\]]*\]|[^:/?#]*)/.exec(uri);
  const host = match?.[1];
  return host === undefined || host === "" ? undefined : host;
}

function relateIp(base: Uint8Array, address: Uint8Array, dialect: NameConstraintsDialect): Relation | "unsupported" {
  if (base.length !== 8 && base.length !== 32) return "same";
  const half = base.length / 2;
  if (address.length !== half) {
    // RFC 5280 dialect: another family is another form. The JDK masks the first octets of the
    // address with the range's mask, and fails outright when the address is too short.
    if (dialect === "rfc5280") return "diff";
    if (address.length < half) return "unsupported";
  }
  for (let i = 0; i < half; i++) {
    const mask = base[half + i] as number;
    if (((address[i] as number) & mask) !== ((base[i] as number) & mask)) return "same";
  }
  return "within";
}

function relateDirectory(base: Uint8Array, name: Uint8Array): Relation {
  const b = normalizedRdnKeys(base);
  const n = normalizedRdnKeys(name);
  if (!b || !n) return "same";
  if (b.length === n.length && b.every((rdn, i) => rdn === n[i])) return "match";
  if (n.length === 0) return "wider";
  if (b.length === 0) return "within";
  if (b.length < n.length && b.every((rdn, i) => rdn === n[i])) return "within";
  if (n.length < b.length && n.every((rdn, i) => rdn === b[i])) return "wider";
  return "same";
}

interface SubjectAttribute {
  readonly type: string;
  readonly value: string | undefined;
}

/** The subject's attributes in DER order (least specific first). */
function subjectAttributes(nameDer: Uint8Array): SubjectAttribute[] {
  const attributes: SubjectAttribute[] = [];
  try {
    const outer = readTlv(nameDer, 0);
    for (const rdn of readChildren(nameDer, outer)) {
      for (const attribute of readChildren(nameDer, rdn)) {
        const [type, value] = readChildren(nameDer, attribute);
        if (!type || type.tag !== Tag.oid || !value) continue;
        const text = value.tag === Tag.octetString ? undefined : decodeOtherNameValue(value.tag, contentOf(nameDer, value));
        attributes.push({ type: decodeOid(contentOf(nameDer, type)), value: text });
      }
    }
  } catch {
    return [];
  }
  return attributes;
}

/** IPv4 dotted quad or IPv6 literal (the JDK's IPAddressUtil literal forms, simplified). */
function ipLiteral(text: string): Uint8Array | undefined {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (v4) {
    const octets = v4.slice(1).map(Number);
    return octets.every((o) => o <= 255) ? new Uint8Array(octets) : undefined;
  }
  if (!text.includes(":") || !/^[0-9A-Fa-f:.]+$/.test(text)) return undefined;
  try {
    const url = new URL(`http://[${text}]/`);
    const groups = url.hostname.slice(1, -1);
    return expandIpv6(groups);
  } catch {
    return undefined;
  }
}

function expandIpv6(text: string): Uint8Array | undefined {
  const [head = "", tail] = text.split("::");
  const headGroups = head === "" ? [] : head.split(":");
  const tailGroups = tail === undefined || tail === "" ? [] : tail.split(":");
  const missing = 8 - headGroups.length - tailGroups.length;
  if (missing < 0 || (tail === undefined && missing !== 0)) return undefined;
  const groups = [...headGroups, ...Array<string>(missing).fill("0"), ...tailGroups];
  const bytes = new Uint8Array(16);
  groups.forEach((group, i) => {
    const value = parseInt(group, 16);
    bytes[2 * i] = value >> 8;
    bytes[2 * i + 1] = value & 0xff;
  });
  return bytes;
}

/** The JDK's DNSName(String) syntax: labels of letters, digits and hyphens, starting with a letter or digit. */
function isJdkDnsName(text: string): boolean {
  if (text === "" || text.includes(" ") || text.startsWith(".") || text.endsWith(".")) return false;
  return text.split(".").every((label) => /^[A-Za-z0-9][A-Za-z0-9-]*$/.test(label));
}

const KIND_LABELS: Readonly<Record<GeneralName["kind"], string>> = {
  otherName: "otherName",
  rfc822: "e-mail",
  dns: "DNS",
  x400: "x400Address",
  directory: "directory",
  edi: "ediPartyName",
  uri: "URI",
  ip: "IP",
  rid: "registeredID",
};

function showName(name: GeneralName): string {
  switch (name.kind) {
    case "dns":
      return name.value === "" ? '"" (every name)' : name.value;
    case "rfc822":
    case "uri":
      return name.value;
    case "ip":
      return formatIpName(name.bytes);
    case "directory":
      try {
        return `"${formatName(name.der)}"`;
      } catch {
        return "(unreadable name)";
      }
    case "otherName":
    case "rid":
      return name.oid;
    case "x400":
    case "edi":
      return `(${KIND_LABELS[name.kind]})`;
  }
}

function formatIpName(bytes: Uint8Array): string {
  if (bytes.length === 8 || bytes.length === 32) {
    const half = bytes.length / 2;
    return `${formatAddress(bytes.subarray(0, half))}/${prefixLength(bytes.subarray(half))}`;
  }
  return formatAddress(bytes);
}

function formatAddress(bytes: Uint8Array): string {
  if (bytes.length === 4) return Array.from(bytes).join(".");
  if (bytes.length !== 16) return `#${Buffer.from(bytes).toString("hex")}`;
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((((bytes[i] as number) << 8) | (bytes[i + 1] as number)).toString(16));
  return groups.join(":");
}

function prefixLength(mask: Uint8Array): number {
  let bits = 0;
  for (const byte of mask) for (let bit = 7; bit >= 0; bit--) if (byte & (1 << bit)) bits++;
  return bits;
}
