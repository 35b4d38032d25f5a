import { createPrivateKey, createPublicKey, webcrypto } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { OthernameError } from "../../src/errors.js";
import {
  PKCS8_PBKDF2_ITERATIONS,
  exportPrivateKeyDer,
  exportPrivateKeyPem,
  keyMatchesCertificateSpki,
  publicKeyOf,
  readPrivateKey,
  signingAlgorithm,
  toSigningKey,
  toVerifyingKey,
} from "../../src/pki/keys.js";
import type { PrivateKey } from "../../src/pki/keys.js";
import { decodePem } from "../../src/pki/pem.js";
import { FIXTURE_PASSWORD, fixture, openssl, tempDir, thrown } from "./helpers.js";

const rsa = readPrivateKey(fixture("rsa2048.pkcs8.pem"), { source: "rsa" });
const p256 = readPrivateKey(fixture("ec-p256.pkcs8.pem"), { source: "p256" });
const p384 = readPrivateKey(fixture("ec-p384.pkcs8.pem"), { source: "p384" });
const p521 = readPrivateKey(fixture("ec-p521.pkcs8.pem"), { source: "p521" });
const ed25519 = readPrivateKey(fixture("ed25519.pkcs8.pem"), { source: "ed25519" });
const all: readonly (readonly [string, PrivateKey])[] = [["rsa", rsa], ["p256", p256], ["p384", p384], ["p521", p521], ["ed25519", ed25519]];

const temp = tempDir();
afterAll(() => temp.cleanup());

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const sameKey = (a: PrivateKey, b: PrivateKey): boolean => Buffer.from(a.pkcs8).equals(Buffer.from(b.pkcs8));

describe("exportPrivateKeyPem round-trips", () => {
  it.each(all)("%s as plain PKCS#8", (_name, key) => {
    const pem = exportPrivateKeyPem(key);
    expect(pem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(sameKey(readPrivateKey(bytes(pem), { source: "x" }), key)).toBe(true);
  });

  it.each(all)("%s as encrypted PKCS#8, read back by us and by openssl pkey", (name, key) => {
    const pem = exportPrivateKeyPem(key, { password: "s3cret pass" });
    expect(pem).toMatch(/^-----BEGIN ENCRYPTED PRIVATE KEY-----\n/);
    expect(sameKey(readPrivateKey(bytes(pem), { source: "x", password: "s3cret pass" }), key)).toBe(true);
    const path = temp.write(`${name}.enc.pem`, pem);
    const der = openssl(["pkey", "-in", path, "-passin", "pass:s3cret pass", "-outform", "DER", "-pubout"]);
    expect(der.equals(Buffer.from(key.spki))).toBe(true);
    // What openssl sees: PBES2, PBKDF2 with HMAC-SHA256, our iteration count, AES-256-CBC.
    const info = openssl(["asn1parse", "-in", path]).toString();
    expect(info).toContain("PBES2");
    expect(info).toContain("hmacWithSHA256");
    expect(info).toContain("aes-256-cbc");
    expect(info).toMatch(new RegExp(`INTEGER\\s+:0*${PKCS8_PBKDF2_ITERATIONS.toString(16).toUpperCase()}\\n`));
    expect(() => readPrivateKey(bytes(pem), { source: "x", password: "other" })).toThrow(/does not decrypt/);
  });

  it("RSA as PKCS#1, plain and with the certutil-style DEK-Info encryption read by openssl rsa", () => {
    const plain = exportPrivateKeyPem(rsa, { format: "pkcs1" });
    expect(plain).toMatch(/^-----BEGIN RSA PRIVATE KEY-----\n/);
    expect(sameKey(readPrivateKey(bytes(plain), { source: "x" }), rsa)).toBe(true);

    const pem = exportPrivateKeyPem(rsa, { format: "pkcs1", password: FIXTURE_PASSWORD });
    const [block] = decodePem(pem);
    expect(block?.label).toBe("RSA PRIVATE KEY");
    expect(block?.headers.get("Proc-Type")).toBe("4,ENCRYPTED");
    expect(block?.headers.get("DEK-Info")).toMatch(/^AES-256-CBC,[0-9A-F]{32}$/);
    expect(sameKey(readPrivateKey(bytes(pem), { source: "x", password: FIXTURE_PASSWORD }), rsa)).toBe(true);
    const path = temp.write("rsa.pkcs1.enc.pem", pem);
    const pub = openssl(["rsa", "-in", path, "-passin", `pass:${FIXTURE_PASSWORD}`, "-pubout", "-outform", "DER"]);
    expect(pub.equals(Buffer.from(rsa.spki))).toBe(true);
  });

  it("EC as SEC1, plain and encrypted, read by openssl ec", () => {
    const plain = exportPrivateKeyPem(p384, { format: "sec1" });
    expect(plain).toMatch(/^-----BEGIN EC PRIVATE KEY-----\n/);
    const pem = exportPrivateKeyPem(p384, { format: "sec1", password: FIXTURE_PASSWORD });
    const path = temp.write("p384.sec1.enc.pem", pem);
    const pub = openssl(["ec", "-in", path, "-passin", `pass:${FIXTURE_PASSWORD}`, "-pubout", "-outform", "DER"]);
    expect(pub.equals(Buffer.from(p384.spki))).toBe(true);
    expect(sameKey(readPrivateKey(bytes(pem), { source: "x", password: FIXTURE_PASSWORD }), p384)).toBe(true);
  });

  it("plain PKCS#1 equals openssl's traditional form byte for byte", () => {
    const ours = exportPrivateKeyDer(rsa, { format: "pkcs1" });
    expect(Buffer.from(ours).equals(fixture("rsa2048.pkcs1.der"))).toBe(true);
  });

  it("encrypted PKCS#8 DER round-trips; salt and IV are fresh each time", () => {
    const a = exportPrivateKeyDer(p256, { password: "pw" });
    const b = exportPrivateKeyDer(p256, { password: "pw" });
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false);
    expect(sameKey(readPrivateKey(a, { source: "x", password: "pw" }), p256)).toBe(true);
  });

  it.each([
    [p256, "pkcs1"],
    [ed25519, "pkcs1"],
    [rsa, "sec1"],
    [ed25519, "sec1"],
  ] as const)("refuses %#: a key in a format that cannot hold it", (key, format) => {
    const error = thrown(() => exportPrivateKeyPem(key, { format }));
    expect(error).toBeInstanceOf(OthernameError);
    expect((error as OthernameError).code).toBe("KEY_FORMAT_UNSUPPORTED");
    expect((error as OthernameError).kind).toBe("usage");
  });
});

describe("public key and signing helpers", () => {
  it("publicKeyOf reports algorithm, size, curve and SPKI", () => {
    expect(publicKeyOf(p384)).toEqual({ algorithm: "ec", bits: 384, curve: "P-384", spki: p384.spki });
    expect(publicKeyOf(rsa)).toEqual({ algorithm: "rsa", bits: 2048, spki: rsa.spki });
  });

  it.each(all)("%s: toSigningKey signs, and Node verifies with the SPKI", async (_name, key) => {
    const signingKey = await toSigningKey(key);
    const data = new TextEncoder().encode("to be signed");
    const algorithm = signingAlgorithm(key);
    const signature = new Uint8Array(await webcrypto.subtle.sign(algorithm, signingKey, data));
    const verifyingKey = await toVerifyingKey(key);
    expect(await webcrypto.subtle.verify(algorithm, verifyingKey, signature, data)).toBe(true);
    data[0] = 0;
    expect(await webcrypto.subtle.verify(algorithm, verifyingKey, signature, data)).toBe(false);
  });

  it("signing algorithm defaults follow the key (SHA-384 for P-384)", () => {
    expect(signingAlgorithm(rsa)).toEqual({ name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" });
    expect(signingAlgorithm(p384)).toEqual({ name: "ECDSA", hash: "SHA-384" });
    expect(signingAlgorithm(p256, { hash: "SHA-512" })).toEqual({ name: "ECDSA", hash: "SHA-512" });
    expect(signingAlgorithm(ed25519)).toEqual({ name: "Ed25519" });
  });

  it("keyMatchesCertificateSpki compares keys, not encodings", () => {
    expect(keyMatchesCertificateSpki(p256, fixture("ec-p256.spki.der"))).toBe(true);
    expect(keyMatchesCertificateSpki(p256, fixture("ec-p384.spki.der"))).toBe(false);
    expect(keyMatchesCertificateSpki(p256, fixture("rsa2048.spki.der"))).toBe(false);
    expect(keyMatchesCertificateSpki(p256, new Uint8Array([1, 2, 3]))).toBe(false);
    // The same EC key with a compressed point is still a match.
    const compressed = createPublicKey({ key: Buffer.from(p256.spki), format: "der", type: "spki" });
    const jwkBack = createPublicKey({ key: compressed.export({ format: "jwk" }), format: "jwk" });
    expect(keyMatchesCertificateSpki(p256, jwkBack.export({ format: "der", type: "spki" }))).toBe(true);
    const path = temp.write("p256.pem", exportPrivateKeyPem(p256));
    const compressedSpki = openssl(["ec", "-in", path, "-pubout", "-conv_form", "compressed", "-outform", "DER"]);
    expect(compressedSpki.length).toBeLessThan(p256.spki.length);
    expect(keyMatchesCertificateSpki(p256, compressedSpki)).toBe(true);
    expect(createPrivateKey({ key: Buffer.from(p256.pkcs8), format: "der", type: "pkcs8" }).asymmetricKeyType).toBe("ec");
  });
});
