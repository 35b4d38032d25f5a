import { describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { createPrivateKey, generateKeyPairSync } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { OthernameError } from "../../src/errors.js";
import { isPkcs12, readPkcs12, writePkcs12 } from "../../src/pki/pkcs12/index.js";
import { FIXTURES, certificateSpki, errorCode, keySpki, sourceDer, subjectOf, withTempDir } from "./helpers.js";

const PASSWORD = "s3cret-password";
// JDK 17 refuses non-ASCII passwords for PBES2 ("Password is not ASCII"), so only OpenSSL gets this one.
const UNICODE_PASSWORD = "pässwörd-€";
const node2Pkcs8 = (): Uint8Array =>
  new Uint8Array(createPrivateKey(readFileSync(join(FIXTURES, "src/node2.key"))).export({ type: "pkcs8", format: "der" }));

const input = () => ({
  key: { pkcs8: node2Pkcs8(), certificate: sourceDer("node2.crt"), alias: "node2" },
  trustedCertificates: [{ der: sourceDer("ca.crt"), alias: "ca" }],
});

/**
 * Strict DER (X.690 §10): definite minimal lengths, primitive OCTET STRINGs, SET OF in order.
 * OCTET STRINGs whose contents parse as a complete TLV sequence (authSafe, SafeContents,
 * certificates) are checked inside too; ciphertext does not parse and is skipped.
 */
function derProblems(bytes: Uint8Array, start = 0, end = bytes.length): string[] | null {
  const problems: string[] = [];
  const walk = (from: number, to: number): Uint8Array[] | null => {
    const elements: Uint8Array[] = [];
    let p = from;
    while (p < to) {
      const at = p;
      if (p + 2 > to) return null;
      const tag = bytes[p++]!;
      let length = bytes[p++]!;
      if (length === 0x80) {
        problems.push(`indefinite length at ${at}`);
        return null;
      }
      if (length > 0x80) {
        const count = length & 0x7f;
        if (count > 4 || p + count > to) return null;
        length = 0;
        for (let i = 0; i < count; i++) length = length * 256 + bytes[p++]!;
        if (length < 0x80 || (count > 1 && length < 2 ** (8 * (count - 1)))) problems.push(`non-minimal length at ${at}`);
      }
      if (p + length > to) return null;
      if (tag === 0x24) problems.push(`constructed OCTET STRING at ${at}`);
      if ((tag & 0x20) !== 0) {
        const children = walk(p, p + length);
        if (children === null) return null;
        if (tag === 0x31) {
          for (let i = 1; i < children.length; i++) {
            if (Buffer.compare(Buffer.from(children[i - 1]!), Buffer.from(children[i]!)) > 0) problems.push(`unsorted SET OF at ${at}`);
          }
        }
      } else if (tag === 0x04 && length > 0) {
        const inner = derProblems(bytes, p, p + length);
        if (inner !== null) problems.push(...inner);
      }
      p += length;
      elements.push(bytes.subarray(at, p));
    }
    return elements;
  };
  return walk(start, end) === null ? (start === 0 ? [...problems, "does not parse"] : null) : problems;
}

describe("writePkcs12", () => {
  it("round-trips through our reader: key, alias, localKeyId, trusted CA", async () => {
    const written = await writePkcs12(input(), PASSWORD);
    expect(isPkcs12(written)).toBe(true);
    const contents = await readPkcs12(written, PASSWORD);
    expect(contents.mac).toEqual({ algorithm: "HMAC-SHA256", iterations: 10_000 });
    expect(contents.encryption).toEqual(["PBES2(PBKDF2-HMAC-SHA256, AES-256-CBC)"]);
    expect(contents.keys).toHaveLength(1);
    const key = contents.keys[0]!;
    expect(key.friendlyName).toBe("node2");
    expect(Buffer.from(key.pkcs8).equals(Buffer.from(node2Pkcs8()))).toBe(true);
    expect(contents.certificates.map((c) => [c.friendlyName, c.trusted, subjectOf(c.der)])).toEqual([
      ["node2", false, "CN=node2"],
      ["ca", true, "CN=Fixture CA"],
    ]);
    expect(key.certificateIndex).toBe(0);
    expect(Buffer.from(contents.certificates[0]!.localKeyId!).equals(Buffer.from(key.localKeyId!))).toBe(true);
    expect(await errorCode(readPkcs12(written, "wrong"))).toBe("PKCS12_WRONG_PASSWORD");
  });

  it("writes strict DER, fresh salts every time", async () => {
    const a = await writePkcs12(input(), PASSWORD, { iterations: 1 });
    const b = await writePkcs12(input(), PASSWORD, { iterations: 1 });
    expect(derProblems(a)).toEqual([]);
    // The checker can fail: an indefinite length and an unsorted SET are caught.
    expect(derProblems(new Uint8Array([0x30, 0x80, 0x05, 0x00, 0x00, 0x00]))).toContain("indefinite length at 0");
    expect(derProblems(new Uint8Array([0x31, 0x06, 0x02, 0x01, 0x02, 0x02, 0x01, 0x01]))).toEqual(["unsorted SET OF at 0"]);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false);
  });

  it("writes chain certificates when given, leaf only by default", async () => {
    const leafOnly = await readPkcs12(await writePkcs12({ key: input().key }, PASSWORD, { iterations: 1 }), PASSWORD);
    expect(leafOnly.certificates).toHaveLength(1);
    expect(leafOnly.keys[0]!.chain).toEqual([0]);
    const withChain = await readPkcs12(
      await writePkcs12({ key: { ...input().key, chain: [sourceDer("ca.crt")] } }, PASSWORD, { iterations: 1 }),
      PASSWORD,
    );
    expect(withChain.certificates.map((c) => [subjectOf(c.der), c.trusted])).toEqual([["CN=node2", false], ["CN=Fixture CA", false]]);
    expect(withChain.keys[0]!.chain).toEqual([0, 1]);
  });

  it("legacy: 3DES and an HMAC-SHA1 MAC", async () => {
    const contents = await readPkcs12(await writePkcs12(input(), PASSWORD, { legacy: true, iterations: 2048 }), PASSWORD);
    expect(contents.mac).toEqual({ algorithm: "HMAC-SHA1", iterations: 2048 });
    expect(contents.encryption).toEqual(["pbeWithSHAAnd3-KeyTripleDES-CBC"]);
    expect(keySpki(contents.keys[0]!.pkcs8)).toBe(certificateSpki(contents.certificates[0]!.der));
  });

  it("refuses a key that does not match its certificate, and empty input", async () => {
    const other = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ type: "pkcs8", format: "der" });
    const mismatch = (await writePkcs12({ key: { ...input().key, pkcs8: new Uint8Array(other) } }, PASSWORD).catch((e: unknown) => e)) as OthernameError;
    expect(mismatch.code).toBe("PKCS12_INVALID_INPUT");
    expect(mismatch.message).toContain("does not match");
    expect(await errorCode(writePkcs12({}, PASSWORD))).toBe("PKCS12_INVALID_INPUT");
    expect(await errorCode(writePkcs12({ trustedCertificates: [{ der: new Uint8Array([1, 2, 3]), alias: "x" }] }, PASSWORD))).toBe("PKCS12_INVALID_INPUT");
    expect(await errorCode(writePkcs12(input(), PASSWORD, { iterations: 0 }))).toBe("PKCS12_INVALID_INPUT");
  });

  describe("interop with the real tools", () => {
    it.each([
      ["default", {}],
      ["legacy", { legacy: true }],
    ] as const)("%s: OpenSSL 3 reads it without -legacy, keytool lists the key and the trusted CA", async (_name, options) => {
      const written = await writePkcs12(input(), PASSWORD, options);
      withTempDir((dir) => {
        const file = join(dir, "ours.p12");
        writeFileSync(file, written);
        const info = execFileSync("openssl", ["pkcs12", "-info", "-noenc", "-in", file, "-passin", `pass:${PASSWORD}`], {
          encoding: "utf8",
          stdio: ["ignore", "pipe", "pipe"],
        });
        expect(info).toContain("-----BEGIN PRIVATE KEY-----");
        expect(info).toContain("friendlyName: node2");
        expect(info).toContain("friendlyName: ca");
        expect(info.match(/-----BEGIN CERTIFICATE-----/g)).toHaveLength(2);
        // The key OpenSSL decrypted is ours.
        const pem = /-----BEGIN PRIVATE KEY-----[\s\S]+?-----END PRIVATE KEY-----/.exec(info)![0];
        const decrypted = createPrivateKey(pem).export({ type: "pkcs8", format: "der" });
        expect(Buffer.from(decrypted).equals(Buffer.from(node2Pkcs8()))).toBe(true);

        const list = execFileSync("keytool", ["-list", "-keystore", file, "-storetype", "PKCS12", "-storepass", PASSWORD], { encoding: "utf8" });
        expect(list).toMatch(/^node2, .*PrivateKeyEntry/m);
        expect(list).toMatch(/^ca, .*trustedCertEntry/m);
        expect(list).toContain("Your keystore contains 2 entries");
      });
    });

    it("a non-ASCII password: OpenSSL 3 reads it (BMPString MAC, UTF-8 PBKDF2)", async () => {
      const written = await writePkcs12(input(), UNICODE_PASSWORD);
      expect((await readPkcs12(written, UNICODE_PASSWORD)).keys).toHaveLength(1);
      withTempDir((dir) => {
        const file = join(dir, "unicode.p12");
        writeFileSync(file, written);
        const info = execFileSync("openssl", ["pkcs12", "-info", "-noenc", "-in", file, "-passin", `pass:${UNICODE_PASSWORD}`], {
          encoding: "utf8",
          stdio: ["ignore", "pipe", "pipe"],
        });
        expect(info).toContain("-----BEGIN PRIVATE KEY-----");
      });
    });

    it("the empty password: OpenSSL reads it", async () => {
      const written = await writePkcs12(input(), "");
      expect((await readPkcs12(written, "")).keys).toHaveLength(1);
      withTempDir((dir) => {
        const file = join(dir, "empty.p12");
        writeFileSync(file, written);
        const info = execFileSync("openssl", ["pkcs12", "-info", "-noenc", "-in", file, "-passin", "pass:"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
        expect(info).toContain("-----BEGIN PRIVATE KEY-----");
      });
    });
  });
});
