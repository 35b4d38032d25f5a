import { OthernameError } from "../errors.js";
import { parseCertificate } from "../pki/certificate.js";
import { decodePem, encodePem } from "../pki/pem.js";

/**
 * The certificates of a direct trust entry: ECE wants public CA certificates in PEM, one per
 * `TrustedCertificate` (spec: "The public ca certificate as string in PEM format"), never a key.
 */
export interface CaPemSummary {
  readonly subject: string;
  readonly sha256: string;
  readonly isCa: boolean;
  readonly notAfter: Date;
}

export type CaPemCheck =
  | { readonly ok: true; readonly certificate: CaPemSummary }
  | { readonly ok: false; readonly reason: string };

/** Checks that `pem` holds exactly one CA certificate and nothing else (no private key). */
export function checkCaPem(pem: string): CaPemCheck {
  let blocks;
  try {
    blocks = decodePem(pem);
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
  if (blocks.some((block) => block.label.includes("PRIVATE KEY"))) {
    return { ok: false, reason: "it contains a private key; a trust entry takes only the public CA certificate" };
  }
  const certificates = blocks.filter((block) => block.label === "CERTIFICATE");
  const others = blocks.filter((block) => block.label !== "CERTIFICATE");
  if (others.length > 0) return { ok: false, reason: `it contains a ${others[0]?.label} block, not only a CERTIFICATE` };
  if (certificates.length !== 1) {
    return { ok: false, reason: certificates.length === 0 ? "it holds no PEM CERTIFICATE block" : `it holds ${certificates.length} certificates; give one per entry` };
  }
  try {
    const certificate = parseCertificate((certificates[0] as { der: Uint8Array }).der);
    const summary = { subject: certificate.subject, sha256: certificate.sha256, isCa: certificate.isCa, notAfter: certificate.notAfter };
    if (!certificate.isCa) return { ok: false, reason: `${certificate.subject} is not a CA certificate (basicConstraints CA:FALSE or absent)` };
    return { ok: true, certificate: summary };
  } catch (error) {
    return { ok: false, reason: `the certificate cannot be parsed: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/** A one-line description of a PEM certificate for diffs: subject and fingerprint, or why not. */
export function describeCaPem(pem: string): string {
  try {
    const blocks = decodePem(pem).filter((block) => block.label === "CERTIFICATE");
    const first = blocks[0];
    if (!first) return "(no certificate in PEM)";
    const certificate = parseCertificate(first.der);
    return `${certificate.subject} (SHA-256 ${certificate.sha256})`;
  } catch {
    return `(unparsable PEM, ${pem.length} characters)`;
  }
}

/**
 * Splits a CA file's text into one PEM string per certificate, re-armoured canonically so the
 * same certificate always compares equal. Throws when the file holds a key or anything else.
 */
export function splitCaBundle(text: string, source: string): string[] {
  let blocks;
  try {
    blocks = decodePem(text);
  } catch (error) {
    throw new OthernameError("ECE_CA_UNREADABLE", `cannot read CA certificate ${source}: ${error instanceof Error ? error.message : String(error)}`, {
      hint: "Give the CA certificate in PEM (-----BEGIN CERTIFICATE-----), e.g. ca/ca.crt from `othername ca --pem`.",
      cause: error,
    });
  }
  if (blocks.some((block) => block.label.includes("PRIVATE KEY"))) {
    throw new OthernameError("ECE_CA_HAS_KEY", `refusing CA file ${source}: it contains a private key`, {
      hint: "Give only the CA certificate (ca.crt); a private key must never be sent to ECE.",
    });
  }
  const certificates = blocks.filter((block) => block.label === "CERTIFICATE");
  if (certificates.length === 0) {
    throw new OthernameError("ECE_CA_EMPTY", `cannot read CA certificate ${source}: no PEM CERTIFICATE block found`, {
      hint: "Give the CA certificate in PEM (-----BEGIN CERTIFICATE-----); convert DER with `openssl x509 -inform der`.",
    });
  }
  return certificates.map((block) => encodePem("CERTIFICATE", block.der));
}
