import type { Certificate } from "../certificate.js";
import { normalizedNameKey } from "./name-match.js";

/**
 * Issuer candidates for a certificate among a set (anchors or untrusted intermediates):
 * subjects equal to its issuer Name, exact DER first and the RFC 5280 §7.1 comparison as a
 * fallback, filtered by key identifiers — when the child's authorityKeyIdentifier and the
 * candidate's subjectKeyIdentifier are both present they must agree (OpenSSL's
 * X509_check_akid, Java's AdaptableX509CertSelector do the same).
 */
export interface CertificatePool {
  readonly certificates: readonly Certificate[];
  issuersOf(child: Certificate): readonly Certificate[];
  /** The member byte-identical to `cert`, if any. */
  find(cert: Certificate): Certificate | undefined;
}

// An anchor set reused across many validations (a bundle checked against 1,000 leaves) is indexed once.
const poolCache = new WeakMap<readonly Certificate[], CertificatePool>();

export function certificatePool(certificates: readonly Certificate[]): CertificatePool {
  const cached = poolCache.get(certificates);
  if (cached) return cached;
  const pool = buildPool(certificates);
  poolCache.set(certificates, pool);
  return pool;
}

function buildPool(certificates: readonly Certificate[]): CertificatePool {
  const bySubject = new Map<string, Certificate[]>();
  const byIdentity = new Map<string, Certificate>();
  for (const cert of certificates) {
    const key = bytesKey(cert.subjectDer);
    const list = bySubject.get(key);
    if (list) list.push(cert);
    else bySubject.set(key, [cert]);
    byIdentity.set(identityOf(cert), cert);
  }
  let byNormalized: Map<string, Certificate[]> | undefined;
  const normalized = (): Map<string, Certificate[]> => {
    if (byNormalized) return byNormalized;
    byNormalized = new Map();
    for (const cert of certificates) {
      const key = normalizedNameKey(cert.subjectDer);
      if (key === undefined) continue;
      const list = byNormalized.get(key);
      if (list) list.push(cert);
      else byNormalized.set(key, [cert]);
    }
    return byNormalized;
  };
  return {
    certificates,
    issuersOf(child) {
      let matches = bySubject.get(bytesKey(child.issuerDer));
      if (!matches) {
        // Fallback only when no subject is byte-identical: differently encoded but equal names.
        const key = normalizedNameKey(child.issuerDer);
        matches = key === undefined ? undefined : normalized().get(key);
      }
      if (!matches) return [];
      return orderByKeyId(child, matches);
    },
    find(cert) {
      return byIdentity.get(identityOf(cert));
    },
  };
}

function orderByKeyId(child: Certificate, matches: readonly Certificate[]): Certificate[] {
  const aki = child.authorityKeyId;
  if (aki === undefined) return [...matches];
  const exact: Certificate[] = [];
  const unknown: Certificate[] = [];
  for (const candidate of matches) {
    if (candidate.subjectKeyId === undefined) unknown.push(candidate);
    else if (candidate.subjectKeyId === aki) exact.push(candidate);
    // A differing key identifier means a different key: not an issuer.
  }
  return [...exact, ...unknown];
}

/** A key identifying one certificate's exact bytes. */
export function identityOf(cert: Certificate): string {
  return cert.sha256;
}

function bytesKey(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");
}
