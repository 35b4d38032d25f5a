import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OthernameError } from "../../src/errors.js";
import { parseCertificate, type Certificate } from "../../src/pki/certificate.js";
import { createCaCertificate, isSignedBy, prepareIssuer, type Issuer } from "../../src/pki/issue.js";
import { exportPrivateKeyPem, generateKey, type PrivateKey } from "../../src/pki/keys.js";
import { decodePem, encodePem } from "../../src/pki/pem.js";
import { keySpecOf, reissueCertificate } from "../../src/pki/reissue.js";

const SAN = "2.5.29.17";
const at = new Date("2026-12-02T08:00:00.600Z");
const notBefore = new Date("2025-01-01T00:00:00Z");
const notAfter = new Date("2035-01-01T00:00:00Z");

interface TestCa {
  readonly issuer: Issuer;
  readonly key: PrivateKey;
  readonly certificate: Certificate;
  readonly certFile: string;
  readonly keyFile: string;
}

let dir: string;
let ca1: TestCa;
let ca2: TestCa;
let ca1Twin: TestCa;

async function makeCa(cn: string): Promise<TestCa> {
  const key = await generateKey({ algorithm: "ec", curve: "P-256" });
  const certificate = parseCertificate(await createCaCertificate({ key, subject: [[{ type: "2.5.4.3", value: cn }]], notBefore, notAfter }));
  const issuer = await prepareIssuer({ certificate, key }, { certificate: cn, key: cn });
  const stem = join(dir, `${cn.replace(/\W/g, "_")}-${Math.random().toString(36).slice(2)}`);
  writeFileSync(`${stem}.crt`, encodePem("CERTIFICATE", certificate.der));
  writeFileSync(`${stem}.key`, exportPrivateKeyPem(key));
  return { issuer, key, certificate, certFile: `${stem}.crt`, keyFile: `${stem}.key` };
}

async function leafOf(ca: TestCa): Promise<{ certificate: Certificate; key: PrivateKey }> {
  const key = await generateKey({ algorithm: "ec", curve: "P-256" });
  const der = await ca.issuer.issue({
    subject: [[{ type: "2.5.4.3", value: "node1" }]],
    san: { otherNameCommonName: ["node1.node.abc.cluster.s1.account"], dns: ["node1.example.com"], ip: ["10.0.0.1", "::1"] },
    publicKey: key.spki,
    notBefore,
    notAfter: new Date("2026-01-01T00:00:00Z"),
  });
  return { certificate: parseCertificate(der), key };
}

/**
 * A leaf made by openssl and signed by `ca`, with what our own encoder would never write:
 * PrintableString subject attributes, a critical SAN whose otherName is a BMPString, keyUsage
 * and extendedKeyUsage. A renewal that re-encoded anything would change these bytes.
 */
function opensslLeaf(ca: TestCa): { certificate: Certificate; keyFile: string } {
  const stem = join(dir, `openssl-${Math.random().toString(36).slice(2)}`);
  writeFileSync(`${stem}.cnf`, "[req]\ndistinguished_name=dn\nstring_mask=default\nprompt=no\n[dn]\nC=NL\nO=Example Org\nCN=node2\n");
  writeFileSync(
    `${stem}.ext`,
    "subjectAltName=critical,otherName:2.5.4.3;BMPSTRING:node2.node.abc.cluster.s1.account,DNS:node2.example.com,IP:10.0.0.2,IP:fe80::1\n" +
      "keyUsage=critical,digitalSignature,keyAgreement\nextendedKeyUsage=serverAuth,clientAuth\n",
  );
  const run = (args: string[]) => execFileSync("openssl", args, { stdio: "pipe" });
  run(["req", "-new", "-config", `${stem}.cnf`, "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", `${stem}.key`, "-out", `${stem}.csr`]);
  run(["x509", "-req", "-in", `${stem}.csr`, "-CA", ca.certFile, "-CAkey", ca.keyFile, "-set_serial", "7", "-days", "30", "-extfile", `${stem}.ext`, "-out", `${stem}.crt`]);
  return { certificate: parseCertificate(decodePem(readFileSync(`${stem}.crt`, "utf8"))[0]!.der), keyFile: `${stem}.key` };
}

function opensslText(der: Uint8Array, args: string[]): string {
  const file = join(dir, `x-${Math.random().toString(36).slice(2)}.crt`);
  writeFileSync(file, encodePem("CERTIFICATE", der));
  return execFileSync("openssl", ["x509", "-in", file, "-noout", ...args], { encoding: "utf8" });
}

function opensslVerify(ca: TestCa, der: Uint8Array): string {
  const file = join(dir, `v-${Math.random().toString(36).slice(2)}.crt`);
  writeFileSync(file, encodePem("CERTIFICATE", der));
  // At a time inside the new validity (the test's `at` is not the machine's clock).
  const attime = String(Math.floor(at.getTime() / 1000) + 3600);
  return execFileSync("openssl", ["verify", "-attime", attime, "-CAfile", ca.certFile, file], { encoding: "utf8" }).trim();
}

function extension(certificate: Certificate, oid: string) {
  return certificate.extensions.find((e) => e.oid === oid);
}

function codeOf(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => "resolved",
    (error: unknown) => (error instanceof OthernameError ? error.code : String(error)),
  );
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "othername-reissue-"));
  [ca1, ca2, ca1Twin] = await Promise.all([makeCa("CA one"), makeCa("CA two"), makeCa("CA one")]);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("reissueCertificate", () => {
  it("keeps subject and SAN bytes, sets the new validity, signs with the CA and makes a new key of the same type", async () => {
    const old = await leafOf(ca1);
    const renewed = await reissueCertificate({ certificate: old.certificate, issuer: ca1.issuer, validity: { days: 400, at } });
    const c = renewed.certificate;
    expect(c.der).toEqual(renewed.der);
    expect(c.subjectDer).toEqual(old.certificate.subjectDer);
    expect(extension(c, SAN)).toEqual(extension(old.certificate, SAN));
    expect(c.san).toEqual(old.certificate.san);
    expect(c.notBefore.toISOString()).toBe("2026-12-02T08:00:00.000Z");
    expect(c.notAfter.getTime() - c.notBefore.getTime()).toBe(400 * 86_400_000);
    expect(c.serialHex).not.toBe(old.certificate.serialHex);
    expect(c.issuerDer).toEqual(ca1.certificate.subjectDer);
    expect(isSignedBy(c.der, ca1.certificate.publicKey.spki)).toBe(true);
    expect(opensslVerify(ca1, c.der)).toMatch(/: OK$/);
    expect(renewed).toMatchObject({ keyReused: false, sameIssuer: true });
    expect(renewed.key).toMatchObject({ algorithm: "ec", curve: "P-256" });
    expect(c.publicKey.spki).toEqual(renewed.key!.spki);
    expect(c.publicKey.spki).not.toEqual(old.certificate.publicKey.spki);
    // The extensions `cert` writes, from the new key and issuer.
    expect(c.extensions.map((e) => e.oid)).toEqual(old.certificate.extensions.map((e) => e.oid));
    expect(c.isCa).toBe(false);
    expect(c.authorityKeyId).toBe(ca1.certificate.subjectKeyId);
    expect(c.subjectKeyId).not.toBe(old.certificate.subjectKeyId);
  });

  it("copies an openssl-made subject and critical SAN byte for byte, and keeps keyUsage and extendedKeyUsage", async () => {
    const old = opensslLeaf(ca1);
    const renewed = await reissueCertificate({ certificate: old.certificate, issuer: ca1.issuer, validity: { days: 90, at } });
    const c = renewed.certificate;
    expect(c.subjectDer).toEqual(old.certificate.subjectDer);
    const san = extension(c, SAN);
    expect(san?.critical).toBe(true);
    expect(san).toEqual(extension(old.certificate, SAN));
    for (const oid of ["2.5.29.15", "2.5.29.37"]) expect(extension(c, oid)).toEqual(extension(old.certificate, oid));
    const opensslOld = opensslText(old.certificate.der, ["-ext", "subjectAltName,keyUsage,extendedKeyUsage", "-subject", "-nameopt", "RFC2253"]);
    expect(opensslOld).toContain("othername: ");
    expect(opensslText(c.der, ["-ext", "subjectAltName,keyUsage,extendedKeyUsage", "-subject", "-nameopt", "RFC2253"])).toBe(opensslOld);
    expect(opensslVerify(ca1, c.der)).toMatch(/: OK$/);
  });

  it("reuses the key on request: the same SubjectPublicKeyInfo bytes, no new key returned", async () => {
    const old = await leafOf(ca1);
    const renewed = await reissueCertificate({ certificate: old.certificate, issuer: ca1.issuer, validity: { days: 30, at }, key: { reuse: old.key } });
    expect(renewed.certificate.publicKey.spki).toEqual(old.certificate.publicKey.spki);
    expect(renewed.key).toBeUndefined();
    expect(renewed.keyReused).toBe(true);
    expect(renewed.certificate.subjectKeyId).toBe(old.certificate.subjectKeyId);
  });

  it("refuses to reuse a key that is not the certificate's", async () => {
    const old = await leafOf(ca1);
    const other = await generateKey({ algorithm: "ec", curve: "P-256" });
    expect(await codeOf(reissueCertificate({ certificate: old.certificate, issuer: ca1.issuer, validity: { days: 30, at }, key: { reuse: other } }))).toBe("REISSUE_KEY_MISMATCH");
  });

  it("generates the key type asked for", async () => {
    const old = await leafOf(ca1);
    const renewed = await reissueCertificate({ certificate: old.certificate, issuer: ca1.issuer, validity: { days: 30, at }, key: { generate: { algorithm: "ec", curve: "P-384" } } });
    expect(renewed.certificate.publicKey.curve).toBe("P-384");
  });

  it("refuses a certificate another CA issued unless reissuer is set, then signs it with the given CA", async () => {
    const old = await leafOf(ca1);
    const refusal = await reissueCertificate({ certificate: old.certificate, issuer: ca2.issuer, validity: { days: 30, at } }).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(OthernameError);
    expect((refusal as OthernameError).code).toBe("REISSUE_OTHER_ISSUER");
    expect((refusal as OthernameError).message).toContain("issued by CN=CA one, not by the given CA CN=CA two");
    const renewed = await reissueCertificate({ certificate: old.certificate, issuer: ca2.issuer, validity: { days: 30, at }, reissuer: true });
    expect(renewed.sameIssuer).toBe(false);
    expect(renewed.certificate.issuer).toBe("CN=CA two");
    expect(opensslVerify(ca2, renewed.der)).toMatch(/: OK$/);
    expect(extension(renewed.certificate, SAN)).toEqual(extension(old.certificate, SAN));
  });

  it("refuses a CA of the same name whose key did not sign the certificate", async () => {
    const old = await leafOf(ca1);
    const refusal = await reissueCertificate({ certificate: old.certificate, issuer: ca1Twin.issuer, validity: { days: 30, at } }).catch((e: unknown) => e);
    expect((refusal as OthernameError).code).toBe("REISSUE_OTHER_ISSUER");
    expect((refusal as OthernameError).message).toContain("signature does not verify");
  });

  it("refuses a CA certificate and a validity that is not whole days", async () => {
    const old = await leafOf(ca1);
    expect(await codeOf(reissueCertificate({ certificate: ca1.certificate, issuer: ca1.issuer, validity: { days: 30, at }, reissuer: true }))).toBe("REISSUE_NOT_A_LEAF");
    expect(await codeOf(reissueCertificate({ certificate: old.certificate, issuer: ca1.issuer, validity: { days: 0, at } }))).toBe("REISSUE_DAYS_INVALID");
    expect(await codeOf(reissueCertificate({ certificate: old.certificate, issuer: ca1.issuer, validity: { days: 1.5, at } }))).toBe("REISSUE_DAYS_INVALID");
  });

  it("names the key type it cannot regenerate", () => {
    const file = join(dir, "p521.crt");
    execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-521", "-nodes", "-keyout", join(dir, "p521.key"), "-out", file, "-days", "2", "-subj", "/CN=p521"], { stdio: "pipe" });
    const certificate = parseCertificate(decodePem(readFileSync(file, "utf8"))[0]!.der);
    expect(() => keySpecOf(certificate)).toThrow(/EC P-521/);
  });
});
