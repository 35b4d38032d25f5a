import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseCertificate, type Certificate } from "../../src/pki/certificate.js";
import { validateChain, type ChainFailureCode } from "../../src/pki/chain.js";
import { decodePem } from "../../src/pki/pem.js";
import { runCli } from "../helpers/cli.js";
import { opensslVerify } from "./openssl.js";

/** The openssl-made certificates of fixtures/chain (see its README), against us and openssl. */
const dir = join(import.meta.dirname, "../../fixtures/chain");
const AT = new Date("2030-01-01T00:00:00Z");
const pem = (name: string) => readFileSync(join(dir, name), "latin1");
const certs = (name: string): Certificate[] => decodePem(pem(name)).map((block) => parseCertificate(block.der));
const one = (name: string) => certs(name)[0] as Certificate;

const cases: readonly {
  name: string;
  leaf: string;
  untrusted: readonly string[];
  anchors: readonly string[];
  partialChain?: boolean;
  expected: true | { code: ChainFailureCode; index: number };
}[] = [
  { name: "three-link chain via untrusted", leaf: "node1.pem", untrusted: ["intermediate-ca.pem"], anchors: ["root-ca.pem"], expected: true },
  { name: "intermediate missing", leaf: "node1.pem", untrusted: [], anchors: ["root-ca.pem"], expected: { code: "NO_PATH", index: 0 } },
  // Any trusted certificate is an anchor (RFC 5280 §6.1.1 (d), Java's PKIX TrustAnchor), also a
  // non-self-signed intermediate; OpenSSL agrees only with -partial_chain, so it gets that flag.
  { name: "intermediate as the anchor", leaf: "node1.pem", untrusted: [], anchors: ["intermediate-ca.pem"], partialChain: true, expected: true },
  { name: "expired leaf", leaf: "expired.pem", untrusted: ["intermediate-ca.pem"], anchors: ["root-ca.pem"], expected: { code: "EXPIRED", index: 0 } },
  { name: "RSA-PSS signature", leaf: "pss-node1.pem", untrusted: [], anchors: ["rsa-root-ca.pem"], expected: true },
  { name: "unrelated root", leaf: "pss-node1.pem", untrusted: ["intermediate-ca.pem"], anchors: ["root-ca.pem"], expected: { code: "NO_PATH", index: 0 } },
];

describe("openssl-made fixtures", () => {
  it.each(cases.map((c) => [c.name, c] as const))("%s", async (_name, c) => {
    const result = validateChain({ leaf: one(c.leaf), intermediates: c.untrusted.flatMap(certs), anchors: c.anchors.flatMap(certs), at: AT });
    const openssl = await opensslVerify({ leaf: pem(c.leaf), anchors: c.anchors.map(pem), untrusted: c.untrusted.map(pem), at: AT, partialChain: c.partialChain ?? false });
    const summary = `${JSON.stringify(result.failures)} / openssl: ${openssl.output}`;
    expect(openssl.ok, summary).toBe(c.expected === true);
    if (c.expected === true) {
      expect(result.failures, summary).toEqual([]);
      expect(result.ok).toBe(true);
    } else {
      expect(result.ok).toBe(false);
      expect(result.failures.map((f) => [f.index, f.code]), summary).toContainEqual([c.expected.index, c.expected.code]);
      expect(result.failures[0]?.code, summary).toBe(c.expected.code);
    }
  });

  it("the intermediate is not an anchor for pathlen: the root-anchored path has length 3", () => {
    const result = validateChain({ leaf: one("node1.pem"), intermediates: certs("intermediate-ca.pem"), anchors: certs("root-ca.pem"), at: AT });
    expect(result.path.map((c) => c.subject)).toEqual([one("node1.pem").subject, one("intermediate-ca.pem").subject, one("root-ca.pem").subject]);
  });

  it("othername verify on the chain file agrees, and fails ten years later", async () => {
    const valid = await runCli(["verify", "node1-chain.pem", "--ca", "root-ca.pem", "--at", "2030-01-01T00:00:00Z", "--json"], { cwd: dir });
    expect(valid.code).toBe(0);
    expect(JSON.parse(valid.stdout).path).toHaveLength(3);
    const late = await runCli(["verify", "node1-chain.pem", "--ca", "root-ca.pem", "--at", "2040-01-01T00:00:00Z", "--json"], { cwd: dir });
    expect(late.code).toBe(1);
    expect(JSON.parse(late.stdout).failures.map((f: { index: number; code: string }) => [f.index, f.code])).toEqual([
      [0, "EXPIRED"],
      [1, "EXPIRED"],
      [2, "EXPIRED"],
    ]);
  });
});
