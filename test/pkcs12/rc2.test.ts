import { describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { rc2CbcDecrypt, rc2CbcEncrypt, rc2DecryptBlock, rc2EncryptBlock, rc2ExpandKey } from "../../src/pki/pkcs12/rc2.js";

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, "hex"));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString("hex");

// RFC 2268 §5 test vectors: key, effective key bits, plaintext, ciphertext.
const RFC_2268_VECTORS: ReadonlyArray<readonly [string, number, string, string]> = [
  ["0000000000000000", 63, "0000000000000000", "ebb773f993278eff"],
  ["ffffffffffffffff", 64, "ffffffffffffffff", "278b27e42e2f0d49"],
  ["3000000000000000", 64, "1000000000000001", "30649edf9be7d2c2"],
  ["88", 64, "0000000000000000", "61a8a244adacccf0"],
  ["88bca90e90875a", 64, "0000000000000000", "6ccf4308974c267f"],
  ["88bca90e90875a7f0f79c384627bafb2", 64, "0000000000000000", "1a807d272bbe5db1"],
  ["88bca90e90875a7f0f79c384627bafb2", 128, "0000000000000000", "2269552ab0f85ca6"],
  ["88bca90e90875a7f0f79c384627bafb216f80a6f85920584c42fceb0be255daf1e", 129, "0000000000000000", "5b78d3a43dfff1f1"],
];

describe("RC2 (RFC 2268)", () => {
  it.each(RFC_2268_VECTORS)("key %s, %i effective bits: encrypts and decrypts the RFC vector", (key, bits, plain, cipher) => {
    const k = rc2ExpandKey(hex(key), bits);
    const block = hex(plain);
    rc2EncryptBlock(k, block, 0);
    expect(toHex(block)).toBe(cipher);
    rc2DecryptBlock(k, block, 0);
    expect(toHex(block)).toBe(plain);
  });

  it("CBC decryption inverts CBC encryption", () => {
    const key = randomBytes(5);
    const iv = randomBytes(8);
    const data = randomBytes(64);
    const encrypted = rc2CbcEncrypt(key, 40, iv, data);
    expect(toHex(encrypted)).not.toBe(toHex(data));
    expect(toHex(rc2CbcDecrypt(key, 40, iv, encrypted))).toBe(toHex(data));
  });

  it("matches OpenSSL's legacy rc2-40-cbc (interop)", () => {
    const key = randomBytes(5);
    const iv = randomBytes(8);
    const data = randomBytes(32);
    const out = execFileSync("openssl", [
      "enc", "-rc2-40-cbc", "-provider", "legacy", "-provider", "default", "-nopad",
      "-K", toHex(key), "-iv", toHex(iv),
    ], { input: data });
    expect(toHex(rc2CbcEncrypt(key, 40, iv, data))).toBe(out.toString("hex"));
  });

  it("rejects bad key, IV and data lengths", () => {
    expect(() => rc2ExpandKey(new Uint8Array(0), 40)).toThrow(RangeError);
    expect(() => rc2CbcDecrypt(new Uint8Array(5), 40, new Uint8Array(7), new Uint8Array(8))).toThrow(RangeError);
    expect(() => rc2CbcDecrypt(new Uint8Array(5), 40, new Uint8Array(8), new Uint8Array(9))).toThrow(RangeError);
  });
});
