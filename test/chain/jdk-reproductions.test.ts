import "reflect-metadata";
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as x509 from "@peculiar/x509";
import { validateChain, type ChainOptions, type ChainResult } from "../../src/pki/chain.js";
import { parseCertificate } from "../../src/pki/certificate.js";
import { concatBytes, encodeOid, encodeTlv } from "../../src/pki/der.js";
import { encodeDistinguishedName } from "../../src/pki/distinguished-name.js";
import { decodePem } from "../../src/pki/pem.js";
import { AT, makeCa, makeLeaf, type MiniCert } from "./mini-ca.js";

/**
 * The reproductions of issue #12, each as a chain generated here: what plain (RFC 5280)
 * validation says and what validation as the JDK's trust manager (`as`) says.
 */
const exec = promisify(execFile);

function constraints(subtrees: { permitted?: Uint8Array[]; excluded?: Uint8Array[] }) {
  const parts: Uint8Array[] = [];
  const wrap = (names: Uint8Array[]) => concatBytes(names.map((name) => encodeTlv(0x30, name)));
  if (subtrees.permitted) parts.push(encodeTlv(0xa0, wrap(subtrees.permitted)));
  if (subtrees.excluded) parts.push(encodeTlv(0xa1, wrap(subtrees.excluded)));
  return { oid: "2.5.29.30", critical: true, value: encodeTlv(0x30, concatBytes(parts)) };
}
const dirName = (o: string) => encodeTlv(0xa4, encodeDistinguishedName([[{ type: "2.5.4.10", value: o }]]));
const email = (value: string) => encodeTlv(0x81, Buffer.from(value, "latin1"));
const otherNameCn = (value: string) =>
  encodeTlv(0xa0, concatBytes([encodeOid("2.5.4.3"), encodeTlv(0xa0, encodeTlv(0x0c, Buffer.from(value, "utf8")))]));
const eku = (...oids: string[]) => ({ oid: "2.5.29.37", critical: false, value: new Uint8Array(new x509.ExtendedKeyUsageExtension(oids).value) });

let root: MiniCert;
let dir: string;
beforeAll(async () => {
  root = await makeCa("CN=Repro Root");
  dir = await mkdtemp(join(tmpdir(), "othername-jdk-repro-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function run(leaf: MiniCert, intermediates: MiniCert[], options: ChainOptions = {}, at = AT): ChainResult {
  return validateChain({ leaf: leaf.certificate, intermediates: intermediates.map((c) => c.certificate), anchors: [root.certificate], at }, options);
}
const codes = (result: ChainResult) => result.failures.map((f) => f.code);

describe("name constraints of other forms (issue #12)", () => {
  it("permitted dirName O=Acme refuses a leaf with O=Evil (rfc5280::nc::permitted-dn-mismatch)", async () => {
    const ica = await makeCa("O=Acme, CN=Acme CA", root, { extra: [constraints({ permitted: [dirName("Acme")] })] });
    const evil = await makeLeaf("O=Evil, CN=node1", ica);
    const good = await makeLeaf("O=Acme, CN=node1", ica);
    expect(codes(run(evil, [ica]))).toEqual(["NAME_CONSTRAINTS_VIOLATION"]);
    expect(run(evil, [ica]).failures[0]?.message).toContain('is outside the permitted subtrees "O=Acme"');
    expect(codes(run(evil, [ica], { as: "both" }))).toEqual(["NAME_CONSTRAINTS_VIOLATION"]);
    expect(run(good, [ica]).ok).toBe(true);
  });

  it("excluded dirName O=Evil refuses a leaf under it (rfc5280::nc::excluded-dn-match)", async () => {
    const ica = await makeCa("CN=Guard CA, O=Acme", root, { extra: [constraints({ excluded: [dirName("Evil")] })] });
    expect(codes(run(await makeLeaf("O=Evil, CN=x", ica), [ica]))).toEqual(["NAME_CONSTRAINTS_VIOLATION"]);
    expect(run(await makeLeaf("O=Fine, CN=x", ica), [ica]).ok).toBe(true);
  });

  it("a permitted rfc822Name host applies to SAN-less subjects' e-mail addresses, and refuses other hosts", async () => {
    const ica = await makeCa("CN=Mail CA", root, { extra: [constraints({ permitted: [email("example.com")] })] });
    expect(run(await makeLeaf("CN=u, E=user@example.com", ica), [ica]).ok).toBe(true);
    const evil = run(await makeLeaf("CN=u, E=user@evil.com", ica), [ica]);
    expect(codes(evil)).toEqual(["NAME_CONSTRAINTS_VIOLATION"]);
    expect(evil.failures[0]?.message).toContain("e-mail name user@evil.com");
    // A mailbox constraint matches that mailbox only (rfc5280::nc::nc-permits-email-literal-asterisk-rejects-user).
    const exact = await makeCa("CN=Mailbox CA", root, { extra: [constraints({ permitted: [email("*@example.com")] })] });
    expect(codes(run(await makeLeaf("CN=u, E=user@example.com", exact), [exact]))).toEqual(["NAME_CONSTRAINTS_VIOLATION"]);
  });

  it("an otherName constraint over an otherName SAN rejects: it cannot be processed (rfc5280::nc::nc-forbids-othername)", async () => {
    const ica = await makeCa("CN=Other CA", root, { extra: [constraints({ excluded: [otherNameCn("x")] })] });
    const leaf = await makeLeaf("CN=node1", ica, { san: { otherNameCommonName: ["node1.node.c.cluster.s"] } });
    for (const options of [{}, { as: "both" as const }]) {
      const result = run(leaf, [ica], options);
      expect(codes(result)).toEqual(["NAME_CONSTRAINTS_VIOLATION"]);
      expect(result.failures[0]?.message).toContain("cannot be checked against the excluded otherName subtree");
    }
    // A DNS constraint does not touch otherName entries.
    const dnsOnly = await makeCa("CN=DNS CA", root, { nameConstraints: { permittedDns: ["example.com"] } });
    expect(run(await makeLeaf("CN=n", dnsOnly, { san: { otherNameCommonName: ["n.node.c.cluster.s"], dns: ["n.example.com"] } }), [dnsOnly]).ok).toBe(true);
  });

  it("as the JDK, a subject CN that is a host name is checked against dNSName constraints; plain RFC 5280 ignores the CN", async () => {
    const ica = await makeCa("CN=Host CA", root, { nameConstraints: { permittedDns: ["example.com"] } });
    const leaf = await makeLeaf("CN=evil.org", ica);
    expect(run(leaf, [ica]).ok).toBe(true);
    expect(codes(run(leaf, [ica], { as: "server" }))).toEqual(["NAME_CONSTRAINTS_VIOLATION"]);
    // With a dNSName in the SAN, the CN is not used.
    expect(run(await makeLeaf("CN=evil.org", ica, { san: { dns: ["a.example.com"] } }), [ica], { as: "server" }).ok).toBe(true);
  });

  it("as the JDK, a dNSName constraint with a leading period permits every name ending with it (JDK differential random/12-22)", async () => {
    const ica = await makeCa("CN=Dot CA", root, { nameConstraints: { permittedDns: [".example.com"] } });
    const inside = await makeLeaf("CN=leaf", ica, { san: { dns: ["a.example.com"] } });
    expect(run(inside, [ica], { as: "server" }).ok).toBe(true);
    expect(codes(run(await makeLeaf("CN=leaf", ica, { san: { dns: ["a.example.org"] } }), [ica], { as: "server" }))).toEqual(["NAME_CONSTRAINTS_VIOLATION"]);
  });

  it("as the JDK, the trust anchor's own name constraints are not applied (Java TrustAnchor)", async () => {
    const constrainedRoot = await makeCa("CN=Constrained Root", undefined, { extra: [constraints({ permitted: [dirName("Acme")] })] });
    const leaf = await makeLeaf("CN=n, O=Evil", constrainedRoot);
    const input = { leaf: leaf.certificate, intermediates: [], anchors: [constrainedRoot.certificate], at: AT };
    expect(codes(validateChain(input))).toEqual(["NAME_CONSTRAINTS_VIOLATION"]);
    expect(validateChain(input, { as: "server" }).ok).toBe(true);
  });
});

describe("certificate policies (issue #12)", () => {
  const requireExplicit0 = { oid: "2.5.29.36", critical: true, value: encodeTlv(0x30, encodeTlv(0x80, new Uint8Array([0]))) };
  const policies = (...oids: string[]) => ({ oid: "2.5.29.32", critical: false, value: encodeTlv(0x30, concatBytes(oids.map((oid) => encodeTlv(0x30, encodeOid(oid))))) });

  it("requireExplicitPolicy:0 over a leaf without policies fails with POLICY_REQUIRED", async () => {
    const ica = await makeCa("CN=Policy CA", root, { extra: [requireExplicit0] });
    const leaf = await makeLeaf("CN=no policy", ica);
    for (const options of [{}, { as: "both" as const }]) {
      const result = run(leaf, [ica], options);
      expect(codes(result)).toEqual(["POLICY_REQUIRED"]);
      expect(result.failures[0]?.message).toContain("non-null policy tree required and policy tree is null");
    }
  });

  it("passes when every certificate below carries a policy, and fails when the leaf's policy is not the CA's", async () => {
    const ica = await makeCa("CN=Policy CA 2", root, { extra: [requireExplicit0, policies("1.2.3.4")] });
    expect(run(await makeLeaf("CN=same", ica, { extra: [policies("1.2.3.4")] }), [ica]).ok).toBe(true);
    expect(codes(run(await makeLeaf("CN=other", ica, { extra: [policies("1.2.3.5")] }), [ica]))).toEqual(["POLICY_REQUIRED"]);
    // anyPolicy in the CA admits any leaf policy.
    const any = await makeCa("CN=Any CA", root, { extra: [requireExplicit0, policies("2.5.29.32.0")] });
    expect(run(await makeLeaf("CN=any", any, { extra: [policies("1.2.3.5")] }), [any]).ok).toBe(true);
  });

  it("policyMappings maps the CA's policy onto the leaf's; an inhibitPolicyMapping:0 above forbids it", async () => {
    const mapping = { oid: "2.5.29.33", critical: true, value: encodeTlv(0x30, encodeTlv(0x30, concatBytes([encodeOid("1.2.3.4"), encodeOid("1.2.3.9")]))) };
    const mapped = await makeCa("CN=Map CA", root, { extra: [policies("1.2.3.4"), mapping, requireExplicit0] });
    expect(run(await makeLeaf("CN=mapped", mapped, { extra: [policies("1.2.3.9")] }), [mapped]).ok).toBe(true);
    const inhibit = { oid: "2.5.29.36", critical: true, value: encodeTlv(0x30, concatBytes([encodeTlv(0x80, new Uint8Array([0])), encodeTlv(0x81, new Uint8Array([0]))])) };
    const top = await makeCa("CN=NoMap CA", root, { extra: [policies("1.2.3.4"), inhibit] });
    const below = await makeCa("CN=Map CA 2", top, { extra: [policies("1.2.3.4"), mapping] });
    expect(codes(run(await makeLeaf("CN=unmapped", below, { extra: [policies("1.2.3.9")] }), [top, below]))).toEqual(["POLICY_REQUIRED"]);
    expect(run(await makeLeaf("CN=unmapped ok", below, { extra: [policies("1.2.3.4")] }), [top, below]).ok).toBe(false);
  });

  it("inhibitAnyPolicy:0 stops anyPolicy in the certificates below", async () => {
    const inhibitAny = { oid: "2.5.29.54", critical: true, value: encodeTlv(0x02, new Uint8Array([0])) };
    const ica = await makeCa("CN=Inhibit CA", root, { extra: [requireExplicit0, policies("2.5.29.32.0"), inhibitAny] });
    const ica2 = await makeCa("CN=Inhibit CA 2", ica, { extra: [policies("2.5.29.32.0")] });
    expect(codes(run(await makeLeaf("CN=leaf", ica2, { extra: [policies("1.2.3.4")] }), [ica, ica2]))).toEqual(["POLICY_REQUIRED"]);
  });
});

describe("the JDK's TLS end-entity checks and refusals (issue #12)", () => {
  it("EKU emailProtection only: valid for RFC 5280, refused as TLS client and server", async () => {
    const leaf = await makeLeaf("CN=mail", root, { extra: [eku("1.3.6.1.5.5.7.3.4")] });
    expect(run(leaf, []).ok).toBe(true);
    expect(run(leaf, [], { as: "both" }).failures.map((f) => [f.code, f.direction])).toEqual([
      ["TLS_EXTENDED_KEY_USAGE", "client"],
      ["TLS_EXTENDED_KEY_USAGE", "server"],
    ]);
  });

  it("KU keyCertSign-only leaf (rfc5280::leaf-ku-keycertsign): refused as the JDK, KeyUsage does not allow digital signatures", async () => {
    const leaf = await makeLeaf("CN=kcs", root, { keyUsage: x509.KeyUsageFlags.keyCertSign });
    expect(run(leaf, []).ok).toBe(true);
    expect(run(leaf, [], { as: "client" }).failures).toEqual([{ index: 0, code: "TLS_KEY_USAGE", direction: "client", message: "KeyUsage does not allow digital signatures" }]);
  });

  it("serverAuth-only leaf under as both: refused in the client direction only", async () => {
    const leaf = await makeLeaf("CN=srv", root, { extra: [eku("1.3.6.1.5.5.7.3.1")] });
    expect(run(leaf, [], { as: "server" }).ok).toBe(true);
    expect(run(leaf, [], { as: "both" }).failures.map((f) => f.direction)).toEqual(["client"]);
  });

  it("a check 5 ms after the notAfter second still passes (rfc5280::validity::notafter-fractional)", async () => {
    const notAfter = new Date("2031-01-01T00:00:00Z");
    const leaf = await makeLeaf("CN=frac", root, { notAfter });
    expect(run(leaf, [], {}, new Date(notAfter.getTime() + 5)).ok).toBe(true);
    expect(run(leaf, [], { as: "both" }, new Date(notAfter.getTime() + 5)).ok).toBe(true);
    expect(codes(run(leaf, [], {}, new Date(notAfter.getTime() + 1000)))).toEqual(["EXPIRED"]);
  });

  it("a DSA root's signature verifies (webpki::forbidden-dsa-root is a CA/B Forum rule, not RFC 5280's or the JDK's)", async () => {
    const o = (...args: string[]) => exec("openssl", args, { cwd: dir });
    await o("dsaparam", "-genkey", "-out", "dsa.key", "1024");
    await o("req", "-x509", "-new", "-key", "dsa.key", "-sha256", "-subj", "/CN=DSA Root", "-days", "3650", "-out", "dsa-root.pem",
      "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign");
    await o("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "leaf.key");
    await o("req", "-new", "-key", "leaf.key", "-subj", "/CN=dsa leaf", "-out", "leaf.csr");
    await o("x509", "-req", "-in", "leaf.csr", "-CA", "dsa-root.pem", "-CAkey", "dsa.key", "-CAcreateserial", "-sha256", "-days", "365", "-out", "leaf.pem");
    const load = async (file: string) => parseCertificate(decodePem(await readFile(join(dir, file), "latin1"))[0]!.der);
    const input = { leaf: await load("leaf.pem"), intermediates: [], anchors: [await load("dsa-root.pem")], at: new Date() };
    expect(validateChain(input).failures).toEqual([]);
    expect(validateChain(input, { as: "both" }).ok).toBe(true);
  });

  it("a trusted peer with a critical CRL Distribution Points extension (rfc5280::serial::negative): RFC 5280 rejects it, the JDK accepts a trusted peer unchecked", async () => {
    const crlDp = { oid: "2.5.29.31", critical: true, value: encodeTlv(0x30, encodeTlv(0x30, encodeTlv(0xa0, encodeTlv(0xa0, encodeTlv(0x86, Buffer.from("http://crl.example/x.crl")))))) };
    const peer = await makeCa("CN=self trusted", undefined, { extra: [crlDp] });
    const input = { leaf: peer.certificate, intermediates: [], anchors: [peer.certificate], at: AT };
    expect(codes(validateChain(input))).toEqual(["UNSUPPORTED_CRITICAL_EXTENSION"]);
    expect(validateChain(input, { as: "both" })).toMatchObject({ ok: true, failures: [] });
  });

  it("as the JDK, a P-192-like disabled curve or explicit curve is JDK_REFUSED; an expired anchor is not looked at", async () => {
    const expiredRoot = await makeCa("CN=Old Root", undefined, { notAfter: new Date("2029-01-01T00:00:00Z") });
    const leaf = await makeLeaf("CN=n", expiredRoot);
    const input = { leaf: leaf.certificate, intermediates: [], anchors: [expiredRoot.certificate], at: AT };
    expect(codes(validateChain(input))).toEqual(["EXPIRED"]);
    expect(validateChain(input, { as: "both" }).ok).toBe(true);
    const o = (...args: string[]) => exec("openssl", args, { cwd: dir });
    await o("ecparam", "-name", "secp256k1", "-genkey", "-noout", "-out", "k1.key");
    await o("req", "-x509", "-new", "-key", "k1.key", "-sha256", "-subj", "/CN=K1 Root", "-days", "3650", "-out", "k1.pem", "-addext", "basicConstraints=critical,CA:TRUE");
    const k1 = parseCertificate(decodePem(await readFile(join(dir, "k1.pem"), "latin1"))[0]!.der);
    const k1Leaf = await makeLeaf("CN=under k1", root);
    const result = validateChain({ leaf: k1Leaf.certificate, intermediates: [], anchors: [root.certificate, k1], at: AT }, { as: "both" });
    expect(result.ok).toBe(true); // k1 is not on the path
    const self = validateChain({ leaf: k1, intermediates: [], anchors: [root.certificate], at: new Date() }, { as: "both" });
    expect(self.failures.map((f) => f.code)).toContain("JDK_REFUSED");
  });
});

describe("the JDK's trust anchor check (PKIXValidator)", () => {
  it("as the JDK, a v3 anchor that is not a CA, or whose keyUsage lacks keyCertSign, is refused; RFC 5280 takes the anchor as given", async () => {
    const notCa = await makeCa("CN=Not CA Root", undefined, { basicConstraints: null });
    const leaf = await makeLeaf("CN=n1", notCa);
    const input = { leaf: leaf.certificate, intermediates: [], anchors: [notCa.certificate], at: AT };
    expect(validateChain(input, { as: "server" }).failures.map((f) => f.message)).toEqual(['TrustAnchor with subject "CN=Not CA Root" is not a CA certificate']);
    const noKcs = await makeCa("CN=No KCS Root", undefined, { keyUsage: x509.KeyUsageFlags.cRLSign });
    const leaf2 = await makeLeaf("CN=n2", noKcs);
    const input2 = { leaf: leaf2.certificate, intermediates: [], anchors: [noKcs.certificate], at: AT };
    expect(validateChain(input2, { as: "server" }).failures.map((f) => f.code)).toEqual(["JDK_REFUSED"]);
    expect(validateChain(input2).failures.map((f) => f.code)).toEqual(["MISSING_KEY_CERT_SIGN"]);
  });
});
