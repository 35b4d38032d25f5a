import type { Certificate } from "./certificate.js";
import { Tag, contentOf, decodeOid, readChildren, readTlv } from "./der.js";
import { COMMON_NAME_OID, decodeOtherNameValue, parseIp, type SubjectAltNames } from "./names.js";

const NAME_CONSTRAINTS_OID = "2.5.29.30";

/**
 * The leaf's SubjectAltNames as Elasticsearch reads them after the JDK's trust manager has validated
 * `path` (leaf first, trust anchor last). Elasticsearch asks the same certificate object for its
 * names after the check, and the JDK 17 name-constraints check (NameConstraintsExtension.verify)
 * adds the subject's most specific CN to that object's SAN when a certificate between the anchor
 * and the leaf carries name constraints: as a DNS name when the CN is a valid host name and the SAN
 * has no DNS name (as an IP address when it is an IP literal and the SAN has none, which no field
 * reads). Only a SAN extension the JDK could parse is changed; a leaf without one is left alone.
 */
export function namesAfterJdkValidation(path: readonly Certificate[]): SubjectAltNames {
  const leaf = path[0];
  if (!leaf) throw new Error("namesAfterJdkValidation needs a path with a leaf");
  const san = leaf.san;
  const constrained = path.slice(1, -1).some((ca) => ca.extensions.some((e) => e.oid === NAME_CONSTRAINTS_OID));
  const hasSan = leaf.extensions.some((e) => e.oid === "2.5.29.17");
  if (!constrained || !hasSan || san.unreadable !== undefined || san.dns.length > 0) return san;
  const cn = mostSpecificCommonName(leaf.subjectDer);
  if (cn === undefined || isIpLiteral(cn) || !isJdkDnsName(cn)) return san;
  return { ...san, dns: [...san.dns, cn] };
}

/** The last CN in the Name's DER order (X500Name.findMostSpecificAttribute), or undefined. */
function mostSpecificCommonName(nameDer: Uint8Array): string | undefined {
  let found: string | undefined;
  try {
    for (const rdn of readChildren(nameDer, readTlv(nameDer, 0))) {
      for (const attribute of readChildren(nameDer, rdn)) {
        const [type, value] = readChildren(nameDer, attribute);
        if (type?.tag === Tag.oid && value && decodeOid(contentOf(nameDer, type)) === COMMON_NAME_OID) {
          found = decodeOtherNameValue(value.tag, contentOf(nameDer, value)) ?? found;
        }
      }
    }
  } catch {
    return undefined;
  }
  return found;
}

/** IPAddressUtil.isIPv4LiteralAddress (1 to 4 decimal parts, the last filling the rest) or an IPv6 literal. */
function isIpLiteral(text: string): boolean {
  if (text.includes(":")) {
    try {
      parseIp(text);
      return true;
    } catch {
      return false;
    }
  }
  if (!/^\d{1,10}(\.\d{1,10}){0,3}$/.test(text)) return false;
  const parts = text.split(".").map(Number);
  const last = parts.pop() as number;
  return parts.every((p) => p <= 255) && last < 256 ** (4 - parts.length);
}

/** sun.security.x509.DNSName(String): labels of ASCII letters, digits and hyphens, each starting with a letter or digit. */
function isJdkDnsName(text: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9-]*(\.[A-Za-z0-9][A-Za-z0-9-]*)*$/.test(text);
}
