import { parseCertificate, type Certificate } from "../../src/pki/certificate.js";
import { createCaCertificate, prepareIssuer, type Issuer } from "../../src/pki/issue.js";
import { exportPrivateKeyPem, generateKey } from "../../src/pki/keys.js";
import { encodePem } from "../../src/pki/pem.js";

/** Test CAs and leaves (certificate and key) made with the project's own generator, EC P-256. */
export interface TestLeaf {
  readonly der: Uint8Array;
  readonly certPem: string;
  readonly keyPem: string;
}

export interface TestCa {
  readonly certificate: Certificate;
  readonly pem: string;
  readonly keyPem: string;
  issue(options: { readonly cn: string; readonly otherNames?: readonly string[]; readonly dns?: readonly string[]; readonly ip?: readonly string[] }): Promise<TestLeaf>;
}

const notBefore = new Date("2025-01-01T00:00:00Z");
const notAfter = new Date("2035-01-01T00:00:00Z");
/** A time inside every test certificate's validity. */
export const PROBE_TIME = "2026-06-01T00:00:00Z";

export async function makeTestCa(cn: string): Promise<TestCa> {
  const key = await generateKey({ algorithm: "ec", curve: "P-256" });
  const der = await createCaCertificate({ key, subject: [[{ type: "2.5.4.3", value: cn }]], notBefore, notAfter });
  const certificate = parseCertificate(der);
  const issuer: Issuer = await prepareIssuer({ certificate, key }, { certificate: cn, key: `${cn} key` });
  return {
    certificate,
    pem: encodePem("CERTIFICATE", der),
    keyPem: exportPrivateKeyPem(key),
    async issue({ cn: leafCn, otherNames = [], dns = [], ip = [] }) {
      const leafKey = await generateKey({ algorithm: "ec", curve: "P-256" });
      const leaf = await issuer.issue({ subject: [[{ type: "2.5.4.3", value: leafCn }]], san: { otherNameCommonName: otherNames, dns, ip }, publicKey: leafKey.spki, notBefore, notAfter });
      return { der: leaf, certPem: encodePem("CERTIFICATE", leaf), keyPem: exportPrivateKeyPem(leafKey) };
    },
  };
}
