import { describe, expect, it } from "vitest";
import { createCipheriv, pbkdf2Sync, randomBytes } from "node:crypto";
import * as asn1js from "asn1js";
import { AlgorithmIdentifier } from "@peculiar/asn1-x509";
import { WorkBudget } from "../../src/pki/pkcs12/budget.js";
import { DecryptionFailed, Pkcs12Failures, Unsupported } from "../../src/pki/pkcs12/failures.js";
import { decrypt, parseEncryptionScheme, stripPadding } from "../../src/pki/pkcs12/pbe.js";
import { passwordForms } from "../../src/pki/pkcs12/read.js";

const PRFS = [
  ["sha1", "1.2.840.113549.2.7", false],
  ["sha224", "1.2.840.113549.2.8", true],
  ["sha256", "1.2.840.113549.2.9", true],
  ["sha384", "1.2.840.113549.2.10", true],
  ["sha512", "1.2.840.113549.2.11", true],
] as const;

/** PBES2-params built here independently of src/ (RFC 8018 A.4, A.2). */
function pbes2(prfOid: string | null, salt: Uint8Array, iterations: number, cipherOid: string, iv: Uint8Array, keyLength?: number): AlgorithmIdentifier {
  const kdfParams: asn1js.BaseBlock[] = [new asn1js.OctetString({ valueHex: salt }), new asn1js.Integer({ value: iterations })];
  if (keyLength !== undefined) kdfParams.push(new asn1js.Integer({ value: keyLength }));
  if (prfOid !== null) kdfParams.push(new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: prfOid }), new asn1js.Null()] }));
  const params = new asn1js.Sequence({
    value: [
      new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: "1.2.840.113549.1.5.12" }), new asn1js.Sequence({ value: kdfParams })] }),
      new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: cipherOid }), new asn1js.OctetString({ valueHex: iv })] }),
    ],
  });
  return new AlgorithmIdentifier({ algorithm: "1.2.840.113549.1.5.13", parameters: params.toBER(false) });
}

const budget = (): WorkBudget => new WorkBudget(1_000_000, new Pkcs12Failures("test"));
const always = (): boolean => true;

describe("PBES2 decryption", () => {
  it.each(PRFS)("PBKDF2-HMAC-%s with AES-256-CBC (PRF explicit: %s)", async (hash, oid, explicit) => {
    const salt = randomBytes(16);
    const iv = randomBytes(16);
    const plaintext = randomBytes(40);
    const key = pbkdf2Sync("pässword", salt, 1000, 32, hash);
    const cipher = createCipheriv("aes-256-cbc", key, iv);
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    // hmacWithSHA1 is PBKDF2's DEFAULT: leave it out, as writers do.
    const scheme = parseEncryptionScheme(pbes2(explicit ? oid : null, salt, 1000, "2.16.840.1.101.3.4.1.42", iv, 32));
    expect(scheme.name).toBe(`PBES2(PBKDF2-HMAC-${hash.toUpperCase()}, AES-256-CBC)`);
    const out = await decrypt(scheme, passwordForms("pässword"), ciphertext, budget(), always);
    expect(Buffer.from(out.plaintext).equals(plaintext)).toBe(true);
    expect(out.passwordEncoding).toBe("UTF-8");
    await expect(decrypt(scheme, passwordForms("password"), ciphertext, budget(), always)).rejects.toBeInstanceOf(DecryptionFailed);
  });

  it("names unsupported ciphers and PRFs by OID", () => {
    const salt = randomBytes(8);
    expect(() => parseEncryptionScheme(pbes2(null, salt, 10, "2.16.840.1.101.3.4.1.46", randomBytes(12)))).toThrow(Unsupported);
    expect(() => parseEncryptionScheme(pbes2("1.2.840.113549.2.5", salt, 10, "2.16.840.1.101.3.4.1.42", randomBytes(16)))).toThrow(/1\.2\.840\.113549\.2\.5/);
    expect(() => parseEncryptionScheme(new AlgorithmIdentifier({ algorithm: "1.2.840.113549.1.12.1.1", parameters: null }))).toThrow(/1\.2\.840\.113549\.1\.12\.1\.1/);
  });
});

describe("stripPadding (RFC 8018 §6.1.1)", () => {
  it("accepts only well-formed padding", () => {
    expect(stripPadding(Uint8Array.from([1, 2, 3, 5, 5, 5, 5, 5]), 8)).toEqual(Uint8Array.from([1, 2, 3]));
    expect(stripPadding(Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 1]), 8)).toEqual(Uint8Array.from([1, 2, 3, 4, 5, 6, 7]));
    expect(stripPadding(Uint8Array.from([1, 2, 3, 4, 5, 6, 4, 5]), 8)).toBeNull();
    expect(stripPadding(Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 0]), 8)).toBeNull();
    expect(stripPadding(Uint8Array.from([9, 9, 9, 9, 9, 9, 9, 9]), 8)).toBeNull();
  });
});
