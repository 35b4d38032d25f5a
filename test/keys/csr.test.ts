import { afterAll, describe, expect, it } from "vitest";
import { OthernameError } from "../../src/errors.js";
import { createCsr, parseCsr } from "../../src/pki/csr.js";
import { readPrivateKey } from "../../src/pki/keys.js";
import { encodePem } from "../../src/pki/pem.js";
import { fixture, openssl, tempDir, thrown } from "./helpers.js";

const p256 = readPrivateKey(fixture("ec-p256.pkcs8.pem"), { source: "p256" });
const p384 = readPrivateKey(fixture("ec-p384.pkcs8.pem"), { source: "p384" });
const rsa = readPrivateKey(fixture("rsa2048.pkcs8.pem"), { source: "rsa" });
const ed25519 = readPrivateKey(fixture("ed25519.pkcs8.pem"), { source: "ed25519" });

const temp = tempDir();
afterAll(() => temp.cleanup());

describe("createCsr", () => {
  it("openssl req -verify accepts it and shows the otherName, DNS and IP SANs", async () => {
    const der = await createCsr({
      key: p256,
      subject: "CN=node1",
      san: { otherNameCommonName: ["node1.node.abc123.cluster.s1.account"], dns: ["node1.example.com"], ip: ["10.0.0.1", "fd00::1"] },
    });
    const path = temp.write("node1.csr", encodePem("CERTIFICATE REQUEST", der));
    const text = openssl(["req", "-in", path, "-verify", "-noout", "-text"]).toString();
    expect(text).toMatch(/Subject: CN\s?=\s?node1/);
    expect(text).toContain("Requested Extensions:");
    expect(text).toContain("othername: commonName::node1.node.abc123.cluster.s1.account");
    expect(text).toContain("DNS:node1.example.com");
    expect(text).toContain("IP Address:10.0.0.1");
    expect(text).toContain("IP Address:FD00:0:0:0:0:0:0:1");
    expect(text).toContain("ecdsa-with-SHA256");
    // openssl reports the public key of the request equal to our key.
    const pub = openssl(["req", "-in", path, "-noout", "-pubkey"]).toString();
    const pubDer = openssl(["pkey", "-pubin", "-outform", "DER"], { input: pub });
    expect(pubDer.equals(Buffer.from(p256.spki))).toBe(true);
  });

  it.each([
    ["rsa", "sha256WithRSAEncryption", rsa],
    ["p384", "ecdsa-with-SHA384", p384],
    ["ed25519", "ED25519", ed25519],
  ] as const)("signs with a %s key (%s), verified by openssl", async (name, algorithm, key) => {
    const der = await createCsr({ key, subject: "CN=node2, OU=ops, O=Example", san: { dns: ["node2"] } });
    const path = temp.write(`${name}.csr.der`, der);
    const text = openssl(["req", "-inform", "DER", "-in", path, "-verify", "-noout", "-text"]).toString();
    expect(text).toContain(algorithm);
    expect(text).toContain("DNS:node2");
    // RFC 4514 order in, the same order back from openssl's RFC 2253 printing.
    expect(openssl(["req", "-inform", "DER", "-in", path, "-noout", "-subject", "-nameopt", "RFC2253"]).toString().trim()).toBe("subject=CN=node2,OU=ops,O=Example");
    expect(parseCsr(der).subject).toBe("CN=node2, OU=ops, O=Example");
  });

  it("without SAN names there is no extension request", async () => {
    const der = await createCsr({ key: p256, subject: "CN=bare", san: {} });
    const path = temp.write("bare.csr.der", der);
    const text = openssl(["req", "-inform", "DER", "-in", path, "-verify", "-noout", "-text"]).toString();
    expect(text).not.toContain("Subject Alternative Name");
    expect(parseCsr(der).san.dns).toEqual([]);
  });

  it("refuses a subject that is not a DN", async () => {
    for (const subject of ["node1", "", "FOO=bar"]) {
      await expect(createCsr({ key: p256, subject })).rejects.toMatchObject({ code: "CSR_SUBJECT_INVALID" });
    }
  });
});

describe("parseCsr", () => {
  it("reads back our request: subject, key, SAN values, valid signature", async () => {
    const der = await createCsr({ key: p256, subject: "CN=node1, O=Example", san: { otherNameCommonName: ["a.node.c.cluster.s"], dns: ["a.example"], ip: ["192.168.1.2"] } });
    const csr = parseCsr(der, { source: "node1.csr" });
    expect(csr.subject).toBe("CN=node1, O=Example");
    expect(csr.publicKey).toMatchObject({ algorithm: "ec", bits: 256, curve: "P-256" });
    expect(Buffer.from(csr.publicKey.spki).equals(Buffer.from(p256.spki))).toBe(true);
    expect(csr.san.otherNameCommonName).toEqual(["a.node.c.cluster.s"]);
    expect(csr.san.dns).toEqual(["a.example"]);
    expect(csr.san.ip).toEqual(["192.168.1.2"]);
    expect(csr.signatureAlgorithm.name).toBe("ecdsa-with-SHA256");
    expect(csr.signatureValid).toBe(true);
  });

  it("reads openssl's request (PEM) with an otherName requested via -addext", () => {
    const keyPath = temp.write("k.pem", fixture("ec-p384.pkcs8.pem"));
    const pem = openssl([
      "req", "-new", "-key", keyPath, "-subj", "/CN=from-openssl",
      "-addext", "subjectAltName=otherName:2.5.4.3;UTF8:x.node.y.cluster.z,DNS:host.example",
    ]);
    const csr = parseCsr(new Uint8Array(pem), { source: "openssl.csr" });
    expect(csr.subject).toBe("CN=from-openssl");
    expect(csr.san.otherNameCommonName).toEqual(["x.node.y.cluster.z"]);
    expect(csr.san.dns).toEqual(["host.example"]);
    expect(csr.publicKey.curve).toBe("P-384");
    expect(csr.signatureValid).toBe(true);
  });

  it("reports a tampered request as signatureValid: false", async () => {
    const der = await createCsr({ key: rsa, subject: "CN=tamper", san: { dns: ["aaaa"] } });
    const at = Buffer.from(der).indexOf("aaaa");
    expect(at).toBeGreaterThan(0);
    const tampered = der.slice();
    tampered[at] = "b".charCodeAt(0);
    const csr = parseCsr(tampered);
    expect(csr.san.dns).toEqual(["baaa"]);
    expect(csr.signatureValid).toBe(false);
    expect(parseCsr(der).signatureValid).toBe(true);
  });

  it("malformed input and a certificate give CSR errors naming the source", () => {
    const der = fixture("ec-p256.cert.der");
    for (const input of [der.subarray(0, 40), new Uint8Array([1, 2, 3]), fixture("ec-p256.cert.pem")]) {
      const error = thrown(() => parseCsr(input, { source: "bad.csr" }));
      expect(error).toBeInstanceOf(OthernameError);
      expect((error as OthernameError).message).toMatch(/^cannot read certificate request bad\.csr: /);
      expect((error as OthernameError).hint).toBeTruthy();
    }
  });
});
