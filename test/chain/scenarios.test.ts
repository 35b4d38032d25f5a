import "reflect-metadata";
import { describe, expect, it } from "vitest";
import * as x509 from "@peculiar/x509";
import { validateChain, type ChainFailureCode } from "../../src/pki/chain.js";
import { AT, makeCa, makeCert, makeLeaf, newKeys, type MiniCert } from "./mini-ca.js";
import { opensslVerify } from "./openssl.js";

/**
 * Every scenario is checked twice: our verdict and specific failure code, and the verdict of
 * the real `openssl verify` over the same certificates at the same time (-attime).
 */
interface Scenario {
  readonly name: string;
  readonly leaf: MiniCert;
  readonly intermediates: readonly MiniCert[];
  readonly anchors: readonly MiniCert[];
  readonly at?: Date;
  readonly partialChain?: boolean;
  readonly expected: { readonly ok: true; readonly pathLength: number } | { readonly ok: false; readonly code: ChainFailureCode; readonly index: number };
}

const PAST = new Date("2029-01-01T00:00:00Z");
const FUTURE = new Date("2031-01-01T00:00:00Z");
const EARLY = new Date("2020-01-01T00:00:00Z");

const scenarios: Scenario[] = [];

async function buildScenarios(): Promise<void> {
  const root = await makeCa("CN=Root CA, O=Example");
  const int = await makeCa("CN=Intermediate CA, O=Example", root);
  const leaf2 = await makeLeaf("CN=node1, O=Example", root);
  const leaf3 = await makeLeaf("CN=node2, O=Example", int);
  const ok = (pathLength: number) => ({ ok: true as const, pathLength });
  const fail = (code: ChainFailureCode, index: number) => ({ ok: false as const, code, index });

  scenarios.push({ name: "valid two-link chain", leaf: leaf2, intermediates: [], anchors: [root], expected: ok(2) });
  scenarios.push({ name: "valid three-link chain", leaf: leaf3, intermediates: [int], anchors: [root], expected: ok(3) });
  scenarios.push({ name: "intermediate missing (only --untrusted would complete it)", leaf: leaf3, intermediates: [], anchors: [root], expected: fail("NO_PATH", 0) });

  // Validity at each position.
  const expiredRoot = await makeCa("CN=Expired Root", undefined, { notAfter: PAST });
  const futureRoot = await makeCa("CN=Future Root", undefined, { notBefore: FUTURE });
  scenarios.push({ name: "expired leaf", leaf: await makeLeaf("CN=old", int, { notAfter: PAST }), intermediates: [int], anchors: [root], expected: fail("EXPIRED", 0) });
  scenarios.push({ name: "not-yet-valid leaf", leaf: await makeLeaf("CN=new", int, { notBefore: FUTURE }), intermediates: [int], anchors: [root], expected: fail("NOT_YET_VALID", 0) });
  const expiredInt = await makeCa("CN=Expired Intermediate", root, { notAfter: PAST });
  scenarios.push({ name: "expired intermediate", leaf: await makeLeaf("CN=a", expiredInt), intermediates: [expiredInt], anchors: [root], expected: fail("EXPIRED", 1) });
  const futureInt = await makeCa("CN=Future Intermediate", root, { notBefore: FUTURE });
  scenarios.push({ name: "not-yet-valid intermediate", leaf: await makeLeaf("CN=b", futureInt), intermediates: [futureInt], anchors: [root], expected: fail("NOT_YET_VALID", 1) });
  scenarios.push({ name: "expired root", leaf: await makeLeaf("CN=c", expiredRoot), intermediates: [], anchors: [expiredRoot], expected: fail("EXPIRED", 1) });
  scenarios.push({ name: "not-yet-valid root", leaf: await makeLeaf("CN=d", futureRoot), intermediates: [], anchors: [futureRoot], expected: fail("NOT_YET_VALID", 1) });
  scenarios.push({ name: "valid chain checked before it starts", leaf: leaf3, intermediates: [int], anchors: [root], at: EARLY, expected: fail("NOT_YET_VALID", 0) });

  // CA-ness of issuers.
  const notCa = await makeCert({ subject: "CN=Not A CA", issuer: root, basicConstraints: { ca: false }, keyUsage: x509.KeyUsageFlags.keyCertSign });
  scenarios.push({ name: "CA:FALSE intermediate", leaf: await makeLeaf("CN=e", notCa), intermediates: [notCa], anchors: [root], expected: fail("NOT_A_CA", 1) });
  const noCertSign = await makeCa("CN=No keyCertSign", root, { keyUsage: x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.cRLSign });
  scenarios.push({ name: "intermediate without keyCertSign", leaf: await makeLeaf("CN=f", noCertSign), intermediates: [noCertSign], anchors: [root], expected: fail("MISSING_KEY_CERT_SIGN", 1) });
  const rootLen0 = await makeCa("CN=Root pathLen 0", undefined, { basicConstraints: { ca: true, pathLen: 0 } });
  const intUnderLen0 = await makeCa("CN=Int under pathLen 0", rootLen0);
  scenarios.push({ name: "root pathLen 0 with an intermediate", leaf: await makeLeaf("CN=g", intUnderLen0), intermediates: [intUnderLen0], anchors: [rootLen0], expected: fail("PATH_LEN_EXCEEDED", 2) });
  const intLen0 = await makeCa("CN=Int pathLen 0", root, { basicConstraints: { ca: true, pathLen: 0 } });
  const subInt = await makeCa("CN=Sub Int", intLen0);
  scenarios.push({ name: "intermediate pathLen 0 with a sub-CA", leaf: await makeLeaf("CN=h", subInt), intermediates: [subInt, intLen0], anchors: [root], expected: fail("PATH_LEN_EXCEEDED", 2) });
  scenarios.push({ name: "intermediate pathLen 0 directly above the leaf", leaf: await makeLeaf("CN=i", intLen0), intermediates: [intLen0], anchors: [root], expected: ok(3) });

  // Signatures and anchors.
  scenarios.push({ name: "leaf signed by another key", leaf: await makeLeaf("CN=forged", int, { signWith: await newKeys() }), intermediates: [int], anchors: [root], expected: fail("BAD_SIGNATURE", 0) });
  const unrelated = await makeCa("CN=Unrelated Root");
  scenarios.push({ name: "unrelated root", leaf: leaf3, intermediates: [int], anchors: [unrelated], expected: fail("NO_PATH", 1) });
  const selfSigned = await makeCert({ subject: "CN=self", basicConstraints: { ca: false } });
  scenarios.push({ name: "self-signed leaf that is not trusted", leaf: selfSigned, intermediates: [], anchors: [root], expected: fail("NO_PATH", 0) });
  scenarios.push({ name: "self-signed leaf that is a trust anchor", leaf: selfSigned, intermediates: [], anchors: [root, selfSigned], expected: ok(1) });
  scenarios.push({ name: "leaf that is a trust anchor, issuer absent", leaf: leaf3, intermediates: [], anchors: [leaf3], partialChain: true, expected: ok(1) });
  scenarios.push({ name: "expired leaf that is a trust anchor", leaf: await makeLeaf("CN=old anchor", int, { notAfter: PAST }).then((l) => l), intermediates: [], anchors: [], partialChain: true, expected: fail("EXPIRED", 0) });
  const last = scenarios[scenarios.length - 1] as Scenario;
  scenarios[scenarios.length - 1] = { ...last, anchors: [last.leaf] };

  // Several candidate issuers: a cross-signed intermediate (same subject and key, two issuers).
  // OpenSSL prefers a candidate valid at -attime (find_issuer) and never backtracks, so the
  // failing candidate is the expired cross-certificate: both tools then agree.
  const otherRoot = await makeCa("CN=Other Root");
  const crossKeys = await newKeys();
  const crossA = await makeCa("CN=Cross Intermediate", otherRoot, { keys: crossKeys, notAfter: PAST });
  const crossB = await makeCa("CN=Cross Intermediate", root, { keys: crossKeys });
  const crossLeaf = await makeLeaf("CN=cross leaf", crossB);
  scenarios.push({ name: "cross-signed intermediate, failing candidate first", leaf: crossLeaf, intermediates: [crossA, crossB], anchors: [otherRoot, root], expected: ok(3) });
  scenarios.push({ name: "cross-signed intermediate, only the failing issuer trusted", leaf: crossLeaf, intermediates: [crossA, crossB], anchors: [otherRoot], expected: fail("EXPIRED", 1) });
  // A re-issued root: same name, new key, no key identifiers to tell them apart.
  const oldRoot = await makeCa("CN=Reissued Root", undefined, { notAfter: PAST, keyIds: false });
  const newRoot = await makeCa("CN=Reissued Root", undefined, { keyIds: false });
  scenarios.push({ name: "re-issued root, old one listed first", leaf: await makeLeaf("CN=j", newRoot, { keyIds: false }), intermediates: [], anchors: [oldRoot, newRoot], expected: ok(2) });

  // Name constraints and critical extensions.
  const constrained = await makeCa("CN=Constrained CA", root, {
    nameConstraints: { permittedDns: ["example.com"], excludedDns: ["bad.example.com"], permittedIp: ["10.0.0.0/8"] },
  });
  const ncOk = await makeLeaf("CN=k", constrained, { san: { dns: ["node1.example.com"], ip: ["10.1.2.3"] } });
  scenarios.push({ name: "names within the permitted subtrees", leaf: ncOk, intermediates: [constrained], anchors: [root], expected: ok(3) });
  const ncDns = await makeLeaf("CN=l", constrained, { san: { dns: ["node1.example.org"] } });
  scenarios.push({ name: "DNS name outside the permitted subtree", leaf: ncDns, intermediates: [constrained], anchors: [root], expected: fail("NAME_CONSTRAINTS_VIOLATION", 0) });
  const ncExcluded = await makeLeaf("CN=m", constrained, { san: { dns: ["x.bad.example.com"] } });
  scenarios.push({ name: "DNS name in the excluded subtree", leaf: ncExcluded, intermediates: [constrained], anchors: [root], expected: fail("NAME_CONSTRAINTS_VIOLATION", 0) });
  const ncIp = await makeLeaf("CN=n", constrained, { san: { dns: ["ok.example.com"], ip: ["192.168.1.1"] } });
  scenarios.push({ name: "IP address outside the permitted range", leaf: ncIp, intermediates: [constrained], anchors: [root], expected: fail("NAME_CONSTRAINTS_VIOLATION", 0) });
  const critical = await makeLeaf("CN=o", int, { extra: [{ oid: "1.3.6.1.4.1.55555.1", critical: true, value: new Uint8Array([0x05, 0x00]) }] });
  scenarios.push({ name: "unknown critical extension on the leaf", leaf: critical, intermediates: [int], anchors: [root], expected: fail("UNSUPPORTED_CRITICAL_EXTENSION", 0) });
  const nonCritical = await makeLeaf("CN=p", int, { extra: [{ oid: "1.3.6.1.4.1.55555.1", critical: false, value: new Uint8Array([0x05, 0x00]) }] });
  scenarios.push({ name: "unknown non-critical extension", leaf: nonCritical, intermediates: [int], anchors: [root], expected: ok(3) });
}

await buildScenarios();

describe("chain scenarios agree with openssl verify", () => {
  it("builds the scenario set", () => {
    expect(scenarios.length).toBeGreaterThan(25);
  });

  it.each(scenarios.map((scenario) => [scenario.name, scenario] as const))("%s", async (_name, scenario) => {
    const at = scenario.at ?? AT;
    const result = validateChain({
      leaf: scenario.leaf.certificate,
      intermediates: scenario.intermediates.map((c) => c.certificate),
      anchors: scenario.anchors.map((c) => c.certificate),
      at,
    });
    const openssl = await opensslVerify({
      leaf: scenario.leaf.pem,
      anchors: scenario.anchors.map((c) => c.pem),
      untrusted: scenario.intermediates.map((c) => c.pem),
      at,
      partialChain: scenario.partialChain ?? false,
    });
    const summary = `${scenario.name}: ${JSON.stringify(result.failures)} / openssl: ${openssl.output}`;
    expect(result.ok, summary).toBe(scenario.expected.ok);
    expect(openssl.ok, summary).toBe(scenario.expected.ok);
    if (scenario.expected.ok) {
      expect(result.failures, summary).toEqual([]);
      expect(result.path.length, summary).toBe(scenario.expected.pathLength);
      expect(result.path[0], summary).toBe(scenario.leaf.certificate);
    } else {
      expect(result.failures[0]?.code, summary).toBe(scenario.expected.code);
      expect(result.failures[0]?.index, summary).toBe(scenario.expected.index);
    }
  });
});
