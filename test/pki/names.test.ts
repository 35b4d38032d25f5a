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
    // The JDK adds one [0] and Elasticsearch removes one: a value wrapped twice in the certificate gives no name.
    ["double-tag", []],
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

describe("strings decoded by Java's charset decoders (JDK 17 replacement rules)", () => {
  const bytes = (hex: string) => Uint8Array.from(Buffer.from(hex, "hex"));
  it.each([
    // [tag, content hex, what Elasticsearch reads]
    [0x0c, "41c3a9", "Aé"],
    [0x0c, "eda080", "\ufffd"], // an encoded surrogate: one U+FFFD in Java (three in WHATWG/TextDecoder)
    [0x0c, "41e282", "A\ufffd"], // a sequence cut by the end: one U+FFFD
    [0x0c, "e0808041", "\ufffd\ufffd\ufffdA"], // overlong E0 80: each byte alone
    [0x0c, "f0908041", "\ufffdA"], // a 4-byte sequence cut short: one U+FFFD for the three bytes
    [0x0c, "c0af", "\ufffd\ufffd"],
    [0x1e, "004100", "A\ufffd"], // odd length: a trailing U+FFFD
    [0x1e, "d8000041", "\ufffd"], // a high surrogate followed by no low one swallows the next unit
    [0x1e, "dc000041", "\ufffdA"], // a lone low surrogate
    [0x1e, "d83ddca9", "\u{1f4a9}"],
  ] as const)("tag %i %s", (tag, hex, expected) => {
    expect(decodeOtherNameValue(tag, bytes(hex))).toBe(expected);
  });
});

describe("a subjectAltName the JDK cannot parse", () => {
  const ON = "a00a0603550403a0030c0141"; // otherName 2.5.4.3 "A"
  const san = (entriesHex: string) => {
    const content = Buffer.from(entriesHex, "hex");
    return Uint8Array.from(Buffer.concat([Buffer.from([0x30, content.length]), content]));
  };
  it("reads the names when every entry parses (no DNS syntax check; a value without [0] is read too)", () => {
    expect(readSubjectAltNames(san(`8203612062${ON}`))).toMatchObject({ dns: ["a b"], otherNameCommonName: ["A"] });
    expect(readSubjectAltNames(san("a00806035504030c0141"))).toMatchObject({ otherNameCommonName: ["A"] });
  });
  it.each([
    ["an iPAddress of 5 octets", `87050102030405${ON}`],
    ["a URI without a scheme", `860b6578616d706c652e636f6d${ON}`],
    ["an empty rfc822Name", `8100${ON}`],
    ["a primitive otherName", `80050603550403${ON}`],
    ["tag [9]", `890141${ON}`],
  ])("non-critical, %s: no names at all (getSubjectAlternativeNames() is null)", (_, hex) => {
    const names = readSubjectAltNames(san(hex));
    expect(names.otherNameCommonName).toEqual([]);
    expect(names.unreadable).toBeTruthy();
  });
  it("critical: the certificate is refused", () => {
    expect(() => readSubjectAltNames(san(`87050102030405${ON}`), { critical: true })).toThrow(/critical subjectAltName/);
    expect(() => readSubjectAltNames(san(""), { critical: true })).toThrow(/empty/);
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
