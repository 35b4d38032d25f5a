import "reflect-metadata";
import { webcrypto } from "node:crypto";
import * as x509 from "@peculiar/x509";
import { encodeSubjectAltName } from "../../src/pki/names.js";

/**
 * Small certificate factory for the ECE tests: EC P-256 keys (fast), a CA, a TLS server
 * certificate for 127.0.0.1, and node certificates with otherName names. Written here because
 * the project's generator (src/pki/issue.ts) was not committed when these tests were written.
 */
x509.cryptoProvider.set(webcrypto as never);

const ALGORITHM = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;

export interface TestCa {
  readonly pem: string;
  readonly certificate: x509.X509Certificate;
  readonly keys: webcrypto.CryptoKeyPair;
}

export interface TestLeaf {
  readonly pem: string;
  readonly keyPem: string;
}

function serial(): string {
  return `01${Buffer.from(webcrypto.getRandomValues(new Uint8Array(15))).toString("hex")}`;
}

function validity(): { notBefore: Date; notAfter: Date } {
  const now = Date.now();
  return { notBefore: new Date(now - 3_600_000), notAfter: new Date(now + 30 * 86_400_000) };
}

export async function makeCa(name = "CN=Test CA"): Promise<TestCa> {
  const keys = (await webcrypto.subtle.generateKey(ALGORITHM, true, ["sign", "verify"])) as webcrypto.CryptoKeyPair;
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name,
    ...validity(),
    keys,
    signingAlgorithm: ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { pem: certificate.toString("pem"), certificate, keys };
}

export interface LeafOptions {
  readonly subject: string;
  readonly dns?: readonly string[];
  readonly ip?: readonly string[];
  readonly otherNameCommonName?: readonly string[];
}

export async function makeLeaf(ca: TestCa, options: LeafOptions): Promise<TestLeaf> {
  const keys = (await webcrypto.subtle.generateKey(ALGORITHM, true, ["sign", "verify"])) as webcrypto.CryptoKeyPair;
  const extensions: x509.Extension[] = [new x509.BasicConstraintsExtension(false, undefined, true)];
  const san = encodeSubjectAltName({
    dns: options.dns ?? [],
    ip: options.ip ?? [],
    otherNameCommonName: options.otherNameCommonName ?? [],
  });
  if (san) extensions.push(new x509.Extension("2.5.29.17", false, san));
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: options.subject,
    issuer: ca.certificate.subject,
    ...validity(),
    publicKey: keys.publicKey,
    signingKey: ca.keys.privateKey,
    signingAlgorithm: ALGORITHM,
    extensions,
  });
  const pkcs8 = await webcrypto.subtle.exportKey("pkcs8", keys.privateKey);
  return { pem: certificate.toString("pem"), keyPem: x509.PemConverter.encode(pkcs8, "PRIVATE KEY") };
}

/** A TLS server identity for 127.0.0.1 issued by `ca`. */
export async function makeServerCertificate(ca: TestCa): Promise<TestLeaf> {
  return makeLeaf(ca, { subject: "CN=ece-test-server", dns: ["localhost"], ip: ["127.0.0.1"] });
}
