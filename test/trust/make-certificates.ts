import type { Certificate } from "../../src/pki/certificate.js";
import { PROBE_TIME, makeTestCa } from "../helpers/test-pki.js";

/** The shared test CA (test/helpers/test-pki.ts), issuing PEM certificates only. */
export interface TestCa {
  readonly certificate: Certificate;
  readonly pem: string;
  issue(options: { cn: string; otherNames?: string[]; dns?: string[]; ip?: string[] }): Promise<string>;
}

/** A time inside every test certificate's validity. */
export const CHECK_TIME = PROBE_TIME;

export async function makeCa(cn: string): Promise<TestCa> {
  const ca = await makeTestCa(cn);
  return { certificate: ca.certificate, pem: ca.pem, issue: async (options) => (await ca.issue(options)).certPem };
}
