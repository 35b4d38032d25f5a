import { describe, expect, it } from "vitest";
import { OthernameError } from "../../src/errors.js";
import { readPrivateKey } from "../../src/pki/keys.js";
import type { PrivateKey } from "../../src/pki/keys.js";
import { decodePem, encodePem } from "../../src/pki/pem.js";
import { FIXTURE_PASSWORD, fixture, openssl, thrown } from "./helpers.js";

interface Case {
  readonly file: string;
  readonly algorithm: PrivateKey["algorithm"];
  readonly bits: number;
  readonly curve?: string;
  /** The plain file whose public key the case must have. */
  readonly plain: string;
  readonly password?: string;
}

const cases: readonly Case[] = [
  { file: "rsa2048.pkcs8.pem", algorithm: "rsa", bits: 2048, plain: "rsa2048.pkcs8.pem" },
  { file: "rsa3072.pkcs8.pem", algorithm: "rsa", bits: 3072, plain: "rsa3072.pkcs8.pem" },
  { file: "ec-p256.pkcs8.pem", algorithm: "ec", bits: 256, curve: "P-256", plain: "ec-p256.pkcs8.pem" },
  { file: "ec-p384.pkcs8.pem", algorithm: "ec", bits: 384, curve: "P-384", plain: "ec-p384.pkcs8.pem" },
  { file: "ec-p521.pkcs8.pem", algorithm: "ec", bits: 521, curve: "P-521", plain: "ec-p521.pkcs8.pem" },
  { file: "ed25519.pkcs8.pem", algorithm: "ed25519", bits: 256, plain: "ed25519.pkcs8.pem" },
  // Traditional PEM.
  { file: "rsa2048.pkcs1.pem", algorithm: "rsa", bits: 2048, plain: "rsa2048.pkcs8.pem" },
  { file: "ec-p256.sec1.pem", algorithm: "ec", bits: 256, curve: "P-256", plain: "ec-p256.pkcs8.pem" },
  { file: "ec-p384.sec1.pem", algorithm: "ec", bits: 384, curve: "P-384", plain: "ec-p384.pkcs8.pem" },
  { file: "ec-p521.sec1.pem", algorithm: "ec", bits: 521, curve: "P-521", plain: "ec-p521.pkcs8.pem" },
  { file: "ec-p256.params.sec1.pem", algorithm: "ec", bits: 256, curve: "P-256", plain: "ec-p256.params.sec1.pem" },
  // DER.
  { file: "rsa2048.pkcs8.der", algorithm: "rsa", bits: 2048, plain: "rsa2048.pkcs8.pem" },
  { file: "rsa2048.pkcs1.der", algorithm: "rsa", bits: 2048, plain: "rsa2048.pkcs8.pem" },
  { file: "ec-p256.sec1.der", algorithm: "ec", bits: 256, curve: "P-256", plain: "ec-p256.pkcs8.pem" },
  { file: "ed25519.pkcs8.der", algorithm: "ed25519", bits: 256, plain: "ed25519.pkcs8.pem" },
  // Encrypted PKCS#8 (PBES2).
  { file: "rsa2048.pkcs8.aes256.pem", algorithm: "rsa", bits: 2048, plain: "rsa2048.pkcs8.pem", password: FIXTURE_PASSWORD },
  { file: "rsa2048.pkcs8.des3.pem", algorithm: "rsa", bits: 2048, plain: "rsa2048.pkcs8.pem", password: FIXTURE_PASSWORD },
  { file: "ec-p256.pkcs8.aes128.pem", algorithm: "ec", bits: 256, curve: "P-256", plain: "ec-p256.pkcs8.pem", password: FIXTURE_PASSWORD },
  { file: "ec-p256.pkcs8.aes256-sha1.pem", algorithm: "ec", bits: 256, curve: "P-256", plain: "ec-p256.pkcs8.pem", password: FIXTURE_PASSWORD },
  { file: "ec-p384.pkcs8.aes192-sha384.pem", algorithm: "ec", bits: 384, curve: "P-384", plain: "ec-p384.pkcs8.pem", password: FIXTURE_PASSWORD },
  { file: "ec-p521.pkcs8.aes256-sha512.pem", algorithm: "ec", bits: 521, curve: "P-521", plain: "ec-p521.pkcs8.pem", password: FIXTURE_PASSWORD },
  { file: "ed25519.pkcs8.aes256.pem", algorithm: "ed25519", bits: 256, plain: "ed25519.pkcs8.pem", password: FIXTURE_PASSWORD },
  { file: "ec-p256.pkcs8.aes256.der", algorithm: "ec", bits: 256, curve: "P-256", plain: "ec-p256.pkcs8.pem", password: FIXTURE_PASSWORD },
  { file: "ec-p256.pkcs8.utf8pass.pem", algorithm: "ec", bits: 256, curve: "P-256", plain: "ec-p256.pkcs8.pem", password: "pässwörd" },
  // Legacy encrypted PEM (Proc-Type/DEK-Info).
  { file: "rsa2048.pkcs1.aes128.pem", algorithm: "rsa", bits: 2048, plain: "rsa2048.pkcs8.pem", password: FIXTURE_PASSWORD },
  { file: "rsa2048.pkcs1.aes192.pem", algorithm: "rsa", bits: 2048, plain: "rsa2048.pkcs8.pem", password: FIXTURE_PASSWORD },
  { file: "rsa2048.pkcs1.aes256.pem", algorithm: "rsa", bits: 2048, plain: "rsa2048.pkcs8.pem", password: FIXTURE_PASSWORD },
  { file: "rsa2048.pkcs1.des3.pem", algorithm: "rsa", bits: 2048, plain: "rsa2048.pkcs8.pem", password: FIXTURE_PASSWORD },
  { file: "ec-p256.sec1.aes256.pem", algorithm: "ec", bits: 256, curve: "P-256", plain: "ec-p256.pkcs8.pem", password: FIXTURE_PASSWORD },
  { file: "ec-p384.sec1.des3.pem", algorithm: "ec", bits: 384, curve: "P-384", plain: "ec-p384.pkcs8.pem", password: FIXTURE_PASSWORD },
];

function codeOf(error: unknown): string {
  expect(error).toBeInstanceOf(OthernameError);
  return (error as OthernameError).code;
}

describe("readPrivateKey over openssl fixtures", () => {
  it.each(cases)("$file", (c) => {
    const key = readPrivateKey(fixture(c.file), { source: c.file, password: c.password });
    expect(key.algorithm).toBe(c.algorithm);
    expect(key.bits).toBe(c.bits);
    expect(key.curve).toBe(c.curve);
    // The SPKI must equal what openssl derives from the same (plain) key file.
    const expectedSpki = openssl(["pkey", "-in", `fixtures/keys/${c.plain}`, "-pubout", "-outform", "DER"]);
    expect(Buffer.from(key.spki).equals(expectedSpki)).toBe(true);
    // And the PKCS#8 is openssl's PKCS#8 of the plain key.
    const expectedPkcs8 = openssl(["pkcs8", "-topk8", "-nocrypt", "-in", `fixtures/keys/${c.plain}`, "-outform", "DER"]);
    expect(Buffer.from(key.pkcs8).equals(expectedPkcs8)).toBe(true);
    expect(Object.isFrozen(key)).toBe(true);
  });

  it("reads the key out of a certificate + key bundle", () => {
    const key = readPrivateKey(fixture("ec-p256.cert-and-key.pem"), { source: "bundle.pem" });
    expect(Buffer.from(key.spki).equals(Buffer.from(fixture("ec-p256.spki.der")))).toBe(true);
  });

  it("reads CRLF PEM with leading text", () => {
    const text = "Bag Attributes\r\n    friendlyName: node1\r\n" + Buffer.from(fixture("ec-p256.sec1.aes256.pem")).toString().replace(/\n/g, "\r\n");
    const key = readPrivateKey(new TextEncoder().encode(text), { source: "crlf.pem", password: FIXTURE_PASSWORD });
    expect(key.curve).toBe("P-256");
  });
});

describe("readPrivateKey errors", () => {
  const encrypted = ["rsa2048.pkcs8.aes256.pem", "ec-p256.pkcs8.aes256.der", "rsa2048.pkcs1.aes256.pem", "ec-p384.sec1.des3.pem", "rsa2048.pkcs8.des3.pem"];

  it.each(encrypted)("%s without a password: KEY_PASSWORD_REQUIRED", (file) => {
    const error = thrown(() => readPrivateKey(fixture(file), { source: file }));
    expect(codeOf(error)).toBe("KEY_PASSWORD_REQUIRED");
    expect((error as OthernameError).message).toMatch(new RegExp(`^cannot read private key ${file.replace(/\./g, "\\.")}: `));
    expect((error as OthernameError).hint).toContain("--pass-file");
    expect((error as OthernameError).kind).toBe("input");
  });

  it.each(encrypted)("%s with a wrong password: KEY_WRONG_PASSWORD", (file) => {
    for (const password of ["wrong", "", "fixture-pas", "Fixture-pass"]) {
      const error = thrown(() => readPrivateKey(fixture(file), { source: file, password }));
      expect(codeOf(error)).toBe("KEY_WRONG_PASSWORD");
      expect((error as OthernameError).message).toContain(`cannot read private key ${file}: `);
    }
  });

  it.each([
    ["ec-p256.cert.pem", /contains a certificate/],
    ["ec-p256.cert.der", /contains a DER certificate/],
    ["ec-p256.csr.pem", /certificate signing request/],
    ["ec-p256.spki.der", /not a private key/],
  ])("%s passed as a key: NOT_A_KEY, saying what it is", (file, what) => {
    const error = thrown(() => readPrivateKey(fixture(file), { source: file }));
    expect(codeOf(error)).toBe("NOT_A_KEY");
    expect((error as OthernameError).message).toMatch(what);
    expect((error as OthernameError).message).toContain(file);
  });

  it("a public key PEM: NOT_A_KEY", () => {
    const pem = encodePem("PUBLIC KEY", fixture("ec-p256.spki.der"));
    const error = thrown(() => readPrivateKey(new TextEncoder().encode(pem), { source: "pub.pem" }));
    expect(codeOf(error)).toBe("NOT_A_KEY");
    expect((error as OthernameError).message).toContain("a public key");
  });

  it.each([
    ["x25519.pkcs8.pem", "1.3.101.110"],
    ["ec-secp256k1.pkcs8.pem", "1.3.132.0.10"],
    ["rsa-pss.pkcs8.pem", "1.2.840.113549.1.1.10"],
    ["ec-p256.pkcs8.pbes1.pem", "1.2.840.113549.1.12.1.3"],
  ])("%s: KEY_UNSUPPORTED_ALGORITHM naming %s", (file, oid) => {
    const error = thrown(() => readPrivateKey(fixture(file), { source: file, password: FIXTURE_PASSWORD }));
    expect(codeOf(error)).toBe("KEY_UNSUPPORTED_ALGORITHM");
    expect((error as OthernameError).message).toContain(oid);
    expect((error as OthernameError).hint).toBeTruthy();
  });

  it("a legacy PEM cipher we do not support names the cipher", () => {
    const text = Buffer.from(fixture("rsa2048.pkcs1.des3.pem")).toString().replace(/DEK-Info: DES-EDE3-CBC,/, "DEK-Info: DES-CBC,");
    const error = thrown(() => readPrivateKey(new TextEncoder().encode(text), { source: "des.pem", password: FIXTURE_PASSWORD }));
    expect(codeOf(error)).toBe("KEY_UNSUPPORTED_ALGORITHM");
    expect((error as OthernameError).message).toContain("DES-CBC");
  });

  it("truncated PEM: KEY_MALFORMED", () => {
    const text = Buffer.from(fixture("ec-p256.pkcs8.pem")).toString();
    const truncated = text.slice(0, Math.floor(text.length / 2));
    const error = thrown(() => readPrivateKey(new TextEncoder().encode(truncated), { source: "cut.pem" }));
    expect(codeOf(error)).toBe("KEY_MALFORMED");
    expect((error as OthernameError).message).toMatch(/^cannot read private key cut\.pem: /);
  });

  it("truncated DER: KEY_MALFORMED", () => {
    const der = fixture("rsa2048.pkcs8.der");
    const error = thrown(() => readPrivateKey(der.subarray(0, der.length - 10), { source: "cut.der" }));
    expect(codeOf(error)).toBe("KEY_MALFORMED");
  });

  it("bad base64 (as decodePem reports it): KEY_MALFORMED with decodePem's reason", () => {
    const text = Buffer.from(fixture("ec-p256.pkcs8.pem")).toString();
    const lines = text.split("\n");
    lines[2] = `${(lines[2] ?? "").slice(0, 10)}!@#${(lines[2] ?? "").slice(13)}`;
    const bad = lines.join("\n");
    const pemError = thrown(() => decodePem(bad)) as OthernameError;
    const error = thrown(() => readPrivateKey(new TextEncoder().encode(bad), { source: "bad.pem" }));
    expect(codeOf(error)).toBe("KEY_MALFORMED");
    expect((error as OthernameError).message).toBe(`cannot read private key bad.pem: ${pemError.message}`);
  });

  it("an encrypted key whose ciphertext lost a block: KEY_MALFORMED, not a password problem", () => {
    const [block] = decodePem(Buffer.from(fixture("rsa2048.pkcs1.aes256.pem")).toString());
    const pem = encodePem(block!.label, block!.der.subarray(0, block!.der.length - 5), block!.headers);
    const error = thrown(() => readPrivateKey(new TextEncoder().encode(pem), { source: "cut.pem", password: FIXTURE_PASSWORD }));
    expect(codeOf(error)).toBe("KEY_MALFORMED");
  });

  it("a DEK-Info IV of the wrong length: KEY_MALFORMED", () => {
    const text = Buffer.from(fixture("rsa2048.pkcs1.aes256.pem")).toString().replace(/(DEK-Info: AES-256-CBC,)([0-9A-F]{4})/, "$1");
    const error = thrown(() => readPrivateKey(new TextEncoder().encode(text), { source: "iv.pem", password: FIXTURE_PASSWORD }));
    expect(codeOf(error)).toBe("KEY_MALFORMED");
    expect((error as OthernameError).message).toContain("IV");
  });

  it("empty input, random text and random bytes: NOT_A_KEY", () => {
    for (const bytes of [new Uint8Array(0), new TextEncoder().encode("hello world\n"), Uint8Array.from([0x01, 0x02, 0x03])]) {
      expect(codeOf(thrown(() => readPrivateKey(bytes, { source: "x" })))).toBe("NOT_A_KEY");
    }
  });

  it("two keys in one file: KEY_MALFORMED naming both lines", () => {
    const text = Buffer.from(fixture("ec-p256.pkcs8.pem")).toString() + Buffer.from(fixture("ec-p384.pkcs8.pem")).toString();
    const error = thrown(() => readPrivateKey(new TextEncoder().encode(text), { source: "two.pem" }));
    expect(codeOf(error)).toBe("KEY_MALFORMED");
    expect((error as OthernameError).message).toMatch(/2 private keys.*lines 1, \d+/);
  });
});
