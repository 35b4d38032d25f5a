import { describe, expect, it } from "vitest";
import { Gost28147, cryptWords, roundTables } from "../../src/pki/pkcs12/gost/gost28147.js";
import { gost28147CfbDecrypt } from "../../src/pki/pkcs12/gost/cfb.js";
import { Gostr341194, gostr341194 } from "../../src/pki/pkcs12/gost/gostr3411-94.js";
import { HmacGostr341194, hmacGostr341194 } from "../../src/pki/pkcs12/gost/hmac.js";
import { pbkdf2HmacGostr341194 } from "../../src/pki/pkcs12/gost/pbkdf2.js";
import type { SBox } from "../../src/pki/pkcs12/gost/sboxes.js";
import { GOST28147_CRYPTOPRO_A_SBOX, GOSTR3411_94_CRYPTOPRO_SBOX, GOSTR3411_94_TEST_SBOX } from "../../src/pki/pkcs12/gost/sboxes.js";

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, "hex"));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString("hex");
const ascii = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, "latin1"));

/**
 * GOST R 34.12-2015's 64-bit cipher "Magma" is GOST 28147-89 with the id-tc26-gost-28147-param-Z
 * S-boxes and big-endian words; RFC 8891 §4.1 gives those S-boxes (π'0..π'7) and §A its vectors.
 * They check the round function and the key schedule of our core with an independent example.
 */
const RFC_8891_SBOX: SBox = [
  [12, 4, 6, 2, 10, 5, 11, 9, 14, 8, 13, 7, 0, 3, 15, 1],
  [6, 8, 2, 3, 9, 10, 5, 12, 1, 14, 4, 7, 11, 13, 0, 15],
  [11, 3, 5, 8, 2, 15, 10, 13, 14, 1, 7, 4, 12, 9, 6, 0],
  [12, 8, 2, 1, 13, 4, 15, 6, 7, 0, 10, 5, 3, 14, 9, 11],
  [7, 15, 5, 10, 8, 1, 6, 13, 0, 9, 3, 14, 11, 4, 2, 12],
  [5, 13, 15, 6, 9, 2, 12, 10, 11, 7, 8, 1, 4, 3, 14, 0],
  [8, 14, 2, 5, 6, 9, 1, 12, 15, 4, 11, 0, 13, 10, 3, 7],
  [1, 7, 14, 13, 0, 5, 8, 3, 4, 15, 10, 6, 9, 12, 11, 2],
];

describe("GOST 28147-89 block cipher (RFC 5830)", () => {
  const tables = roundTables(RFC_8891_SBOX);
  // RFC 8891 §A.3: key ffeeddcc…fcfdfeff as K1..K8 (big-endian words), a = fedcba9876543210, b = 4ee901e5c2d8ca3d.
  const keyBytes = Buffer.from("ffeeddccbbaa99887766554433221100f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff", "hex");
  const key = Uint32Array.from({ length: 8 }, (_, i) => keyBytes.readUInt32BE(4 * i));

  it("encrypts RFC 8891's example block (Magma = GOST 28147-89 with the param-Z S-boxes)", () => {
    const out = new Uint32Array(2);
    cryptWords(tables, key, 0x76543210, 0xfedcba98, false, out); // N1 is the low half a0
    expect([out[1]!.toString(16), out[0]!.toString(16)]).toEqual(["4ee901e5", "c2d8ca3d"]);
    cryptWords(tables, key, out[0]!, out[1]!, true, out);
    expect([out[1]!.toString(16), out[0]!.toString(16)]).toEqual(["fedcba98", "76543210"]);
  });

  it("a wrong S-box row changes the result (the vector checks the substitution)", () => {
    const swapped = RFC_8891_SBOX.map((row, i) => (i === 7 ? [...row].reverse() : row));
    const out = new Uint32Array(2);
    cryptWords(roundTables(swapped), key, 0x76543210, 0xfedcba98, false, out);
    expect(out[1]!.toString(16)).not.toBe("4ee901e5");
  });

  it("the byte interface reads key words and block halves little-endian (CryptoPro's order) and round-trips", () => {
    const cipher = new Gost28147(tables, Uint8Array.from(Buffer.from(keyBytes).swap32()));
    const block = hex("1032547698badcfe"); // a0 = 0x76543210, a1 = 0xfedcba98 as little-endian words
    cipher.encryptBlock(block);
    expect(toHex(block)).toBe("3dcad8c2e501e94e");
    cipher.decryptBlock(block);
    expect(toHex(block)).toBe("1032547698badcfe");
  });
});

describe("GOST R 34.11-94 (RFC 5831)", () => {
  // RFC 5831 §7.3.1-7.3.2 (test parameters); the empty message's value as published with them.
  it.each([
    ["", "ce85b99cc46752fffee35cab9a7b0278abb4c2d2055cff685af4912c49490f8d"],
    ["This is message, length=32 bytes", "b1c466d37519b82e8319819ff32595e047a28cb6f83eff1c6916a815a637fffa"],
    ["Suppose the original message has length = 50 bytes", "471aba57a60a770d3a76130635c1fbea4ef14de51f78b4ae57dd893b62f55208"],
  ])("test parameters: %j", (message, digest) => {
    expect(toHex(gostr341194(ascii(message), GOSTR3411_94_TEST_SBOX))).toBe(digest);
  });

  // The same messages with id-GostR3411-94-CryptoProParamSet, as published for that set
  // (the values Bouncy Castle's and OpenSSL's GOST tests check).
  it.each([
    ["", "981e5f3ca30c841487830f84fb433e13ac1101569b9c13584ac483234cd656c0"],
    ["This is message, length=32 bytes", "2cefc2f7b7bdc514e18ea57fa74ff357e7fa17d652c75f69cb1be7893ede48eb"],
    ["Suppose the original message has length = 50 bytes", "c3730c5cbccacf915ac292676f21e8bd4ef75331d9405e5f1a61dc3130a65011"],
    ["ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", "73b70a39497de53a6e08c67b6d4db853540f03e9389299d9b0156ef7e85d0f61"],
  ])("CryptoPro parameters: %j", (message, digest) => {
    expect(toHex(gostr341194(ascii(message), GOSTR3411_94_CRYPTOPRO_SBOX))).toBe(digest);
  });

  it("feeding the message in pieces gives the same digest, and a copy continues independently", () => {
    const message = ascii("Suppose the original message has length = 50 bytes".repeat(3));
    const whole = toHex(gostr341194(message, GOSTR3411_94_CRYPTOPRO_SBOX));
    for (const cut of [1, 31, 32, 33, 64, 100]) {
      const hash = new Gostr341194(GOSTR3411_94_CRYPTOPRO_SBOX).update(message.subarray(0, cut));
      const twin = hash.copy();
      expect(toHex(hash.update(message.subarray(cut)).digest())).toBe(whole);
      expect(toHex(twin.update(message.subarray(cut)).digest())).toBe(whole);
    }
  });
});

describe("HMAC_GOSTR3411 (RFC 4357 §3) and PBKDF2 over it", () => {
  it("is RFC 2104 with a 32-byte block: equal to the formula spelled out with the hash", () => {
    const key = ascii("a key of exactly thirty-two byte");
    const message = ascii("what the MAC covers");
    const pad = (byte: number) => key.map((k) => k ^ byte);
    const concat = (a: Uint8Array, b: Uint8Array) => Uint8Array.from([...a, ...b]);
    const hash = (data: Uint8Array) => gostr341194(data, GOSTR3411_94_CRYPTOPRO_SBOX);
    const expected = hash(concat(pad(0x5c), hash(concat(pad(0x36), message))));
    expect(toHex(hmacGostr341194(key, message))).toBe(toHex(expected));
    // Keys longer than the block are hashed first (RFC 2104 §2).
    const long = ascii("k".repeat(40));
    expect(toHex(hmacGostr341194(long, message))).toBe(toHex(hmacGostr341194(hash(long), message)));
    // The keyed states are reused: two messages through one object match two fresh ones.
    const mac = new HmacGostr341194(key);
    expect(toHex(mac.mac(ascii("one")))).toBe(toHex(hmacGostr341194(key, ascii("one"))));
    expect(toHex(mac.mac(message))).toBe(toHex(expected));
  });

  it("PBKDF2 follows RFC 8018 §5.2: T1 = U1 ⊕ … ⊕ Uc with U1 = PRF(P, S ‖ INT(1))", async () => {
    const password = ascii("password");
    const salt = ascii("salt");
    const u1 = hmacGostr341194(password, Uint8Array.from([...salt, 0, 0, 0, 1]));
    const u2 = hmacGostr341194(password, u1);
    const u3 = hmacGostr341194(password, u2);
    expect(toHex(await pbkdf2HmacGostr341194(password, salt, 1, 32))).toBe(toHex(u1));
    expect(toHex(await pbkdf2HmacGostr341194(password, salt, 3, 32))).toBe(toHex(u1.map((b, i) => b ^ u2[i]! ^ u3[i]!)));
    const two = await pbkdf2HmacGostr341194(password, salt, 1, 40); // a second block: INT(2)
    expect(two).toHaveLength(40);
    expect(toHex(two.subarray(32))).toBe(toHex(hmacGostr341194(password, Uint8Array.from([...salt, 0, 0, 0, 2])).subarray(0, 8)));
  });
});

describe("GOST 28147-89 CFB with CryptoPro key meshing (RFC 5830 §7, RFC 4357 §2.3.2)", () => {
  const tables = roundTables(GOST28147_CRYPTOPRO_A_SBOX);
  const key = hex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
  const iv = hex("0102030405060708");

  /** CFB encryption spelled out from RFC 5830 §7 and RFC 4357 §2.3.2, to check the decryption against. */
  function cfbEncrypt(plaintext: Uint8Array, keyMeshing: boolean): Uint8Array {
    const meshing = hex("6900722264c904238d3adb9646e92ac418feac9400ed0712c086dcc2ef4ca92b");
    const cipher = new Gost28147(tables, key);
    const out = new Uint8Array(plaintext.length);
    let register = Uint8Array.from(iv);
    for (let offset = 0; offset < plaintext.length; offset += 8) {
      if (keyMeshing && offset > 0 && offset % 1024 === 0) {
        const next = Uint8Array.from(meshing);
        for (let b = 0; b < 32; b += 8) cipher.decryptBlock(next, b); // K[i+1] = decryptECB(K[i], C)
        cipher.setKey(next);
        cipher.encryptBlock(register); // IV0[i+1] = encryptECB(K[i+1], IVn[i])
      }
      const gamma = Uint8Array.from(register);
      cipher.encryptBlock(gamma);
      const end = Math.min(offset + 8, plaintext.length);
      for (let i = offset; i < end; i++) out[i] = plaintext[i]! ^ gamma[i - offset]!;
      register = out.slice(offset, offset + 8);
    }
    return out;
  }

  it("decrypts what CFB encrypted, a short last block included", () => {
    const plaintext = Uint8Array.from({ length: 29 }, (_, i) => i * 7);
    const ciphertext = cfbEncrypt(plaintext, true);
    expect(toHex(gost28147CfbDecrypt(tables, key, iv, ciphertext, true))).toBe(toHex(plaintext));
  });

  it("meshes the key after every 1024 bytes: without meshing only the first 1024 bytes come out right", () => {
    const plaintext = Uint8Array.from({ length: 2600 }, (_, i) => (i * 31) & 0xff);
    const ciphertext = cfbEncrypt(plaintext, true);
    expect(toHex(gost28147CfbDecrypt(tables, key, iv, ciphertext, true))).toBe(toHex(plaintext));
    const unmeshed = gost28147CfbDecrypt(tables, key, iv, ciphertext, false);
    expect(toHex(unmeshed.subarray(0, 1024))).toBe(toHex(plaintext.subarray(0, 1024)));
    expect(toHex(unmeshed.subarray(1024, 1032))).not.toBe(toHex(plaintext.subarray(1024, 1032)));
  });
});
