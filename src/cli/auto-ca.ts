import type { BundleFile } from "../io/bundle.js";
import { PRIVATE_FILE_MODE, PUBLIC_FILE_MODE } from "../io/bundle.js";
import type { DistinguishedName } from "../pki/distinguished-name.js";
import type { Issuer } from "../pki/issue.js";
import type { KeySpec } from "../pki/keys.js";

/**
 * certutil's `cert` without a CA option: it makes a CA first and signs with it. The CA
 * certificate goes into the bundle as `ca/ca.crt`; its key only on request (`--keep-ca-key`),
 * as `ca/ca.key` next to PEM outputs or `ca/ca.p12` next to PKCS#12 ones, protected by the
 * bundle's password like the nodes' keys.
 */
export interface AutoCa {
  readonly issuer: Issuer;
  readonly files: readonly BundleFile[];
}

export const AUTO_CA_FILES = { certificate: "ca/ca.crt", pemKey: "ca/ca.key", pkcs12: "ca/ca.p12" } as const;

export async function createAutoCa(options: {
  readonly keySpec: KeySpec;
  readonly subject: DistinguishedName | undefined;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly keepKey: "none" | "pem" | "pkcs12";
  readonly password: string | undefined;
}): Promise<AutoCa> {
  const { createCaCertificate, prepareIssuer } = await import("../pki/issue.js");
  const { exportPrivateKeyPem, generateKey } = await import("../pki/keys.js");
  const { parseCertificate } = await import("../pki/certificate.js");
  const { encodePem } = await import("../pki/pem.js");
  const key = await generateKey(options.keySpec);
  const der = await createCaCertificate({ key, ...(options.subject ? { subject: options.subject } : {}), notBefore: options.notBefore, notAfter: options.notAfter });
  const certificate = parseCertificate(der);
  const issuer = await prepareIssuer({ certificate, key }, { certificate: "the generated CA", key: "the generated CA key" });
  const text = (s: string) => new TextEncoder().encode(s);
  const files: BundleFile[] = [{ path: AUTO_CA_FILES.certificate, bytes: text(encodePem("CERTIFICATE", der)), mode: PUBLIC_FILE_MODE }];
  if (options.keepKey === "pem") {
    files.push({ path: AUTO_CA_FILES.pemKey, bytes: text(exportPrivateKeyPem(key, { format: "pkcs8", password: options.password })), mode: PRIVATE_FILE_MODE });
  } else if (options.keepKey === "pkcs12") {
    const { writePkcs12 } = await import("../pki/pkcs12/index.js");
    // certutil's CA keystore: one key entry, alias "ca".
    files.push({ path: AUTO_CA_FILES.pkcs12, bytes: await writePkcs12({ key: { pkcs8: key.pkcs8, certificate: der, alias: "ca" } }, options.password ?? ""), mode: PRIVATE_FILE_MODE });
  }
  return { issuer, files };
}
