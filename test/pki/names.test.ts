import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseCertificate } from "../../src/pki/certificate.js";
import { decodePem } from "../../src/pki/pem.js";
import { decodeOtherNameValue, encodeOtherNameCommonName, encodeSubjectAltName, parseIp, readSubjectAltNames } from "../../src/pki/names.js";
import { readTlv, toHex } from "../../src/pki/der.js";

const fixture = (name: string) => parseCertificate(decodePem(readFileSync(`fixtures/names/${name}.pem`, "utf8"))[0]!.der);

describe("otherName commonName as Elasticsearch reads it", () => {
  it.each([
    ["utf8", ["node1.node.abc123.cluster.s1.account"]],
    ["printable", ["node2.node.abc123.cluster.s1.account"]],
    ["ia5", ["node3.node.abc123.cluster.s1.account"]],
    ["bmp", ["node4.node.abc123.cluster.s1.account"]],
    ["visible", ["node5.node.abc123.cluster.s1.account"]],
    ["numeric", ["12345"]],
    ["octets", ["deadbeef"]],
    ["double-tag", ["node6.node.abc123.cluster.s1.account"]],
    ["non-ascii", ["café.node.x.cluster.s1.account"]],
    ["t61-ignored", []],
    ["universal-ignored", []],
    ["other-oid", []],
    ["mixed", ["a.node.c1.cluster.s1.account", "b.node.c1.cluster.s1.account"]],
    ["no-san", []],
    ["keytool", []],
  ] as const)("%s", (name, expected) => {
    expect(fixture(name).san.otherNameCommonName).toEqual(expected);
  });

  it("keeps DNS and IP SANs apart from otherNames, and skips email and URI", () => {
    const san = fixture("mixed").san;
    expect(san.dns).toEqual(["node.local", "*.wild.example"]);
    expect(san.ip).toEqual(["10.0.0.1", "fd00::1"]);
    expect(fixture("keytool").san).toMatchObject({ dns: ["java-node.example"], ip: ["10.0.0.2"] });
    expect(fixture("other-oid").san).toMatchObject({ dns: ["kept.example"], otherNameOids: ["1.3.6.1.4.1.311.20.2.3"] });
  });

  it("decodes the ISO-8859-1 string types byte for byte, not as UTF-8", () => {
    expect(decodeOtherNameValue(0x13, Uint8Array.from([0x63, 0xe9]))).toBe("cé");
    expect(decodeOtherNameValue(0x1c, Uint8Array.from([0, 0, 0, 0x41]))).toBeUndefined();
    expect(decodeOtherNameValue(0x14, Uint8Array.from([0x41]))).toBeUndefined();
  });
});

describe("otherName writer", () => {
  it("encodes exactly as DESIGN.md specifies", () => {
    // otherName [0] { OID 2.5.4.3, [0] EXPLICIT UTF8String "a.b" }
    expect(toHex(encodeOtherNameCommonName("a.b"))).toBe("a00c0603550403a0050c03612e62");
  });

  it("writes the same bytes as openssl for `otherName:2.5.4.3;UTF8:…`", () => {
    const fromOpenssl = fixture("mixed").extensions.find((e) => e.oid === "2.5.29.17")!.value;
    const ours = encodeSubjectAltName({
      otherNameCommonName: ["a.node.c1.cluster.s1.account", "b.node.c1.cluster.s1.account"],
    })!;
    // openssl's SAN starts with the two otherNames in the same order: ours must be a byte prefix of its content.
    const oursContent = ours.subarray(readTlv(ours, 0).contentStart);
    const theirsStart = readTlv(fromOpenssl, 0).contentStart;
    expect(toHex(fromOpenssl.subarray(theirsStart, theirsStart + oursContent.length))).toBe(toHex(oursContent));
  });

  it("round-trips through our reader, and openssl -text shows othername: commonName::", () => {
    const names = { otherNameCommonName: ["n1.node.c.cluster.s.account"], dns: ["n1.local"], ip: ["10.1.2.3", "2001:db8::7"] };
    const value = encodeSubjectAltName(names)!;
    expect(readSubjectAltNames(value)).toMatchObject(names);

    const dir = mkdtempSync(join(tmpdir(), "othername-san-"));
    try {
      // Feed our DER to openssl as a raw extension and let it print what it sees.
      const cnf = join(dir, "x.cnf");
      writeFileSync(cnf, `[req]\ndistinguished_name=dn\n[dn]\n[ext]\nsubjectAltName=DER:${toHex(value).replace(/(..)(?!$)/g, "$1:")}\n`);
      execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", join(dir, "k.pem"), "-out", join(dir, "c.pem"), "-subj", "/CN=t", "-config", cnf, "-extensions", "ext"], { stdio: "pipe" });
      const text = execFileSync("openssl", ["x509", "-in", join(dir, "c.pem"), "-noout", "-text"], { encoding: "utf8" });
      expect(text).toContain("othername: commonName::n1.node.c.cluster.s.account");
      expect(text).toContain("DNS:n1.local");
      expect(text).toContain("IP Address:10.1.2.3");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("omits the extension when there are no names", () => {
    expect(encodeSubjectAltName({})).toBeUndefined();
  });

  it("parses IPv4 and IPv6 strictly", () => {
    expect(Array.from(parseIp("192.168.0.1"))).toEqual([192, 168, 0, 1]);
    expect(toHex(parseIp("::1"))).toBe("00000000000000000000000000000001");
    expect(toHex(parseIp("::ffff:10.0.0.1"))).toBe("00000000000000000000ffff0a000001");
    for (const bad of ["256.0.0.1", "1.2.3", "01.2.3.4", "fe80::1::2", "1:2:3:4:5:6:7:8:9", "host"]) {
      expect(() => parseIp(bad), bad).toThrow(/invalid IP address/);
    }
  });
});
