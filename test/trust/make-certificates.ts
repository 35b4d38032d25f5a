import { parseCertificate, type Certificate } from "../../src/pki/certificate.js";
import { createCaCertificate, prepareIssuer, type Issuer } from "../../src/pki/issue.js";
import { generateKey } from "../../src/pki/keys.js";
import { encodePem } from "../../src/pki/pem.js";

/** Test certificates made with the project's own generator (EC P-256 keys: fast). */
export interface TestCa {
  readonly certificate: Certificate;
  readonly pem: string;
  issue(options: { cn: string; otherNames?: string[]; dns?: string[]; ip?: string[] }): Promise<string>;
}

const notBefore = new Date("2025-01-01T00:00:00Z");
const notAfter = new Date("2035-01-01T00:00:00Z");
export const CHECK_TIME = "2026-06-01T00:00:00Z";

export async function makeCa(cn: string): Promise<TestCa> {
  const key = await generateKey({ algorithm: "ec", curve: "P-256" });
  const der = await createCaCertificate({ key, subject: [[{ type: "2.5.4.3", value: cn }]], notBefore, notAfter });
  const certificate = parseCertificate(der);
  const issuer: Issuer = await prepareIssuer({ certificate, key }, { certificate: cn, key: `${cn} key` });
  return {
    certificate,
    pem: encodePem("CERTIFICATE", der),
    async issue({ cn: leafCn, otherNames = [], dns = [], ip = [] }) {
      const leafKey = await generateKey({ algorithm: "ec", curve: "P-256" });
      const leaf = await issuer.issue({
        subject: [[{ type: "2.5.4.3", value: leafCn }]],
        san: { otherNameCommonName: otherNames, dns, ip },
        publicKey: leafKey.spki,
        notBefore,
        notAfter,
      });
      return encodePem("CERTIFICATE", leaf);
    },
  };
}
