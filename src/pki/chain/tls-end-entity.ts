import type { Certificate } from "../certificate.js";
import { Tag, contentOf, readTlv } from "../der.js";

/**
 * The JDK's TLS end-entity checks (sun.security.validator.EndEntityChecker, JDK 17), which its
 * X509TrustManager applies to the peer's certificate after PKIX path validation succeeds. A
 * transport node is TLS client and TLS server to its peers, so Elasticsearch needs both.
 *
 * - client (`checkClientTrusted`): keyUsage, when present, has digitalSignature; extendedKeyUsage,
 *   when present, has clientAuth or anyExtendedKeyUsage; Netscape cert type, when present, has
 *   SSL client.
 * - server (`checkServerTrusted`, authType "UNKNOWN" as SunJSSE passes under TLS 1.3): keyUsage,
 *   when present, has digitalSignature; extendedKeyUsage, when present, has serverAuth,
 *   anyExtendedKeyUsage or one of the obsolete Server-Gated-Cryptography purposes (Microsoft,
 *   Netscape); Netscape cert type, when present, has SSL server.
 *
 * The JDK stops at the first rule that fails and says why in the words kept here.
 */
export type TlsDirection = "client" | "server";
/** `both`: a transport node's certificate is presented in both directions. */
export type TlsRole = TlsDirection | "both";

export type TlsEndEntityCode = "TLS_KEY_USAGE" | "TLS_EXTENDED_KEY_USAGE" | "TLS_NETSCAPE_CERT_TYPE";

export interface TlsEndEntityFailure {
  readonly code: TlsEndEntityCode;
  readonly direction: TlsDirection;
  /** The JDK's message (ValidatorException), verbatim. */
  readonly message: string;
}

export const EKU_SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
export const EKU_CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
export const EKU_ANY = "2.5.29.37.0";
const EKU_MS_SGC = "1.3.6.1.4.1.311.10.3.3";
const EKU_NS_SGC = "2.16.840.1.113730.4.1";
export const NETSCAPE_CERT_TYPE_OID = "2.16.840.1.113730.1.1";

/** Netscape cert type bits (BIT STRING, bit 0 first). */
const NS_SSL_CLIENT = 0;
const NS_SSL_SERVER = 1;

/** The directions a role stands for, in the order they are reported. */
export function tlsDirections(role: TlsRole): readonly TlsDirection[] {
  return role === "both" ? ["client", "server"] : [role];
}

/**
 * The JDK's end-entity verdict on `leaf` as a TLS peer in `direction` (path validation aside).
 *
 * @param leaf - The peer's certificate.
 * @param direction - "client" (checkClientTrusted) or "server" (checkServerTrusted, authType UNKNOWN).
 * @returns The failing rule with the JDK's message, or an empty list when the leaf passes.
 * @example
 * ```ts
 * const failures = checkTlsEndEntity(leaf, "client");
 * // [{ code: "TLS_EXTENDED_KEY_USAGE", direction: "client", message: "Extended key usage does not permit use for TLS client authentication" }]
 * ```
 */
export function checkTlsEndEntity(leaf: Certificate, direction: TlsDirection): TlsEndEntityFailure[] {
  if (leaf.keyUsage !== undefined && !leaf.keyUsage.includes("digitalSignature")) {
    return [{ code: "TLS_KEY_USAGE", direction, message: "KeyUsage does not allow digital signatures" }];
  }
  const eku = leaf.extendedKeyUsage;
  if (eku !== undefined && !eku.includes(EKU_ANY)) {
    const allowed = direction === "client" ? eku.includes(EKU_CLIENT_AUTH) : eku.includes(EKU_SERVER_AUTH) || eku.includes(EKU_MS_SGC) || eku.includes(EKU_NS_SGC);
    if (!allowed) {
      return [
        {
          code: "TLS_EXTENDED_KEY_USAGE",
          direction,
          message: `Extended key usage does not permit use for TLS ${direction} authentication`,
        },
      ];
    }
  }
  if (!netscapeCertTypeAllows(leaf, direction === "client" ? NS_SSL_CLIENT : NS_SSL_SERVER)) {
    return [{ code: "TLS_NETSCAPE_CERT_TYPE", direction, message: `Netscape cert type does not permit use for SSL ${direction}` }];
  }
  return [];
}

/** Checks every direction of `role`; the failures of each direction, client first. */
export function checkTlsEndEntityRole(leaf: Certificate, role: TlsRole): TlsEndEntityFailure[] {
  return tlsDirections(role).flatMap((direction) => checkTlsEndEntity(leaf, direction));
}

/** Absent: allowed. Unreadable: refused (the JDK treats a parse error as "bit not set"). */
function netscapeCertTypeAllows(leaf: Certificate, bit: number): boolean {
  const extension = leaf.extensions.find((e) => e.oid === NETSCAPE_CERT_TYPE_OID);
  if (!extension) return true;
  try {
    const tlv = readTlv(extension.value, 0);
    if (tlv.tag !== Tag.bitString) return false;
    const bits = contentOf(extension.value, tlv);
    const byte = bits[1 + (bit >> 3)];
    return byte !== undefined && (byte & (0x80 >> (bit & 7))) !== 0;
  } catch {
    return false;
  }
}
