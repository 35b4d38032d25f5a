import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OthernameError } from "../../src/errors.js";
import { parseCertificate, type Certificate } from "../../src/pki/certificate.js";
import { decodePem } from "../../src/pki/pem.js";

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "othername-cert-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function opensslCertificate(name: string, keyArgs: string[], extra: string[] = []): Certificate {
  const out = join(dir, `${name}.pem`);
  execFileSync("openssl", ["req", "-x509", ...keyArgs, "-nodes", "-keyout", join(dir, `${name}.key`), "-out", out, "-days", "2", "-subj", `/CN=${name}`, ...extra], { stdio: "pipe" });
  return parseCertificate(decodePem(readFileSync(out, "utf8"))[0]!.der);
}

describe("parseCertificate", () => {
  it.each([
    ["rsa3072", ["-newkey", "rsa:3072"], { algorithm: "rsa", bits: 3072 }],
    ["p384", ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-384"], { algorithm: "ec", bits: 384, curve: "P-384" }],
    ["p521", ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-521"], { algorithm: "ec", bits: 521, curve: "P-521" }],
    ["ed25519", ["-newkey", "ed25519"], { algorithm: "ed25519", bits: 256 }],
    ["rsapss", ["-newkey", "rsa-pss", "-pkeyopt", "rsa_keygen_bits:2048"], { algorithm: "rsa-pss", bits: 2048 }],
  ] as const)("reads the key type and size of %s as openssl made it", (name, keyArgs, expected) => {
    expect(opensslCertificate(name, [...keyArgs]).publicKey).toMatchObject(expected);
  });

  it("reads basic constraints, key usage, EKU, SKI and AKI", () => {
    const c = opensslCertificate("exts", ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"], [
      "-addext", "basicConstraints=critical,CA:TRUE,pathlen:2",
      "-addext", "keyUsage=critical,keyCertSign,cRLSign,digitalSignature",
      "-addext", "extendedKeyUsage=serverAuth,clientAuth",
    ]);
    expect(c).toMatchObject({ isCa: true, pathLenConstraint: 2, keyUsage: ["digitalSignature", "keyCertSign", "cRLSign"], extendedKeyUsage: ["1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"] });
    expect(c.subjectKeyId).toMatch(/^[0-9a-f]{40}$/);
    expect(c.extensions.find((e) => e.oid === "2.5.29.19")?.critical).toBe(true);
    const text = execFileSync("openssl", ["x509", "-in", join(dir, "exts.pem"), "-noout", "-ext", "subjectKeyIdentifier"], { encoding: "utf8" });
    expect(text.replace(/[^0-9A-F]/g, "").slice(-40).toLowerCase()).toBe(c.subjectKeyId);
  });

  it("keeps the exact signed bytes: the TBS plus the signature verify with openssl's key", () => {
    const c = opensslCertificate("sig", ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"]);
    const tbsFile = join(dir, "tbs.der");
    const sigFile = join(dir, "sig.bin");
    writeFileSync(tbsFile, c.tbs);
    writeFileSync(sigFile, c.signature);
    execFileSync("openssl", ["pkey", "-in", join(dir, "sig.key"), "-pubout", "-out", join(dir, "sig.pub")]);
    const out = execFileSync("openssl", ["dgst", "-sha256", "-verify", join(dir, "sig.pub"), "-signature", sigFile, tbsFile], { encoding: "utf8" });
    expect(out).toContain("Verified OK");
  });

  it("refuses trailing bytes, duplicate extensions and garbage with a typed error", () => {
    const c = opensslCertificate("ok", ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"]);
    expect(() => parseCertificate(Uint8Array.from([...c.der, 0]))).toThrow(OthernameError);
    expect(() => parseCertificate(c.der.subarray(0, c.der.length - 1))).toThrow(/invalid certificate/);
    expect(() => parseCertificate(Uint8Array.from([0x30, 0x03, 0x02, 0x01, 0x01]))).toThrow(OthernameError);
  });
});
