import type { Certificate } from "./certificate.js";
import type { CryptoFile } from "./read.js";

/**
 * Which certificates of a file given as `--ca` are trust anchors. PEM and DER bundles: every
 * certificate, as `openssl verify -CAfile` takes them. PKCS#12: the trusted-certificate entries
 * (Java truststores) and the CA certificates, never a leaf that merely sits beside its key —
 * a keystore's own certificate is not a statement of trust.
 */
export function anchorsInFile(file: CryptoFile): Certificate[] {
  if (file.format !== "pkcs12") return file.certificates.map((entry) => entry.certificate);
  return file.certificates.filter((entry) => entry.trusted === true || entry.certificate.isCa).map((entry) => entry.certificate);
}

/** The certificate to verify and the extra certificates beside it (untrusted intermediates). */
export function leafAndExtras(file: CryptoFile): { readonly leaf: Certificate | undefined; readonly extras: Certificate[] } {
  const all = file.certificates.map((entry) => entry.certificate);
  // With a private key (PKCS#12, or PEM key + chain), the leaf is the key's certificate.
  const keyed = file.keys.find((key) => key.certificateIndex !== undefined)?.certificateIndex;
  const index = keyed ?? 0;
  return { leaf: all[index], extras: all.filter((_, i) => i !== index) };
}

/** Certificates without byte-identical repeats, first occurrence kept (bundles often repeat). */
export function uniqueCertificates(certificates: readonly Certificate[]): Certificate[] {
  const seen = new Set<string>();
  return certificates.filter((cert) => {
    if (seen.has(cert.sha256)) return false;
    seen.add(cert.sha256);
    return true;
  });
}
