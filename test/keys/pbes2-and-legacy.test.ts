import { describe, expect, it } from "vitest";
import { OthernameError } from "../../src/errors.js";
import { MAX_PBKDF2_ITERATIONS, readPrivateKey } from "../../src/pki/keys.js";
import { evpBytesToKey } from "../../src/pki/keys/legacy-pem.js";
import { encodeUnsigned } from "../../src/pki/keys/pbes2.js";
import { Tag, concatBytes, encodeOid, encodeTlv } from "../../src/pki/der.js";
import { encodePem } from "../../src/pki/pem.js";
import { openssl, thrown } from "./helpers.js";

describe("evpBytesToKey", () => {
  it.each([
    ["fixture-pass", "0011223344556677"],
    ["p", "ffffffffffffffff"],
    ["pässwörd and a long tail to cross MD5 blocks", "0102030405060708"],
  ])("matches `openssl enc -P -md md5` for %s", (password, saltHex) => {
    // openssl enc derives key ‖ IV with the same EVP_BytesToKey(MD5, 1 round).
    const out = openssl(["enc", "-aes-256-cbc", "-P", "-md", "md5", "-S", saltHex, "-pass", `pass:${password}`]).toString();
    const key = /key=([0-9A-F]+)/.exec(out)?.[1];
    const iv = /iv\s*=([0-9A-F]+)/.exec(out)?.[1];
    const derived = Buffer.from(evpBytesToKey(Buffer.from(password, "utf8"), Buffer.from(saltHex, "hex"), 48)).toString("hex").toUpperCase();
    expect(derived).toBe(`${key}${iv}`);
  });
});

/** An EncryptedPrivateKeyInfo with chosen PBKDF2 iteration octets and 16 octets of ciphertext. */
function encryptedKeyWithIterations(iterationContent: Uint8Array, options: { prf?: string; cipher?: string } = {}): Uint8Array {
  const seq = (...parts: Uint8Array[]): Uint8Array => encodeTlv(Tag.sequence, concatBytes(parts));
  const pbkdf2 = seq(
    encodeOid("1.2.840.113549.1.5.12"),
    seq(
      encodeTlv(Tag.octetString, new Uint8Array(8)),
      encodeTlv(Tag.integer, iterationContent),
      seq(encodeOid(options.prf ?? "1.2.840.113549.2.9"), encodeTlv(Tag.null, new Uint8Array(0))),
    ),
  );
  const scheme = seq(encodeOid(options.cipher ?? "2.16.840.1.101.3.4.1.42"), encodeTlv(Tag.octetString, new Uint8Array(16)));
  const algorithm = seq(encodeOid("1.2.840.113549.1.5.13"), seq(pbkdf2, scheme));
  return seq(algorithm, encodeTlv(Tag.octetString, new Uint8Array(16)));
}

function readError(der: Uint8Array): OthernameError {
  const pem = new TextEncoder().encode(encodePem("ENCRYPTED PRIVATE KEY", der));
  const error = thrown(() => readPrivateKey(pem, { source: "hostile.pem", password: "x" }));
  expect(error).toBeInstanceOf(OthernameError);
  return error as OthernameError;
}

describe("PBES2 limits and unsupported parameters", () => {
  it.each([
    ["just above the cap", encodeUnsigned(MAX_PBKDF2_ITERATIONS + 1)],
    ["2^31 - 1", encodeUnsigned(2 ** 31 - 1)],
    ["a 100-octet count", Uint8Array.from([0x7f, ...new Array<number>(99).fill(0xff)])],
  ])("refuses %s iterations before deriving", (_name, content) => {
    const error = readError(encryptedKeyWithIterations(content));
    expect(error.code).toBe("KEY_ITERATIONS_TOO_HIGH");
    expect(error.message).toMatch(/^cannot read private key hostile\.pem: PBKDF2 asks for/);
  });

  it("a count within the cap is used, and the wrong password reported", () => {
    // 16 zero octets never decrypt to valid padding under a random-looking key... except rarely;
    // either way the outcome must be a password error, not the cap.
    const error = readError(encryptedKeyWithIterations(encodeUnsigned(1000)));
    expect(error.code).toBe("KEY_WRONG_PASSWORD");
  });

  it.each([
    ["zero", Uint8Array.from([0])],
    ["negative", Uint8Array.from([0xff])],
  ])("a %s iteration count is malformed", (_name, content) => {
    expect(readError(encryptedKeyWithIterations(content)).code).toBe("KEY_MALFORMED");
  });

  it("names an unsupported PRF and cipher by OID", () => {
    const prf = readError(encryptedKeyWithIterations(encodeUnsigned(1000), { prf: "1.2.840.113549.2.5" }));
    expect(prf.code).toBe("KEY_UNSUPPORTED_ALGORITHM");
    expect(prf.message).toContain("1.2.840.113549.2.5");
    const cipher = readError(encryptedKeyWithIterations(encodeUnsigned(1000), { cipher: "2.16.840.1.101.3.4.1.46" }));
    expect(cipher.code).toBe("KEY_UNSUPPORTED_ALGORITHM");
    expect(cipher.message).toContain("2.16.840.1.101.3.4.1.46");
  });
});
