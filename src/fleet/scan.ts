import type { Certificate } from "../pki/certificate.js";

/**
 * `othername scan` without the I/O: certificates already read (from files, bundles, keystores
 * and live nodes) in, one row per distinct certificate with its findings out. Pure: the time of
 * the scan is an input.
 */

/** One certificate as found, before the scan looks at it. */
export interface FoundCertificate {
  /** Where it was found: a path (`certs/es-eu-1/es-eu-1.crt`, `bundle.zip!es-eu-1/es-eu-1.p12`) or `HOST:PORT`. */
  readonly source: string;
  readonly certificate: Certificate;
}

export type ScanFindingCode = "EXPIRED" | "EXPIRES_SOON" | "CA_EXPIRES_BEFORE_LEAF" | "ISSUER_NOT_IN_SCAN" | "WEAK_RSA_KEY" | "SHA1_SIGNATURE" | "NO_OTHER_NAME";

export interface ScanFinding {
  readonly code: ScanFindingCode;
  readonly message: string;
}

export interface ScannedCertificate {
  /** The first place the certificate was found. */
  readonly source: string;
  /** Every place it was found (a CA sits in every node's PKCS#12), in scan order. */
  readonly sources: readonly string[];
  readonly subject: string;
  /** The otherName commonName values Elasticsearch reads. */
  readonly otherNames: readonly string[];
  readonly dns: readonly string[];
  readonly issuer: string;
  readonly serial: string;
  readonly sha256: string;
  readonly ca: boolean;
  readonly keyAlgorithm: string;
  readonly keyBits: number;
  readonly signatureAlgorithm: string;
  readonly notBefore: string;
  readonly notAfter: string;
  /** Whole days from the scan time to notAfter, rounded down; negative once expired. */
  readonly daysLeft: number;
  readonly findings: readonly ScanFinding[];
}

export interface ScanOptions {
  readonly at: Date;
  /** A certificate with less than this many days left is reported (EXPIRES_SOON). */
  readonly warnDays: number;
}

export interface ScanReport {
  readonly at: string;
  readonly warnDays: number;
  /** Sorted by notAfter (soonest first), then by source. */
  readonly certificates: readonly ScannedCertificate[];
  /** Certificates that expire within the warning window or have expired already. */
  readonly expiring: number;
  readonly expired: number;
}

/** The default warning window: a monthly certificate review still has time to act. */
export const DEFAULT_WARN_DAYS = 30;
/** Below this an RSA key is refused by current baselines (NIST SP 800-131A, CA/B Forum). */
export const MIN_RSA_BITS = 2048;

const DAY_MS = 86_400_000;

/** Signature algorithms over SHA-1 (or weaker): RSA, ECDSA and DSA flavours. */
const WEAK_SIGNATURES: ReadonlySet<string> = new Set([
  "1.2.840.113549.1.1.5", // sha1WithRSAEncryption
  "1.2.840.113549.1.1.4", // md5WithRSAEncryption
  "1.2.840.113549.1.1.2", // md2WithRSAEncryption
  "1.3.14.3.2.29", // sha1WithRSASignature (OIW)
  "1.2.840.10045.4.1", // ecdsa-with-SHA1
  "1.2.840.10040.4.3", // dsa-with-sha1
]);

export function iso(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** Whole days left at `at`, rounded down (a certificate expiring in 10 hours has 0 days left). */
export function daysLeft(notAfter: Date, at: Date): number {
  return Math.floor((notAfter.getTime() - at.getTime()) / DAY_MS);
}

/**
 * `othername scan` over certificates already read: one row per distinct certificate (the same
 * bytes found in several places are one row with several `sources`), soonest expiry first, with
 * its findings: EXPIRED, EXPIRES_SOON (less than `warnDays` left), CA_EXPIRES_BEFORE_LEAF,
 * ISSUER_NOT_IN_SCAN, WEAK_RSA_KEY (< 2048 bits), SHA1_SIGNATURE, NO_OTHER_NAME.
 *
 * @param found - Each certificate with where it was found (a path, `bundle.zip!entry` or `HOST:PORT`).
 * @param options - The scan time (`at`) and the warning window in days.
 * @returns The rows sorted by notAfter, and how many expire within the window or have expired.
 * @example
 * ```ts
 * const file = await readCryptoFile(await readFile("certs/es-eu-1/es-eu-1.crt"), { source: "es-eu-1.crt" });
 * const report = scanTargets(file.certificates.map((e) => ({ source: "es-eu-1.crt", certificate: e.certificate })),
 *   { at: new Date(), warnDays: 30 });
 * const rows = report.certificates.map((c) => [c.daysLeft, c.subject, c.findings.map((f) => f.code).join(",")]);
 * ```
 */
export function scanTargets(found: readonly FoundCertificate[], options: ScanOptions): ScanReport {
  const { at, warnDays } = options;
  // One row per certificate: the same bytes found twice are one certificate with two sources.
  const bySha = new Map<string, { certificate: Certificate; sources: string[] }>();
  for (const item of found) {
    const seen = bySha.get(item.certificate.sha256);
    if (seen) {
      if (!seen.sources.includes(item.source)) seen.sources.push(item.source);
    } else {
      bySha.set(item.certificate.sha256, { certificate: item.certificate, sources: [item.source] });
    }
  }
  const all = [...bySha.values()];
  const bySubject = new Map<string, Certificate[]>();
  for (const { certificate } of all) {
    const list = bySubject.get(certificate.subject);
    if (list) list.push(certificate);
    else bySubject.set(certificate.subject, [certificate]);
  }
  const issuersOf = (cert: Certificate): Certificate[] =>
    (bySubject.get(cert.issuer) ?? []).filter(
      (candidate) => candidate.isCa && (cert.authorityKeyId === undefined || candidate.subjectKeyId === undefined || cert.authorityKeyId === candidate.subjectKeyId),
    );
  const selfIssued = (cert: Certificate): boolean => cert.issuer === cert.subject;

  // CA → the leaves it signed that outlive it (only the first is named; the count is given).
  const outlivedBy = new Map<string, Certificate[]>();
  const rows = all.map(({ certificate: cert, sources }) => {
    const findings: ScanFinding[] = [];
    const left = daysLeft(cert.notAfter, at);
    if (cert.notAfter.getTime() < at.getTime()) {
      findings.push({ code: "EXPIRED", message: `expired ${-left === 0 ? "today" : `${-left} day${-left === 1 ? "" : "s"} ago`} (${iso(cert.notAfter)})` });
    } else if (cert.notAfter.getTime() - at.getTime() < warnDays * DAY_MS) {
      findings.push({ code: "EXPIRES_SOON", message: `expires in ${left} day${left === 1 ? "" : "s"} (${iso(cert.notAfter)}), within the ${warnDays}-day warning window` });
    }
    if (!cert.isCa && !selfIssued(cert)) {
      const issuers = issuersOf(cert);
      if (issuers.length === 0) findings.push({ code: "ISSUER_NOT_IN_SCAN", message: `its issuer ${cert.issuer} is not among the scanned certificates` });
      for (const issuer of issuers) {
        // A leaf issued right after its CA with the same validity outlives it by seconds: noise, not a finding.
        if (cert.notAfter.getTime() - issuer.notAfter.getTime() > DAY_MS) {
          const list = outlivedBy.get(issuer.sha256);
          if (list) list.push(cert);
          else outlivedBy.set(issuer.sha256, [cert]);
        }
      }
    }
    if (cert.publicKey.algorithm === "rsa" && cert.publicKey.bits < MIN_RSA_BITS) {
      findings.push({ code: "WEAK_RSA_KEY", message: `RSA key of ${cert.publicKey.bits} bits, below ${MIN_RSA_BITS}` });
    }
    if (WEAK_SIGNATURES.has(cert.signatureAlgorithm.oid)) {
      findings.push({ code: "SHA1_SIGNATURE", message: `signed with ${cert.signatureAlgorithm.name}, which is no longer collision-resistant` });
    }
    if (!cert.isCa && cert.san.otherNameCommonName.length === 0) {
      findings.push({ code: "NO_OTHER_NAME", message: "no otherName commonName: Elasticsearch trust restrictions (the default field) reject this node certificate" });
    }
    return { cert, sources, findings };
  });

  const certificates: ScannedCertificate[] = rows.map(({ cert, sources, findings }) => {
    const outlived = outlivedBy.get(cert.sha256);
    const all = [...findings];
    if (outlived && outlived.length > 0) {
      const first = outlived[0] as Certificate;
      const more = outlived.length > 1 ? ` and ${outlived.length - 1} more` : "";
      all.push({ code: "CA_EXPIRES_BEFORE_LEAF", message: `expires (${iso(cert.notAfter)}) before ${first.subject}${more} that it signed (${iso(first.notAfter)}): those chains break first` });
    }
    return {
      source: sources[0] as string,
      sources,
      subject: cert.subject,
      otherNames: cert.san.otherNameCommonName,
      dns: cert.san.dns,
      issuer: cert.issuer,
      serial: cert.serialHex,
      sha256: cert.sha256,
      ca: cert.isCa,
      keyAlgorithm: cert.publicKey.algorithm,
      keyBits: cert.publicKey.bits,
      signatureAlgorithm: cert.signatureAlgorithm.name,
      notBefore: iso(cert.notBefore),
      notAfter: iso(cert.notAfter),
      daysLeft: daysLeft(cert.notAfter, at),
      findings: all,
    };
  });
  certificates.sort((a, b) => (a.notAfter < b.notAfter ? -1 : a.notAfter > b.notAfter ? 1 : a.source < b.source ? -1 : a.source > b.source ? 1 : 0));
  const expiring = certificates.filter((c) => c.findings.some((f) => f.code === "EXPIRED" || f.code === "EXPIRES_SOON")).length;
  const expired = certificates.filter((c) => c.findings.some((f) => f.code === "EXPIRED")).length;
  return { at: iso(at), warnDays, certificates, expiring, expired };
}
