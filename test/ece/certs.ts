import { createCaCertificate, prepareIssuer } from "../../src/pki/issue.js";
import { parseCertificate } from "../../src/pki/certificate.js";
import { generateKey, type PrivateKey } from "../../src/pki/keys.js";
import { encodePem } from "../../src/pki/pem.js";
import type { Certificate } from "../../src/pki/certificate.js";

/**
 * Certificates for the ECE tests, made by the project's own generator (src/pki/issue.ts):
 * EC P-256 keys (fast), a CA, a TLS server certificate for 127.0.0.1, and node certificates
 * with otherName names.
 */
export interface TestCa {
  readonly pem: string;
  readonly certificate: Certificate;
  readonly key: PrivateKey;
}

export interface TestLeaf {
  readonly pem: string;
  readonly keyPem: string;
}

function validity(): { notBefore: Date; notAfter: Date } {
  const now = Date.now();
  return { notBefore: new Date(now - 3_600_000), notAfter: new Date(now + 30 * 86_400_000) };
}

function commonName(subject: string): [[{ type: string; value: string }]] {
  return [[{ type: "2.5.4.3", value: subject.replace(/^CN=/, "") }]];
}

export async function makeCa(name = "CN=Test CA"): Promise<TestCa> {
  const key = await generateKey({ algorithm: "ec", curve: "P-256" });
  const der = await createCaCertificate({ key, subject: commonName(name), ...validity() });
  return { pem: encodePem("CERTIFICATE", der), certificate: parseCertificate(der), key };
}

export interface LeafOptions {
  /** `CN=…` */
  readonly subject: string;
  readonly dns?: readonly string[];
  readonly ip?: readonly string[];
  readonly otherNameCommonName?: readonly string[];
}

export async function makeLeaf(ca: TestCa, options: LeafOptions): Promise<TestLeaf> {
  const key = await generateKey({ algorithm: "ec", curve: "P-256" });
  const issuer = await prepareIssuer({ certificate: ca.certificate, key: ca.key }, { certificate: "test CA", key: "test CA key" });
  const der = await issuer.issue({
    subject: commonName(options.subject),
    san: { dns: options.dns ?? [], ip: options.ip ?? [], otherNameCommonName: options.otherNameCommonName ?? [] },
    publicKey: key.spki,
    ...validity(),
  });
  return { pem: encodePem("CERTIFICATE", der), keyPem: encodePem("PRIVATE KEY", key.pkcs8) };
}

/** A TLS server identity for 127.0.0.1 issued by `ca`. */
export async function makeServerCertificate(ca: TestCa): Promise<TestLeaf> {
  return makeLeaf(ca, { subject: "CN=ece-test-server", dns: ["localhost"], ip: ["127.0.0.1"] });
}
