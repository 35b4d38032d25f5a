import type { Certificate } from "../certificate.js";
import type { ChainFailure } from "./result.js";
import { bytesEqual } from "../der.js";
import { jdkRefusals } from "./jdk-refusals.js";
import { NAME_CONSTRAINTS_OID, constrainedNames, nameConstraintViolations, parseNameConstraints, type NameConstraints, type NameConstraintsDialect } from "./name-constraints.js";
import { policyFailures } from "./policies.js";
import { verifyCertificateSignature, type SignatureCheck } from "./signature.js";

/**
 * RFC 5280 §6.1 checks over one candidate path (leaf first). Every failure is reported, not
 * only the first, each with the position of the certificate it is about. Where RFC 5280
 * leaves the trust anchor's own certificate out of the algorithm, we follow OpenSSL's default
 * (`openssl verify`): it checks the anchor's validity period, basicConstraints, pathLen,
 * keyUsage and critical extensions like any other certificate in the chain. An expired anchor
 * therefore fails (OpenSSL: X509_V_ERR_CERT_HAS_EXPIRED at the anchor's depth), whereas Java's
 * PKIX validator takes only the anchor's name and key and ignores its dates. The anchor's own
 * self-signature is not checked (OpenSSL without X509_V_FLAG_CHECK_SS_SIGNATURE, and Java).
 */

/** Extensions this validator understands, so they may be critical (§4.2: "MUST reject" others). */
const KNOWN_CRITICAL_EXTENSIONS: ReadonlyMap<string, string> = new Map([
  ["2.5.29.19", "basicConstraints"],
  ["2.5.29.15", "keyUsage"],
  ["2.5.29.37", "extKeyUsage"],
  ["2.5.29.17", "subjectAltName"],
  ["2.5.29.30", "nameConstraints"],
  ["2.5.29.32", "certificatePolicies"],
  ["2.5.29.36", "policyConstraints"],
  ["2.5.29.54", "inhibitAnyPolicy"],
  ["2.5.29.33", "policyMappings"],
]);

const BASIC_CONSTRAINTS_OID = "2.5.29.19";

export interface PathShape {
  /** The top certificate is a trust anchor (false: the path stops short, NO_PATH). */
  readonly anchored: boolean;
  readonly at: Date;
  /** Verifies one link; callers pass a memoizing one when several paths share links. */
  readonly verifyLink?: (subject: Certificate, issuer: Certificate) => SignatureCheck;
  /**
   * "jdk": as the JDK's PKIX validator (`--as`): the trust anchor gives only its name and key
   * (Java's TrustAnchor: its dates, extensions and name constraints are not looked at), name
   * constraints in the JDK's dialect, and the keys and encodings the JDK refuses.
   */
  readonly dialect?: NameConstraintsDialect;
}

export function validatePath(path: readonly Certificate[], shape: PathShape): ChainFailure[] {
  const failures: ChainFailure[] = [];
  const verifyLink = shape.verifyLink ?? verifyCertificateSignature;
  const top = path.length - 1;
  const dialect = shape.dialect ?? "rfc5280";
  const jdk = dialect === "jdk";
  if (jdk) failures.push(...jdkRefusals(path));

  for (let i = 0; i <= top; i++) {
    const cert = path[i] as Certificate;
    const jdkAnchor = jdk && shape.anchored && i === top;
    if (!jdkAnchor) {
      failures.push(...validityFailures(cert, i, shape.at));
      failures.push(...criticalExtensionFailures(cert, i));
    }
    if (i === 0) continue;
    if (jdkAnchor) {
      // PKIXValidator's trust anchor check: a v3 anchor must be a CA and, with keyUsage, keyCertSign.
      if (cert.version >= 3 && !cert.isCa) failures.push({ index: i, code: "JDK_REFUSED", message: `TrustAnchor with subject "${cert.subject}" is not a CA certificate` });
      else if (cert.keyUsage !== undefined && !cert.keyUsage.includes("keyCertSign")) {
        failures.push({ index: i, code: "JDK_REFUSED", message: `TrustAnchor with subject "${cert.subject}" does not have keyCertSign bit set in KeyUsage extension` });
      }
      const signature = verifyLink(path[i - 1] as Certificate, cert);
      if (!signature.ok) failures.push({ index: i - 1, code: "BAD_SIGNATURE", message: `signature of ${(path[i - 1] as Certificate).subject} by ${cert.subject} is invalid: ${signature.reason}` });
      continue;
    }

    // From here on `cert` issued path[i - 1]: §6.1.4 (k), (l), (m), (n) and §6.1.3 (a)(1).
    const subject = path[i - 1] as Certificate;
    if (!actsAsCa(cert, { isAnchor: shape.anchored && i === top })) {
      failures.push({
        index: i,
        code: "NOT_A_CA",
        message: `${cert.subject} issued ${subject.subject} but is not a CA (${hasExtension(cert, BASIC_CONSTRAINTS_OID) ? "basicConstraints cA is false" : "no basicConstraints extension"})`,
      });
    }
    if (cert.keyUsage !== undefined && !cert.keyUsage.includes("keyCertSign")) {
      failures.push({
        index: i,
        code: "MISSING_KEY_CERT_SIGN",
        message: `${cert.subject} issued ${subject.subject} but its keyUsage (${cert.keyUsage.join(", ") || "empty"}) does not include keyCertSign`,
      });
    }
    if (cert.pathLenConstraint !== undefined) {
      // §6.1.4 (l)/(m): self-issued intermediates do not count towards the limit.
      const below = countNonSelfIssued(path.slice(1, i));
      if (below > cert.pathLenConstraint) {
        failures.push({
          index: i,
          code: "PATH_LEN_EXCEEDED",
          message: `${cert.subject} allows ${cert.pathLenConstraint} intermediate CA certificate${cert.pathLenConstraint === 1 ? "" : "s"} below it (pathLenConstraint ${cert.pathLenConstraint}) but the path has ${below}`,
        });
      }
    }
    const signature = verifyLink(subject, cert);
    if (!signature.ok) {
      failures.push({ index: i - 1, code: "BAD_SIGNATURE", message: `signature of ${subject.subject} by ${cert.subject} is invalid: ${signature.reason}` });
    }
    failures.push(...nameConstraintFailures(path, i, dialect));
  }
  failures.push(...policyFailures(path, { anchored: shape.anchored }));
  return failures.sort((a, b) => a.index - b.index);
}

/** The leaf-is-an-anchor path (DESIGN.md): only the leaf's own validity and extensions apply. */
export function validateSelfAnchoredLeaf(leaf: Certificate, at: Date): ChainFailure[] {
  return [...validityFailures(leaf, 0, at), ...criticalExtensionFailures(leaf, 0)];
}

function validityFailures(cert: Certificate, index: number, at: Date): ChainFailure[] {
  // Certificates state times in whole seconds (§4.1.2.5): compare at that granularity, so a
  // check 5 ms into the second of notAfter still passes (limbo's notafter-fractional; the JDK).
  const time = Math.floor(at.getTime() / 1000) * 1000;
  if (time < cert.notBefore.getTime()) {
    return [{ index, code: "NOT_YET_VALID", message: `${cert.subject} is not valid before ${iso(cert.notBefore)} (checked at ${iso(at)})` }];
  }
  if (time > cert.notAfter.getTime()) {
    return [{ index, code: "EXPIRED", message: `${cert.subject} expired at ${iso(cert.notAfter)} (checked at ${iso(at)})` }];
  }
  return [];
}

function criticalExtensionFailures(cert: Certificate, index: number): ChainFailure[] {
  return cert.extensions
    .filter((extension) => extension.critical && !KNOWN_CRITICAL_EXTENSIONS.has(extension.oid))
    .map((extension) => ({
      index,
      code: "UNSUPPORTED_CRITICAL_EXTENSION" as const,
      message: `${cert.subject} has a critical extension ${extension.oid} that is not supported`,
    }));
}

/**
 * basicConstraints cA (§6.1.4 (k)). A self-issued version 1 trust anchor (no extensions at all)
 * is still accepted as a CA, as OpenSSL's check_ca and Java's PKIX validator both do.
 */
function actsAsCa(cert: Certificate, options: { readonly isAnchor: boolean }): boolean {
  if (cert.isCa) return true;
  return options.isAnchor && cert.version === 1 && isSelfIssued(cert);
}

function nameConstraintFailures(path: readonly Certificate[], issuerIndex: number, dialect: NameConstraintsDialect): ChainFailure[] {
  const issuer = path[issuerIndex] as Certificate;
  const extension = issuer.extensions.find((e) => e.oid === NAME_CONSTRAINTS_OID);
  if (!extension) return [];
  let constraints: NameConstraints;
  try {
    constraints = parseNameConstraints(extension.value);
  } catch (error) {
    return [{ index: issuerIndex, code: "NAME_CONSTRAINTS_VIOLATION", message: `${issuer.subject} has a nameConstraints extension that cannot be read: ${(error as Error).message}` }];
  }
  const failures: ChainFailure[] = [];
  for (let j = 0; j < issuerIndex; j++) {
    const cert = path[j] as Certificate;
    // §6.1.3 (b)/(c): self-issued intermediates are exempt; the leaf never is.
    if (j > 0 && isSelfIssued(cert)) continue;
    for (const violation of nameConstraintViolations(constraints, constrainedNames(cert, dialect), dialect)) {
      failures.push({
        index: j,
        code: "NAME_CONSTRAINTS_VIOLATION",
        message: `${violation.kind} name ${violation.name} of ${cert.subject} ${violation.reason} set by ${issuer.subject}`,
      });
    }
  }
  return failures;
}

function countNonSelfIssued(certs: readonly Certificate[]): number {
  return certs.filter((cert) => !isSelfIssued(cert)).length;
}

export function isSelfIssued(cert: Certificate): boolean {
  return bytesEqual(cert.subjectDer, cert.issuerDer);
}

function hasExtension(cert: Certificate, oid: string): boolean {
  return cert.extensions.some((e) => e.oid === oid);
}

function iso(date: Date): string {
  return date.toISOString().replace(".000Z", "Z");
}
